// nn/convis/filters/kernels.h: generated filter kernels (exponential low-pass and high-pass
// in time, Gaussians in space) and the Deriche coefficients of the recursive Gaussian.
//
//   using namespace convis::filters;
//   Tensor e = exponential_filter_1d(0.01);                 // 47 taps, e[0] = 0.0961, sum 1.0004
//   Tensor h = exponential_highpass_filter_1d(0.02, 0.7);   // 73 taps: 1, then -0.7 * exp kernel
//   Tensor g = gauss_filter_2d(0.1, 0.1);                   // 7 x 7, sum about 1
//   DericheCoefficients d = deriche_coefficients(1.0);      // d.A1 ... d.B2
//   conv->set_weight(e);                                    // a causal low-pass (conv3d.h)
//
// Time constants are in seconds and sigmas in degrees of visual angle; both are converted
// with a ResolutionInfo (convis::default_resolution unless one is given).  Kernels are
// float32 unless a dtype is given, and are truncated where they fall below
// resolution.filter_epsilon.
#pragma once

#include <cstdint>

#include "convis/core/dtype.h"
#include "convis/core/tensor.h"
#include "convis/nn/convis/filters/resolution.h"

namespace convis::filters {

struct ExponentialOptions {
  int64_t n = 0;               // 0: one exponential; n > 0: a gamma cascade of n stages
  bool normalize = true;       // n = 0: scale by 1 / tau_in_steps so the kernel sums to about 1
  double amplification = 1.0;  // overall gain
  int64_t max_length = 1000;   // taps at most (n > 0: the cascade spans n * length taps)
  int64_t min_steps = 10;      // taps at least (n = 0)
};

// The temporal low-pass kernel of time constant tau (seconds), 1-D, first tap = no delay.
// n = 0: a = amplification / tau_s (tau_s = tau in steps; a = amplification without
// normalize), L = clamp(floor(-tau_s * ln(eps / a)) + 1, min_steps, max_length) taps,
// k[i] = a * exp(-(i + 0.4) / tau_s).
// n > 0: k[t-1] = amplification * (n t)^n exp(-n t / tau_s) / ((n-1)! tau_s^(n+1)), t = 1..n L',
// L' = min(floor(-tau_s * ln(eps / amplification)) - n, max_length).
// A kernel of no more than one tap is [1].
Tensor exponential_filter_1d(double tau, const ExponentialOptions& options = {},
                             const ResolutionInfo& resolution = default_resolution, DType dtype = kFloat32);

// [1, -k...] with k = exponential_filter_1d(tau, amplification = relative_weight): the
// identity minus a weighted low-pass (a transient).  tau = 0.02, 0.7: 73 taps, sum 0.316.
Tensor exponential_highpass_filter_1d(double tau, double relative_weight,
                                      const ResolutionInfo& resolution = default_resolution,
                                      DType dtype = kFloat32);

// The 2-D Gaussian with standard deviations sigma_x (dim 0) and sigma_y (dim 1) in degrees.
// Per axis, with s = sigma in pixels and a = 1 / (s sqrt(2 pi)): m = ceil(sqrt(-2 s^2 ln(eps / a))),
// taps at -(m-1)..(m-1) valued a exp(-X^2 / 2 s^2) clipped to [0, 1]; the 2-D kernel is their
// outer product (not renormalised).  A sigma of 0 (either) gives [[1]].
// Sizes at 10 px/deg: 0.05 -> 3, 0.1 -> 7, 0.15 -> 11, 0.2 -> 13.
Tensor gauss_filter_2d(double sigma_x, double sigma_y, const ResolutionInfo& resolution = default_resolution,
                       DType dtype = kFloat32);

// The coefficients of the Deriche recursive Gaussian (SpatialRecursiveFilter) for a filter
// density (1 / sigma in pixels).  With alpha = 1.695 density:
// k = (1 - e^-alpha)^2 / (1 + 2 alpha e^-alpha - e^-2alpha), A1 = k, A2 = k e^-alpha (alpha - 1),
// A3 = k e^-alpha (alpha + 1), A4 = -k e^-2alpha, B1 = 2 e^-alpha, B2 = -e^-2alpha.
struct DericheCoefficients {
  double A1 = 0, A2 = 0, A3 = 0, A4 = 0, B1 = 0, B2 = 0;
};
DericheCoefficients deriche_coefficients(double density);

}  // namespace convis::filters
