// kernels/cpu/reduce.cpp: reduction CPU kernels over ReduceArgs (kernels/reduce.h), written
// with the walks of kernels/cpu/reduce_loops.h.  Every kernel is keyed by its input dtype;
// the op (core/ops/reduce.cpp) has already cast the input and checked every argument.
#include <algorithm>
#include <cmath>
#include <limits>

#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/cpu/reduce_loops.h"
#include "convis/kernels/dispatch.h"

namespace convis {

namespace {

using cpu::reduce_acc_t;

// out = sum(x) / divisor (the divisor only for floating T: mean passes the count).
template <typename T>
void sum_kernel(const ReduceArgs& a) {
  using Acc = reduce_acc_t<T>;
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  const double divisor = a.params.divisor;
  cpu::for_each_output(a, [&](int64_t i, int64_t o) {
    Acc acc = cpu::inner_sum<Acc>(a, in, i, [](T x) { return Acc(x); });
    if constexpr (std::is_floating_point_v<T>) out[o] = T(acc / divisor);
    else out[o] = T(acc);
  });
}

template <typename T>
void prod_kernel(const ReduceArgs& a) {
  using Acc = reduce_acc_t<T>;
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  cpu::for_each_output(a, [&](int64_t i, int64_t o) {
    out[o] = T(cpu::inner_fold<Acc>(a, in, i, Acc(1), [](Acc acc, T x) { return acc * Acc(x); }));
  });
}

// amax (kMax) and amin; a NaN wins.  The op rejects empty reductions.
template <typename T, bool kMax>
void extreme_kernel(const ReduceArgs& a) {
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  const T init = kMax ? cpu::lowest_value<T>() : cpu::highest_value<T>();
  cpu::for_each_output(a, [&](int64_t i, int64_t o) {
    out[o] = cpu::inner_fold<T>(a, in, i, init, [](T acc, T x) { return kMax ? cpu::nan_max(acc, x) : cpu::nan_min(acc, x); });
  });
}

// argmax (kMax) and argmin: the first position of the extreme, the first NaN if any.
// Writes the value too when a.out is set (max / min over a dim).
template <typename T, bool kMax>
void arg_extreme_kernel(const ReduceArgs& a) {
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  cpu::for_each_output(a, [&](int64_t i, int64_t o) {
    T best = T();
    int64_t best_pos = -1, pos = 0;
    cpu::for_each_row(a, i, [&](int64_t off, int64_t stride, int64_t n) {
      const T* p = in + off;
      for (int64_t k = 0; k < n; ++k, ++pos) {
        const T x = p[k * stride];
        bool better = cpu::is_nan_value(x) ? !cpu::is_nan_value(best) : (kMax ? x > best : x < best);
        if (best_pos < 0 || better) best = x, best_pos = pos;
      }
    });
    a.out_index[o] = best_pos;
    if (out) out[o] = best;
  });
}

// Two passes (mean, then squared deviations) in double; see Note [Reduction accuracy].
template <typename T>
void var_kernel(const ReduceArgs& a) {
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  const int64_t n = a.reduce_size();
  const double divisor = double(std::max<int64_t>(n - a.params.correction, 0));
  cpu::for_each_output(a, [&](int64_t i, int64_t o) {
    const double mean = cpu::inner_sum<double>(a, in, i, [](T x) { return double(x); }) / double(n);
    const double m2 = cpu::inner_sum<double>(a, in, i, [mean](T x) {
      const double d = double(x) - mean;
      return d * d;
    });
    const double v = m2 / divisor;  // 0 / 0 = nan for n <= correction, as torch
    out[o] = T(a.params.take_sqrt ? std::sqrt(v) : v);
  });
}

// The p-norm of one output's inner region, in double.  torch gives 0 for an empty region
// whatever p (even p < 0).
template <typename T>
double vector_norm(const ReduceArgs& a, const T* in, int64_t i, double p) {
  if (a.reduce_size() == 0) return 0;
  if (p == 2) return std::sqrt(cpu::inner_sum<double>(a, in, i, [](T x) { return double(x) * double(x); }));
  if (p == 1) return cpu::inner_sum<double>(a, in, i, [](T x) { return std::abs(double(x)); });
  if (p == 0) return cpu::inner_sum<double>(a, in, i, [](T x) { return x != T(0) ? 1.0 : 0.0; });
  if (std::isinf(p)) {
    auto step = [p](double acc, T x) {
      const double m = std::abs(double(x));
      return p > 0 ? cpu::nan_max(acc, m) : cpu::nan_min(acc, m);
    };
    return cpu::inner_fold<double>(a, in, i, p > 0 ? 0.0 : cpu::highest_value<double>(), step);
  }
  return std::pow(cpu::inner_sum<double>(a, in, i, [p](T x) { return std::pow(std::abs(double(x)), p); }), 1.0 / p);
}

template <typename T>
void norm_kernel(const ReduceArgs& a) {
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  cpu::for_each_output(a, [&](int64_t i, int64_t o) { out[o] = T(vector_norm(a, in, i, a.params.p)); });
}

// log(sum(exp(x))) = m + log(sum(exp(x - m))) with m the maximum, so nothing overflows.
// When m is infinite (every x is -inf, or some x is +inf), shifting by m would give
// -inf - -inf = nan, so the shift is 0 instead: the result is then -inf or +inf, as torch.
template <typename T>
void logsumexp_kernel(const ReduceArgs& a) {
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  cpu::for_each_output(a, [&](int64_t i, int64_t o) {
    const double m = cpu::inner_fold<double>(a, in, i, cpu::lowest_value<double>(),
                                             [](double acc, T x) { return cpu::nan_max(acc, double(x)); });
    const double shift = std::isinf(m) ? 0.0 : m;
    const double s = cpu::inner_sum<double>(a, in, i, [shift](T x) { return std::exp(double(x) - shift); });
    out[o] = T(std::log(s) + shift);
  });
}

// softmax (kLog = false) and log_softmax over the one inner dim, shifted by the maximum.
// A row of -inf (or one holding +inf or NaN) gives NaN, as torch.
template <typename T, bool kLog>
void softmax_kernel(const ReduceArgs& a) {
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  const int64_t n = a.inner_ndim ? a.inner_sizes[0] : 1;
  const int64_t is = a.inner_ndim ? a.in_inner_strides[0] : 0;
  const int64_t os = a.inner_ndim ? a.out_inner_stride : 0;
  cpu::for_each_output(a, [&](int64_t i, int64_t o) {
    const T* x = in + i;
    T* y = out + o;
    double m = cpu::lowest_value<double>();
    for (int64_t k = 0; k < n; ++k) m = cpu::nan_max(m, double(x[k * is]));
    double s = 0;
    for (int64_t k = 0; k < n; ++k) {
      const double e = std::exp(double(x[k * is]) - m);
      s += e;
      if constexpr (!kLog) y[k * os] = T(e);
    }
    if constexpr (kLog) {
      const double log_s = std::log(s);
      for (int64_t k = 0; k < n; ++k) y[k * os] = T((double(x[k * is]) - m) - log_s);
    } else {
      for (int64_t k = 0; k < n; ++k) y[k * os] = T(double(y[k * os]) / s);
    }
  });
}

template <typename T>
void cumsum_kernel(const ReduceArgs& a) {
  using Acc = reduce_acc_t<T>;
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  const int64_t n = a.inner_ndim ? a.inner_sizes[0] : 1;
  const int64_t is = a.inner_ndim ? a.in_inner_strides[0] : 0;
  const int64_t os = a.inner_ndim ? a.out_inner_stride : 0;
  cpu::for_each_output(a, [&](int64_t i, int64_t o) {
    Acc acc = 0;
    for (int64_t k = 0; k < n; ++k) {
      acc += Acc(in[i + k * is]);
      out[o + k * os] = T(acc);
    }
  });
}

// all (kAll) and any into kBool; stops at the first element that decides.  NaN is true.
template <typename T, bool kAll>
void all_any_kernel(const ReduceArgs& a) {
  const T* in = static_cast<const T*>(a.in);
  bool* out = static_cast<bool*>(a.out);
  cpu::for_each_output(a, [&](int64_t i, int64_t o) {
    bool decided = false;
    cpu::for_each_row(a, i, [&](int64_t off, int64_t stride, int64_t n) {
      if (decided) return;
      const T* p = in + off;
      for (int64_t k = 0; k < n && !decided; ++k) decided = (p[k * stride] != T(0)) != kAll;
    });
    out[o] = decided ? !kAll : kAll;
  });
}

}  // namespace

void register_reduce_cpu_kernels() {
  register_kernel(OpKind::sum, kCPU, kBool, &sum_kernel<bool>);
  register_kernel(OpKind::sum, kCPU, kInt64, &sum_kernel<int64_t>);
  register_kernel(OpKind::sum, kCPU, kFloat32, &sum_kernel<float>);
  register_kernel(OpKind::sum, kCPU, kFloat64, &sum_kernel<double>);
  register_kernel(OpKind::prod, kCPU, kBool, &prod_kernel<bool>);
  register_kernel(OpKind::prod, kCPU, kInt64, &prod_kernel<int64_t>);
  register_kernel(OpKind::prod, kCPU, kFloat32, &prod_kernel<float>);
  register_kernel(OpKind::prod, kCPU, kFloat64, &prod_kernel<double>);
  register_kernel(OpKind::amax, kCPU, kBool, &extreme_kernel<bool, true>);
  register_kernel(OpKind::amax, kCPU, kInt64, &extreme_kernel<int64_t, true>);
  register_kernel(OpKind::amax, kCPU, kFloat32, &extreme_kernel<float, true>);
  register_kernel(OpKind::amax, kCPU, kFloat64, &extreme_kernel<double, true>);
  register_kernel(OpKind::amin, kCPU, kBool, &extreme_kernel<bool, false>);
  register_kernel(OpKind::amin, kCPU, kInt64, &extreme_kernel<int64_t, false>);
  register_kernel(OpKind::amin, kCPU, kFloat32, &extreme_kernel<float, false>);
  register_kernel(OpKind::amin, kCPU, kFloat64, &extreme_kernel<double, false>);
  register_kernel(OpKind::argmax, kCPU, kBool, &arg_extreme_kernel<bool, true>);
  register_kernel(OpKind::argmax, kCPU, kInt64, &arg_extreme_kernel<int64_t, true>);
  register_kernel(OpKind::argmax, kCPU, kFloat32, &arg_extreme_kernel<float, true>);
  register_kernel(OpKind::argmax, kCPU, kFloat64, &arg_extreme_kernel<double, true>);
  register_kernel(OpKind::argmin, kCPU, kBool, &arg_extreme_kernel<bool, false>);
  register_kernel(OpKind::argmin, kCPU, kInt64, &arg_extreme_kernel<int64_t, false>);
  register_kernel(OpKind::argmin, kCPU, kFloat32, &arg_extreme_kernel<float, false>);
  register_kernel(OpKind::argmin, kCPU, kFloat64, &arg_extreme_kernel<double, false>);
  register_kernel(OpKind::var, kCPU, kFloat32, &var_kernel<float>);
  register_kernel(OpKind::var, kCPU, kFloat64, &var_kernel<double>);
  register_kernel(OpKind::norm, kCPU, kFloat32, &norm_kernel<float>);
  register_kernel(OpKind::norm, kCPU, kFloat64, &norm_kernel<double>);
  register_kernel(OpKind::logsumexp, kCPU, kFloat32, &logsumexp_kernel<float>);
  register_kernel(OpKind::logsumexp, kCPU, kFloat64, &logsumexp_kernel<double>);
  register_kernel(OpKind::softmax, kCPU, kFloat32, &softmax_kernel<float, false>);
  register_kernel(OpKind::softmax, kCPU, kFloat64, &softmax_kernel<double, false>);
  register_kernel(OpKind::log_softmax, kCPU, kFloat32, &softmax_kernel<float, true>);
  register_kernel(OpKind::log_softmax, kCPU, kFloat64, &softmax_kernel<double, true>);
  register_kernel(OpKind::cumsum, kCPU, kInt64, &cumsum_kernel<int64_t>);
  register_kernel(OpKind::cumsum, kCPU, kFloat32, &cumsum_kernel<float>);
  register_kernel(OpKind::cumsum, kCPU, kFloat64, &cumsum_kernel<double>);
  register_kernel(OpKind::all, kCPU, kBool, &all_any_kernel<bool, true>);
  register_kernel(OpKind::all, kCPU, kInt64, &all_any_kernel<int64_t, true>);
  register_kernel(OpKind::all, kCPU, kFloat32, &all_any_kernel<float, true>);
  register_kernel(OpKind::all, kCPU, kFloat64, &all_any_kernel<double, true>);
  register_kernel(OpKind::any, kCPU, kBool, &all_any_kernel<bool, false>);
  register_kernel(OpKind::any, kCPU, kInt64, &all_any_kernel<int64_t, false>);
  register_kernel(OpKind::any, kCPU, kFloat32, &all_any_kernel<float, false>);
  register_kernel(OpKind::any, kCPU, kFloat64, &all_any_kernel<double, false>);
}

}  // namespace convis
