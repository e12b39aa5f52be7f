// nn/convis/retina/bipolar.h: the bipolar stage of the retina model, a leaky integrator with
// contrast gain control (VirtualRetina's "contrast-gain-control").
//
//   convis::models::Bipolar bip;   // lambda_amp = 0: no gain control
//   Tensor v = (*bip)(i_opl);                                 // [B, C, T, X, Y], same shape
//   bip->run(i_opl, 100);                                     // the same numbers in chunks
//
// Per frame t, per pixel, with dt = 1 / steps_per_second and Q the adaptation conductance:
//   g = g_leak + Q_{t-1},  E_inf = input_amp I_t / g,
//   V_t = (V_{t-1} - E_inf) exp(-dt g) + E_inf,
//   Q_t = G * (q - mean(q)) + mean(q),  q = e Q_{t-1} + (1 - e) lambda_amp V_{t-1}^2,  e = exp(-dt / tau)
// with G the Gaussian of sigma adaptation_sigma (conv2d, replicate borders) and the mean over
// the frame.  V starts at 0 and Q at 1.  Output V.  See Note [Bipolar adaptation].
#pragma once

#include <memory>

#include "convis/nn/convis/filters/conv_variants.h"
#include "convis/nn/convis/layer.h"
#include "convis/nn/convis/retina/config.h"

namespace convis::models {

class BipolarImpl : public Layer {
 public:
  explicit BipolarImpl(const BipolarConfig& config = {});
  Tensor forward(const Tensor& input) override;
  void configure(const BipolarConfig& config);

  Tensor input_amp;   // 0-dim, Hz
  Tensor g_leak;      // 0-dim, Hz
  Tensor lambda_amp;  // 0-dim, Hz
  Tensor tau;         // 0-dim, seconds
  std::shared_ptr<filters::Conv2dImpl> conv2d;  // the adaptation Gaussian

 private:
  bool needs_graph(const Tensor& input) const;
  // The per-frame recursion as tensor ops (differentiable; one graph node per op and frame).
  Tensor forward_graph(const Tensor& input, Tensor v, Tensor q);
  // The same recursion as one loop over raw data, without autograd.
  Tensor forward_plain(const Tensor& input, Tensor v, Tensor q);
  Tensor v_buffer_, q_buffer_;  // the state, updated in place without gradients (Note [State buffers])
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(Bipolar);

}  // namespace convis::models
