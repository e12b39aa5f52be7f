// nn/convis/models/mcintosh.h: the convolutional retina model of McIntosh et al. (2016) as
// in the toolbox (docs/convis-toolbox.md 1.8, section 2 item 24).
//
//   using namespace convis::models;
//   manual_seed(0);
//   McIntosh m;         // (10,5,5) 1 -> 8, (1,1,1) 8 -> 16, readout -> 1
//   Tensor y = (*m)(video);                        // (T, 20, 20) -> [1, 1, T, 1, 1]
//   m->readout->weight.sizes();                    // [1, 6400]: 16 * 20 * 20 features, all ones
//   m->set_optimizer<optim::Adam>(optim::AdamOptions(1e-3));   // after the first call (below)
//
// Note [McIntosh readout]
// layer1 (Conv3d 1 -> layer1_channels, filter_size) -> ReLU -> layer2 (Conv3d layer1_channels ->
// layer2_channels, filter_2_size) -> ReLU; then every channel and pixel of a frame becomes one
// feature, ordered (channel, x, y) row-major, and a bias-free Linear(features -> out_channels)
// reads them out: output [B, 1, T, 1, out_channels].  The feature count depends on the input's
// X and Y, so the readout starts as Linear(1, out_channels) and is re-created, with a weight of
// ones, whenever a call brings a different count (as the original).  A re-created readout is a
// new parameter tensor: an optimizer built before it (set_optimizer) does not see it, so build
// the optimizer after a first call on input of the final size, or call resize_readout(X, Y)
// first.  With random_init, both convolution kernels are U(0, 1) normalised to sum 1 (from
// convis::manual_seed's generator); otherwise they stay zero.  Conv biases start at zero.
#pragma once

#include <cstdint>
#include <memory>

#include "convis/nn/convis/filters/conv3d.h"
#include "convis/nn/convis/layer.h"
#include "convis/nn/linear.h"

namespace convis::models {

class McIntoshImpl : public Layer {
 public:
  explicit McIntoshImpl(Shape filter_size = {10, 5, 5}, bool random_init = true, int64_t out_channels = 1,
                    Shape filter_2_size = {1, 1, 1}, int64_t layer1_channels = 8, int64_t layer2_channels = 16);

  Tensor forward(const Tensor& input) override;
  // Re-creates the readout (weight of ones) for frames of x * y pixels, if its size differs.
  void resize_readout(int64_t x, int64_t y);

  std::shared_ptr<filters::Conv3dImpl> layer1;
  std::shared_ptr<filters::Conv3dImpl> layer2;
  std::shared_ptr<nn::LinearImpl> readout;  // weight [out_channels, layer2_channels * X * Y]
  int64_t out_channels;

 private:
  void ensure_readout(int64_t features);
  void document_readout();
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(McIntosh);

}  // namespace convis::models
