// nn/convis/filters/smooth_conv.h: SmoothConv, a sum of spatially filtered stages of a
// cascade of temporal low-pass filters.
//
//   convis::filters::SmoothConv sc(3, 0.1, Shape{10, 10});
//   Tensor y = (*sc)(video);                          // (T, X, Y) -> [1, 1, T, X, Y]
//   Tensor parts = sc->get_all_components(video);     // [1, 3, T, X, Y]: one channel per stage
//
// Stage i (0-based) is i + 1 recursive low-passes of time constant tau (not trainable) in a
// row; its signal goes through the spatial Conv3d g_i (kernel (1, sx, sy), random uniform
// [0, 1) weight, replicate borders), and the n results are summed.  Every stage keeps its
// state between chunks, so any chunking gives the one-call output.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "convis/nn/convis/filters/conv3d.h"
#include "convis/nn/convis/filters/recursive.h"

namespace convis::filters {

class SmoothConvImpl : public Layer {
 public:
  SmoothConvImpl(int64_t n = 3, double tau = 0.1, Shape spatial_filter = {10, 10});

  Tensor forward(const Tensor& input) override;
  // The n spatially filtered stages as channels [B, n * C_out, T, X, Y] (their sum is forward).
  Tensor get_all_components(const Tensor& input);

  std::vector<std::shared_ptr<TemporalLowPassFilterRecursiveImpl>> e;  // registered as e_0, e_1, ...
  std::vector<std::shared_ptr<Conv3dImpl>> g;                          // registered as g_0, g_1, ...

 private:
  std::vector<Tensor> components(const Tensor& input);
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(SmoothConv);

}  // namespace convis::filters
