// nn/convis/filters/kernels.cpp: the kernel generators of kernels.h.
#include "convis/nn/convis/filters/kernels.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"

namespace convis::filters {

namespace {

Tensor make(const std::vector<double>& values, DType dtype) {
  CONVIS_CHECK(is_floating_point(dtype), "kernels", "expected a floating-point dtype, got {}", dtype_name(dtype));
  return tensor(values, TensorOptions(kFloat64)).to(dtype);
}

void check_resolution(const char* op, const ResolutionInfo& r) {
  CONVIS_CHECK(r.steps_per_second > 0 && r.pixel_per_degree > 0 && r.filter_epsilon > 0, op,
               "expected a resolution with positive steps_per_second, pixel_per_degree and filter_epsilon, got {}, "
               "{} and {}",
               r.steps_per_second, r.pixel_per_degree, r.filter_epsilon);
}

std::vector<double> single_exponential(double tau_s, const ExponentialOptions& o, double eps) {
  double a = o.normalize ? o.amplification / tau_s : o.amplification;
  double raw = std::floor(-tau_s * std::log(eps / a)) + 1.0;
  int64_t length = int64_t(std::min<double>(std::max<double>(raw, double(o.min_steps)), double(o.max_length)));
  if (length <= 1) return {1.0};
  std::vector<double> k(size_t(length), 0.0);
  for (int64_t i = 0; i < length; ++i) k[size_t(i)] = a * std::exp(-(double(i) + 0.4) / tau_s);
  return k;
}

std::vector<double> gamma_cascade(double tau_s, const ExponentialOptions& o, double eps) {
  double n = double(o.n);
  double raw = std::floor(-tau_s * std::log(eps / o.amplification)) - n;
  int64_t length = int64_t(std::min<double>(raw, double(o.max_length)));
  if (length <= 1) return {1.0};
  std::vector<double> k(size_t(o.n * length), 0.0);
  double norm = std::tgamma(n) * std::pow(tau_s, n + 1.0);  // (n-1)! tau_s^(n+1)
  for (size_t i = 0; i < k.size(); ++i) {
    double t = double(i + 1);
    k[i] = o.amplification * std::pow(n * t, n) * std::exp(-n * t / tau_s) / norm;
  }
  return k;
}

// One axis of the Gaussian, sigma in pixels.
std::vector<double> gauss_1d(double sigma, double eps) {
  double a = 1.0 / (sigma * std::sqrt(2.0 * std::numbers::pi));
  double m = std::ceil(std::sqrt(std::max(0.0, -2.0 * sigma * sigma * std::log(eps / a))));
  if (m < 1.0) return {1.0};
  std::vector<double> g;
  for (double x = 1.0 - m; x < m; x += 1.0) g.push_back(std::clamp(a * std::exp(-0.5 * x * x / (sigma * sigma)), 0.0, 1.0));
  return g;
}

}  // namespace

Tensor exponential_filter_1d(double tau, const ExponentialOptions& options, const ResolutionInfo& resolution,
                             DType dtype) {
  check_resolution("exponential_filter_1d", resolution);
  CONVIS_CHECK(std::isfinite(tau) && tau > 0, "exponential_filter_1d", "expected a positive time constant, got {}",
               tau);
  CONVIS_CHECK(options.n >= 0 && options.max_length >= 1 && options.amplification > 0, "exponential_filter_1d",
               "expected n >= 0, max_length >= 1 and a positive amplification, got {}, {} and {}", options.n,
               options.max_length, options.amplification);
  double tau_s = resolution.seconds_to_steps(tau);
  double eps = resolution.filter_epsilon;
  return make(options.n == 0 ? single_exponential(tau_s, options, eps) : gamma_cascade(tau_s, options, eps), dtype);
}

Tensor exponential_highpass_filter_1d(double tau, double relative_weight, const ResolutionInfo& resolution,
                                      DType dtype) {
  CONVIS_CHECK(relative_weight > 0, "exponential_highpass_filter_1d", "expected a positive relative weight, got {}",
               relative_weight);
  ExponentialOptions o;
  o.amplification = relative_weight;
  Tensor low = exponential_filter_1d(tau, o, resolution, kFloat64);
  return cat({ones({1}, kFloat64), neg(low)}, 0).to(dtype);
}

Tensor gauss_filter_2d(double sigma_x, double sigma_y, const ResolutionInfo& resolution, DType dtype) {
  check_resolution("gauss_filter_2d", resolution);
  CONVIS_CHECK(sigma_x >= 0 && sigma_y >= 0 && std::isfinite(sigma_x) && std::isfinite(sigma_y), "gauss_filter_2d",
               "expected non-negative finite sigmas, got {} and {}", sigma_x, sigma_y);
  if (sigma_x == 0 || sigma_y == 0) return make({1.0}, dtype).reshape({1, 1});
  double eps = resolution.filter_epsilon;
  Tensor gx = make(gauss_1d(resolution.degrees_to_pixels(sigma_x), eps), kFloat64);
  Tensor gy = make(gauss_1d(resolution.degrees_to_pixels(sigma_y), eps), kFloat64);
  return outer(gx, gy).to(dtype);
}

DericheCoefficients deriche_coefficients(double density) {
  CONVIS_CHECK(std::isfinite(density) && density > 0, "deriche_coefficients", "expected a positive density, got {}",
               density);
  double alpha = 1.695 * density;
  double ema = std::exp(-alpha);
  double k = (1 - ema) * (1 - ema) / (1 + 2 * alpha * ema - ema * ema);
  return {k, k * ema * (alpha - 1.0), k * ema * (alpha + 1.0), -k * ema * ema, 2 * ema, -ema * ema};
}

}  // namespace convis::filters
