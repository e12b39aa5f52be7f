// nn/convis/filters/exponential_kernel.h: the exponential (or gamma-cascade) temporal kernel
// as a module whose time constant and amplification are Parameters, so the kernel can be
// fitted through whatever uses it.
//
//   convis::filters::ExponentialKernel gen(0.01);   // tau in seconds
//   Tensor k = gen->forward();            // = exponential_filter_1d(0.01): 47 taps, k[0] = 0.0961
//   conv->weight ... use k in a differentiable expression; k.sum().backward() reaches gen->tau
#pragma once

#include <cstdint>

#include "convis/nn/module.h"

namespace convis::filters {

// The kernel of exponential_filter_1d (kernels.h, normalize = true) at
// convis::default_resolution, computed from the Parameters `tau` (seconds) and
// `amplification` with differentiable ops.  n = 0: k[i] = a exp(-(i + 0.4) / tau_s),
// a = amplification / tau_s; n > 0: the gamma cascade
// amplification (n t)^n exp(-n t / tau_s) / ((n-1)! tau_s^(n+1)), t = 1 .. taps.
// The number of taps follows exponential_filter_1d's rule for the current values, or is
// `length` when length > 0.  A kernel of at most one tap is the constant [1].
class ExponentialKernelImpl : public nn::Module {
 public:
  explicit ExponentialKernelImpl(double tau = 0.01, int64_t n = 0, double amplification = 1.0, int64_t length = 0);
  // The kernel, 1-D, in the parameters' dtype.
  Tensor forward() const;
  // The number of taps forward() gives for the current parameter values.
  int64_t taps() const;

  Tensor tau;            // seconds, 0-dim
  Tensor amplification;  // overall gain, 0-dim
  int64_t n;
  int64_t length;
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(ExponentialKernel);

}  // namespace convis::filters
