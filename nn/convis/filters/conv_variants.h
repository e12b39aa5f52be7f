// nn/convis/filters/conv_variants.h: the other convolutions of the toolbox: RF (a receptive
// field read out as one pixel), Conv1d (temporal only, per pixel) and Conv2d (spatial only, per
// frame).
//
//   using namespace convis::filters;
//   RF rf;                   // weight 1x1: sized on first use
//   Tensor r = (*rf)(video);                            // (200, 20, 20) -> [1, 1, 200, 1, 1], mean over pixels
//   Conv1d lp(1, 1, 5);
//   lp->exponential(0.01);                              // a 47-tap causal low-pass per pixel
//   Conv2d blur(1, 1, Shape{3, 3});
//   blur->gaussian(0.2);                                // 13 x 13, replicate borders
#pragma once

#include <cstdint>

#include "convis/nn/convis/filters/conv3d.h"

namespace convis::filters {

// Note [RF sizing]
// A 1x1 spatial weight means "not set": on the next call it becomes a uniform kernel over the
// input's X x Y (and the kT frames), all channel pairs, summing to 1.  Afterwards an input
// smaller than the weight is zero-padded at the right and bottom, a larger one is cropped to the
// top-left corner; there is no spatial padding, so the output is [B, out, T, 1, 1].
// Only the original's rf_mode "corner" exists.
class RFImpl : public Conv3dImpl {
 public:
  RFImpl(int64_t in_channels = 1, int64_t out_channels = 1, Shape kernel_size = {1, 1, 1}, bool bias = true);

  Tensor forward(const Tensor& input) override;
  // Back to a zero weight of 1 x 1 pixels (sized again by the next call).
  void reset_weight();
};

// Temporal-only convolution: every pixel (and channel pair) is filtered in time, causally,
// with the history rule of Conv3d (Note [Convolution history]).  weight [out, in, k], stored
// reversed so that the impulse response equals the kernel given to set_weight.
class Conv1dImpl : public Layer {
 public:
  Conv1dImpl(int64_t in_channels = 1, int64_t out_channels = 1, int64_t kernel_size = 1, bool time_pad = true,
         bool bias = true);

  Tensor forward(const Tensor& input) override;
  // 1-D (k) or 3-D (out, in, k) kernels; a 1-D kernel makes the layer 1 -> 1 channel.
  void set_weight(const Tensor& w, bool normalize = false, bool flip = true);
  void exponential(double tau, const ExponentialOptions& options = {},
                   const ResolutionInfo& resolution = default_resolution);
  int64_t filter_length() const { return weight.size(2) - 1; }

  Tensor weight;  // [out, in, k]
  Tensor bias;    // [out] or undefined
  bool time_pad = true;
};

// Spatial-only convolution of every frame, replicate autopad and flip semantics as Conv3d
// (r = n - 1 - floor(n/2)).  Stateless.  weight [out, in, kX, kY].
class Conv2dImpl : public Layer {
 public:
  Conv2dImpl(int64_t in_channels = 1, int64_t out_channels = 1, Shape kernel_size = {1, 1}, bool autopad = true,
         bool bias = true, PadMode autopad_mode = PadMode::replicate);

  Tensor forward(const Tensor& input) override;
  // 2-D (x, y), 3-D (in, x, y) or 4-D (out, in, x, y) kernels; 2-D makes the layer 1 -> 1.
  void set_weight(const Tensor& w, bool normalize = false, bool flip = true);
  void gaussian(double sigma, const ResolutionInfo& resolution = default_resolution);

  Tensor weight;  // [out, in, kX, kY]
  Tensor bias;    // [out] or undefined
  bool autopad = true;
  PadMode autopad_mode = PadMode::replicate;
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(RF);
CONVIS_MODULE(Conv1d);
CONVIS_MODULE(Conv2d);

}  // namespace convis::filters
