// core/random.cpp: the random factories (rand, randn, randint, randperm, bernoulli, *_like).
// Every value is computed from the default generator's counters as Note [Counter-based
// generator] describes, so a loop over elements may run in any order on any thread.
#include <cmath>
#include <numbers>
#include <vector>

#include "convis/core/factory.h"
#include "convis/core/generator.h"
#include "convis/core/native/view.h"

namespace convis {

namespace {

void check_sizes(const Shape& size, const char* op) {
  for (int64_t s : size)
    CONVIS_CHECK(s >= 0, op, "expected non-negative sizes, got {}", size);
}

// Fills a fresh contiguous CPU tensor with value(k) for k in [0, n), then moves it to
// options' device (the values never depend on the device).
template <typename Fn>
Tensor generate(const Shape& size, DType dt, const TensorOptions& options, Fn&& value) {
  Tensor out = empty(size, TensorOptions(dt));
  int64_t n = out.numel();
  visit_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(out.data_ptr());
#pragma omp parallel for schedule(static) if (n > (int64_t(1) << 16))
    for (int64_t k = 0; k < n; ++k) p[k] = value(k, tag);
  });
  if (!options.device().is_cpu()) out = native::to(out, options.device());
  if (options.requires_grad()) detail::set_leaf_requires_grad(out, true);
  return out;
}

DType floating_dtype(const TensorOptions& options, const char* op) {
  DType dt = options.dtype();
  CONVIS_CHECK(is_floating_point(dt), op, "expected a floating dtype (float32 or float64), got {}", dtype_name(dt));
  return dt;
}

// A normal value from the counters 2k and 2k+1 after `first` (Box-Muller, cosine branch).
double normal(const Generator& g, uint64_t first, int64_t k) {
  double u1 = g.uniform(first + 2 * uint64_t(k)), u2 = g.uniform(first + 2 * uint64_t(k) + 1);
  return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace

Tensor rand(const Shape& size, const TensorOptions& options) {
  check_sizes(size, "rand");
  DType dt = floating_dtype(options, "rand");
  const Generator& g = default_generator();
  uint64_t first = default_generator().reserve(uint64_t(numel(size)));
  return generate(size, dt, options, [&](int64_t k, auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, float>) return g.uniform_float(first + uint64_t(k));
    return T(g.uniform(first + uint64_t(k)));
  });
}

Tensor randn(const Shape& size, const TensorOptions& options) {
  check_sizes(size, "randn");
  DType dt = floating_dtype(options, "randn");
  const Generator& g = default_generator();
  uint64_t first = default_generator().reserve(2 * uint64_t(numel(size)));
  return generate(size, dt, options, [&](int64_t k, auto tag) { return decltype(tag)(normal(g, first, k)); });
}

Tensor randint(int64_t low, int64_t high, const Shape& size, const TensorOptions& options) {
  check_sizes(size, "randint");
  CONVIS_CHECK(low < high, "randint", "expected low < high, got low={} >= high={}", low, high);
  DType dt = options.dtype_opt().value_or(kInt64);
  const Generator& g = default_generator();
  uint64_t range = uint64_t(high) - uint64_t(low);  // exact even for the full int64 range
  uint64_t first = default_generator().reserve(uint64_t(numel(size)));
  return generate(size, dt, options, [&](int64_t k, auto tag) {
    int64_t v = int64_t(uint64_t(low) + g.bits(first + uint64_t(k)) % range);
    return decltype(tag)(v);
  });
}

Tensor randint(int64_t high, const Shape& size, const TensorOptions& options) {
  return randint(0, high, size, options);
}

Tensor randperm(int64_t n, const TensorOptions& options) {
  CONVIS_CHECK(n >= 0, "randperm", "expected a non-negative n, got {}", n);
  DType dt = options.dtype_opt().value_or(kInt64);
  CONVIS_CHECK(dt != kBool, "randperm", "expected an int64 or floating dtype, got bool");
  CONVIS_CHECK(dt != kFloat32 || n <= (int64_t(1) << 24), "randperm",
               "expected n <= 2^24 for float32 (larger integers are not exact), got {}", n);
  const Generator& g = default_generator();
  uint64_t first = default_generator().reserve(uint64_t(n));
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) perm[size_t(i)] = i;
  for (int64_t i = n - 1; i > 0; --i) {
    uint64_t j = g.bits(first + uint64_t(i)) % uint64_t(i + 1);
    std::swap(perm[size_t(i)], perm[j]);
  }
  return generate({n}, dt, options, [&](int64_t k, auto tag) { return decltype(tag)(perm[size_t(k)]); });
}

Tensor bernoulli(const Tensor& p) {
  CONVIS_CHECK(p.defined(), "bernoulli", "expected a defined tensor, got an undefined Tensor()");
  CONVIS_CHECK(p.is_floating_point(), "bernoulli", "expected floating probabilities, got {}", dtype_name(p.dtype()));
  // Drawn on the host and moved (as every generator here): the same numbers on every device.
  Tensor probs = native::contiguous(p.is_cpu() ? p : native::to(p, Device(kCPU)));
  std::vector<double> prob(size_t(probs.numel()));
  visit_dtype(p.dtype(), [&](auto tag) {
    const auto* src = static_cast<const decltype(tag)*>(probs.data_ptr());
    for (size_t k = 0; k < prob.size(); ++k) {
      prob[k] = double(src[k]);
      CONVIS_CHECK(prob[k] >= 0 && prob[k] <= 1, "bernoulli", "expected probabilities in [0, 1], got {} at flat "
                   "index {} of a tensor of shape {}", prob[k], k, p.sizes());
    }
  });
  const Generator& g = default_generator();
  uint64_t first = default_generator().reserve(prob.size());
  return generate(p.sizes(), p.dtype(), p.device(), [&](int64_t k, auto tag) {
    return decltype(tag)(g.uniform(first + uint64_t(k)) < prob[size_t(k)] ? 1 : 0);
  });
}

Tensor rand_like(const Tensor& x, const TensorOptions& options) {
  TensorOptions o = TensorOptions(options.dtype_opt().value_or(x.dtype())).device(x.device());
  return rand(x.sizes(), o.requires_grad(options.requires_grad()));
}

Tensor randn_like(const Tensor& x, const TensorOptions& options) {
  TensorOptions o = TensorOptions(options.dtype_opt().value_or(x.dtype())).device(x.device());
  return randn(x.sizes(), o.requires_grad(options.requires_grad()));
}

}  // namespace convis
