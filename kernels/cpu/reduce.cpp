// kernels/cpu/reduce.cpp: reduction CPU kernels over ReduceArgs (kernels/reduce.h), written
// with the walks of kernels/cpu/reduce_loops.h.  Every kernel is keyed by its input dtype;
// the op (core/native/reduce.cpp) has already cast the input and checked every argument.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "convis/kernels/cpu/fast_math.h"
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/cpu/reduce_loops.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/reduce_list.h"

CONVIS_CPU_BEGIN

namespace {

// exp in T: float32 through fast_math.h's exp_f32 (<= 1 ulp, Note [Fast float math]), which
// vectorises; float64 through libm.
template <typename T>
[[gnu::always_inline]] inline T fast_exp(T x) {
  if constexpr (std::is_same_v<T, float>) return exp_f32(x);
  else return std::exp(x);
}


// out = sum(x) / divisor (the divisor only for floating T: mean passes the count).
template <typename T>
void sum_kernel(const ReduceArgs& a) {
  using Acc = reduce_acc_t<T>;
  if constexpr (std::is_same_v<T, bool>) {
    if (a.params.count_into_int64) {  // bool in, int64 out: no int64 copy of the input
      sum_outputs<int64_t, uint64_t, bool>(a, [](bool x) { return uint64_t(x); }, [](uint64_t acc) { return int64_t(acc); });
      return;
    }
  }
  const double divisor = a.params.divisor;
  sum_outputs<T, Acc, T>(a, [](T x) { return Acc(x); }, [divisor](Acc acc) {
    if constexpr (std::is_floating_point_v<T>) return T(acc / divisor);
    else return (void)divisor, T(acc);  // integers are never divided (clang: the capture is used)
  });
}

template <typename T>
void prod_kernel(const ReduceArgs& a) {
  using Acc = reduce_acc_t<T>;
  fold_outputs<T, Acc, T>(a, Acc(1), [](Acc acc, T x) { return acc * Acc(x); }, [](Acc acc) { return T(acc); });
}

// amax (kMax) and amin; a NaN wins.  The op rejects empty reductions.
template <typename T, bool kMax>
void extreme_kernel(const ReduceArgs& a) {
  const T init = kMax ? lowest_value<T>() : highest_value<T>();
  fold_outputs<T, T, T>(
      a, init, [](T acc, T x) { return kMax ? nan_max(acc, x) : nan_min(acc, x); }, [](T acc) { return acc; });
}

// all (kAll) and any into kBool.  NaN is true.
template <typename T, bool kAll>
void all_any_kernel(const ReduceArgs& a) {
  fold_outputs<bool, bool, T>(
      a, kAll, [](bool acc, T x) { return kAll ? (acc && x != T(0)) : (acc || x != T(0)); },
      [](bool acc) { return acc; });
}

// argmax (kMax) and argmin: the first position of the extreme, the first NaN if any.
// Writes the value too when a.out is set (max / min over a dim).  Always one output at a
// time: the position is counted along the output's own walk.
template <typename T, bool kMax>
void arg_extreme_kernel(const ReduceArgs& a) {
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  for_each_output(a, [&](int64_t i, int64_t o) {
    T best = T();
    int64_t best_pos = -1, pos = 0;
    for_each_row(a, i, [&](int64_t off, int64_t stride, int64_t n) {
      const T* p = in + off;
      for (int64_t k = 0; k < n; ++k, ++pos) {
        const T x = p[k * stride];
        bool better = is_nan_value(x) ? !is_nan_value(best) : (kMax ? x > best : x < best);
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
  const double n = double(a.reduce_size());
  const double divisor = double(std::max<int64_t>(a.reduce_size() - a.params.correction, 0));
  auto finish = [&](double m2) {
    const double v = m2 / divisor;  // 0 / 0 = nan for n <= correction, as torch
    return T(a.params.take_sqrt ? std::sqrt(v) : v);
  };
  auto square_dev = [](double mean, T x) { return (double(x) - mean) * (double(x) - mean); };
  if (blocked_applicable(a)) {
    for_each_output_block(a, [&](int64_t i, int64_t o, int64_t count, int64_t os) {
      double mean[kOutputBlock] = {}, m2[kOutputBlock] = {};
      block_fold(a, in, i, count, mean, [](double& s, T x, int64_t) { s += double(x); });
      for (int64_t j = 0; j < count; ++j) mean[j] /= n;
      block_fold(a, in, i, count, m2, [&](double& s, T x, int64_t j) { s += square_dev(mean[j], x); });
      for (int64_t j = 0; j < count; ++j) out[o + j * os] = finish(m2[j]);
    });
    return;
  }
  for_each_output(a, [&](int64_t i, int64_t o) {
    const double mean = inner_sum<double>(a, in, i, [](T x) { return double(x); }) / n;
    out[o] = finish(inner_sum<double>(a, in, i, [&](T x) { return square_dev(mean, x); }));
  });
}

// The p-norm in double.  torch gives 0 for an empty reduction whatever p (even p < 0).
template <typename T>
void norm_kernel(const ReduceArgs& a) {
  const double p = a.params.p;
  if (a.reduce_size() == 0) {
    T* out = static_cast<T*>(a.out);
    for_each_output(a, [&](int64_t, int64_t o) { out[o] = T(0); });
  } else if (p == 2) {
    sum_outputs<T, double, T>(a, [](T x) { return double(x) * double(x); }, [](double s) { return T(std::sqrt(s)); });
  } else if (p == 1) {
    sum_outputs<T, double, T>(a, [](T x) { return std::abs(double(x)); }, [](double s) { return T(s); });
  } else if (p == 0) {
    sum_outputs<T, double, T>(a, [](T x) { return x != T(0) ? 1.0 : 0.0; }, [](double s) { return T(s); });
  } else if (std::isinf(p)) {
    auto step = [p](T acc, T x) { return p > 0 ? nan_max(acc, std::abs(x)) : nan_min(acc, std::abs(x)); };
    fold_outputs<T, T, T>(a, p > 0 ? T(0) : highest_value<T>(), step, [](T acc) { return acc; });
  } else {
    sum_outputs<T, double, T>(a, [p](T x) { return std::pow(std::abs(double(x)), p); },
                                   [p](double s) { return T(std::pow(s, 1.0 / p)); });
  }
}

// log(sum(exp(x))) = m + log(sum(exp(x - m))) with m the maximum, so nothing overflows.
// When m is infinite (every x is -inf, or some x is +inf), shifting by m would give
// -inf - -inf = nan, so the shift is 0 instead: the result is then -inf or +inf, as torch.
// exp runs in T, the sum in double.
template <typename T>
void logsumexp_kernel(const ReduceArgs& a) {
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  auto safe_shift = [](T m) { return std::isinf(m) ? T(0) : m; };
  auto finish = [](double s, T shift) { return T(std::log(s) + double(shift)); };
  const T lowest = lowest_value<T>();
  if (blocked_applicable(a)) {
    for_each_output_block(a, [&](int64_t i, int64_t o, int64_t count, int64_t os) {
      T shift[kOutputBlock];
      double s[kOutputBlock] = {};
      std::fill(shift, shift + count, lowest);
      block_fold(a, in, i, count, shift, [](T& m, T x, int64_t) { m = nan_max(m, x); });
      for (int64_t j = 0; j < count; ++j) shift[j] = safe_shift(shift[j]);
      block_fold(a, in, i, count, s, [&](double& acc, T x, int64_t j) { acc += double(fast_exp(x - shift[j])); });
      for (int64_t j = 0; j < count; ++j) out[o + j * os] = finish(s[j], shift[j]);
    });
    return;
  }
  for_each_output(a, [&](int64_t i, int64_t o) {
    const T shift = safe_shift(inner_fold<T>(a, in, i, lowest, [](T m, T x) { return nan_max(m, x); }));
    out[o] = finish(inner_sum<double>(a, in, i, [shift](T x) { return double(fast_exp(x - shift)); }), shift);
  });
}

// The scans' walk: f(in_offset, out_offset, count, out_line_stride) for blocks of `count`
// lines that are consecutive in the input (stride 1), or one line at a time; then count is
// the compile-time constant 1, so the line loops compile as if the block loop were not there.
template <typename F>
void for_each_scan_block(const ReduceArgs& a, F&& f) {
  if (blocked_applicable(a)) {
    for_each_output_block(a, f);
  } else {
    for_each_output(a, [&](int64_t i, int64_t o) { f(i, o, std::integral_constant<int64_t, 1>{}, int64_t(0)); });
  }
}

// One contiguous line of softmax / log_softmax, in loops that vectorise: the maximum in
// kLanes lanes (max is exact, and a NaN wins in any order), exp and the store together, the
// sum of the stored values in double by contiguous_sum (Note [Summing a row]), the scaling.
template <typename T, bool kLog>
void softmax_row(const T* in, T* out, int64_t n) {
  T lane[kLanes];
  std::fill(lane, lane + kLanes, lowest_value<T>());
  int64_t k = 0;
  for (; k + kLanes <= n; k += kLanes)
    for (int j = 0; j < kLanes; ++j) lane[j] = nan_max(lane[j], in[k + j]);
  T m = lowest_value<T>();
  for (; k < n; ++k) m = nan_max(m, in[k]);
  for (int j = 0; j < kLanes; ++j) m = nan_max(m, lane[j]);
  for (k = 0; k < n; ++k) out[k] = fast_exp(in[k] - m);
  const double s = contiguous_sum<double>(out, n, [](T e) { return double(e); });
  if constexpr (kLog) {
    const T shift = T(std::log(s));
    for (k = 0; k < n; ++k) out[k] = (in[k] - m) - shift;
  } else {
    const T scale = T(1.0 / s);
    for (k = 0; k < n; ++k) out[k] *= scale;
  }
}

// softmax (kLog = false) and log_softmax along the one inner dim, shifted by the maximum:
// exp in T, the sum in double.  A line of -inf (or one holding +inf or NaN) gives NaN, as torch.
template <typename T, bool kLog>
void softmax_kernel(const ReduceArgs& a) {
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  const int64_t n = a.inner_ndim ? a.inner_sizes[0] : 1;
  const int64_t is = a.inner_ndim ? a.in_inner_strides[0] : 0, os = a.inner_ndim ? a.out_inner_stride : 0;
  for_each_scan_block(a, [&](int64_t i, int64_t o, auto count, int64_t oj) {
    if constexpr (!std::is_same_v<decltype(count), int64_t>) {
      if (is == 1 && os == 1) return softmax_row<T, kLog>(in + i, out + o, n);
    }
    T m[kOutputBlock], scale[kOutputBlock];
    double s[kOutputBlock] = {};
    std::fill(m, m + count, lowest_value<T>());
    for (int64_t k = 0; k < n; ++k)
      for (int64_t j = 0; j < count; ++j) m[j] = nan_max(m[j], in[i + k * is + j]);
    for (int64_t k = 0; k < n; ++k) {
      for (int64_t j = 0; j < count; ++j) {
        const T e = fast_exp(in[i + k * is + j] - m[j]);
        s[j] += double(e);
        if constexpr (!kLog) out[o + k * os + j * oj] = e;
      }
    }
    for (int64_t j = 0; j < count; ++j) scale[j] = kLog ? T(std::log(s[j])) : T(1.0 / s[j]);
    for (int64_t k = 0; k < n; ++k) {
      for (int64_t j = 0; j < count; ++j) {
        T& y = out[o + k * os + j * oj];
        if constexpr (kLog) y = (in[i + k * is + j] - m[j]) - scale[j];
        else y *= scale[j];
      }
    }
  });
}

template <typename T>
void cumsum_kernel(const ReduceArgs& a) {
  using Acc = reduce_acc_t<T>;
  const T* in = static_cast<const T*>(a.in);
  T* out = static_cast<T*>(a.out);
  const int64_t n = a.inner_ndim ? a.inner_sizes[0] : 1;
  const int64_t is = a.inner_ndim ? a.in_inner_strides[0] : 0, os = a.inner_ndim ? a.out_inner_stride : 0;
  for_each_scan_block(a, [&](int64_t i, int64_t o, auto count, int64_t oj) {
    Acc acc[kOutputBlock] = {};
    for (int64_t k = 0; k < n; ++k) {
      for (int64_t j = 0; j < count; ++j) {
        acc[j] += Acc(in[i + k * is + j]);
        out[o + k * os + j * oj] = T(acc[j]);
      }
    }
  });
}

// The CPU's kernel for each entry of kernels/reduce_list.h.
template <OpKind op, typename T>
struct CpuReduce;
template <typename T> struct CpuReduce<OpKind::sum, T> { static void run(const ReduceArgs& a) { sum_kernel<T>(a); } };
template <typename T> struct CpuReduce<OpKind::prod, T> { static void run(const ReduceArgs& a) { prod_kernel<T>(a); } };
template <typename T> struct CpuReduce<OpKind::amax, T> { static void run(const ReduceArgs& a) { extreme_kernel<T, true>(a); } };
template <typename T> struct CpuReduce<OpKind::amin, T> { static void run(const ReduceArgs& a) { extreme_kernel<T, false>(a); } };
template <typename T> struct CpuReduce<OpKind::argmax, T> { static void run(const ReduceArgs& a) { arg_extreme_kernel<T, true>(a); } };
template <typename T> struct CpuReduce<OpKind::argmin, T> { static void run(const ReduceArgs& a) { arg_extreme_kernel<T, false>(a); } };
template <typename T> struct CpuReduce<OpKind::var, T> { static void run(const ReduceArgs& a) { var_kernel<T>(a); } };
template <typename T> struct CpuReduce<OpKind::norm, T> { static void run(const ReduceArgs& a) { norm_kernel<T>(a); } };
template <typename T> struct CpuReduce<OpKind::logsumexp, T> { static void run(const ReduceArgs& a) { logsumexp_kernel<T>(a); } };
template <typename T> struct CpuReduce<OpKind::softmax, T> { static void run(const ReduceArgs& a) { softmax_kernel<T, false>(a); } };
template <typename T> struct CpuReduce<OpKind::log_softmax, T> { static void run(const ReduceArgs& a) { softmax_kernel<T, true>(a); } };
template <typename T> struct CpuReduce<OpKind::cumsum, T> { static void run(const ReduceArgs& a) { cumsum_kernel<T>(a); } };
template <typename T> struct CpuReduce<OpKind::all, T> { static void run(const ReduceArgs& a) { all_any_kernel<T, true>(a); } };
template <typename T> struct CpuReduce<OpKind::any, T> { static void run(const ReduceArgs& a) { all_any_kernel<T, false>(a); } };

}  // namespace

void register_reduce_kernels() {
  register_reduce_ops<ReduceRegistrar<kCPU, CpuReduce>>();
}

CONVIS_CPU_END
