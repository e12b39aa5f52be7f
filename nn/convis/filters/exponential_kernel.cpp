// nn/convis/filters/exponential_kernel.cpp (nn/convis/filters/exponential_kernel.h).
#include "convis/nn/convis/filters/exponential_kernel.h"

#include <algorithm>
#include <cmath>

#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/nn/convis/filters/resolution.h"

namespace convis::filters {
namespace {

double value_of(const Tensor& t) { return t.detach().cpu().to(kFloat64).item<double>(); }

// exponential_filter_1d's length rule (kernels.cpp): min_steps 10, max_length 1000.
int64_t default_taps(double tau_s, int64_t n, double amplification, double eps) {
  if (n == 0) {
    double raw = std::floor(-tau_s * std::log(eps / (amplification / tau_s))) + 1.0;
    return int64_t(std::min(std::max(raw, 10.0), 1000.0));
  }
  double raw = std::floor(-tau_s * std::log(eps / amplification)) - double(n);
  int64_t length = int64_t(std::min(raw, 1000.0));
  return length <= 1 ? length : n * length;
}

}  // namespace

ExponentialKernelImpl::ExponentialKernelImpl(double tau_, int64_t n_, double amplification_, int64_t length_)
    : n(n_), length(length_) {
  CONVIS_CHECK(n_ >= 0 && length_ >= 0, "ExponentialKernel", "expected n >= 0 and length >= 0, got {} and {}", n_,
               length_);
  tau = register_parameter("tau", scalar_tensor(tau_), true, "time constant of the exponential kernel, in seconds");
  amplification = register_parameter("amplification", scalar_tensor(amplification_), true,
                                     "overall gain of the kernel (1: sums to about 1)");
  taps();  // checks the values
}

int64_t ExponentialKernelImpl::taps() const {
  double t = value_of(tau), amp = value_of(amplification);
  CONVIS_CHECK(std::isfinite(t) && t > 0 && amp > 0, "ExponentialKernel",
               "expected a positive tau and amplification, got {} and {}", t, amp);
  if (length > 0) return length;
  return default_taps(default_resolution.seconds_to_steps(t), n, amp, default_resolution.filter_epsilon);
}

Tensor ExponentialKernelImpl::forward() const {
  int64_t count = taps();
  if (count <= 1) return ones({1}, tau.options());
  Tensor tau_s = tau * default_resolution.steps_per_second;
  Tensor i = arange(count, tau.options());
  if (n == 0) return amplification / tau_s * exp(-(i + 0.4) / tau_s);
  double nd = double(n);
  Tensor t = i + 1.0;
  Tensor norm = pow(tau_s, nd + 1.0) * std::tgamma(nd);  // (n-1)! tau_s^(n+1)
  return amplification * pow(t * nd, nd) * exp(-(t * nd) / tau_s) / norm;
}

}  // namespace convis::filters
