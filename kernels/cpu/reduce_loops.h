// kernels/cpu/reduce_loops.h: the walks every CPU reduction kernel is written with.
//
//   // sum of float32 into float32, accumulating in double:
//   cpu::for_each_output(a, [&](int64_t i, int64_t o) {
//     out[o] = float(cpu::inner_sum<double>(a, in, i, [](float x) { return double(x); }));
//   });
//
// for_each_output visits every output with the offsets (in elements) of its first input
// element and of the output element; for_each_row then walks that output's inner (reduced)
// region row by row, the last inner dim being the row (see Note [Reduce args]).
// inner_sum and inner_fold are the two shapes a reduction's arithmetic takes.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "convis/kernels/reduce.h"

namespace convis::cpu {

// Note [Reduction accuracy]
// float32 sums, products, means, variances and norms accumulate in double: with 53 bits
// of mantissa, adding n float32 values loses at most about n * 2^-53 relative, far below
// float32's own 2^-24 for any n a tensor can hold, so the sum of 1e7 ones is exactly 1e7
// and the sum of 1e7 values 0.1f matches the float64 sum to the final rounding.  We chose
// this over pairwise summation in float because it is as accurate, simpler, and costs
// one conversion per element, which the compiler vectorises.  float64 accumulates in
// double, with four independent partial sums on a contiguous row (which also lets the
// compiler keep them in one vector register); int64 and bool accumulate in uint64_t, so
// that an overflow wraps around as torch's does (C++20 defines the conversion back to
// int64) instead of being undefined behaviour.
template <typename T> struct reduce_acc { using type = T; };
template <> struct reduce_acc<float> { using type = double; };
template <> struct reduce_acc<int64_t> { using type = uint64_t; };
template <> struct reduce_acc<bool> { using type = uint64_t; };
template <typename T> using reduce_acc_t = typename reduce_acc<T>::type;

template <typename T>
constexpr bool is_nan_value(T x) {
  if constexpr (std::is_floating_point_v<T>) return x != x;
  else return false;
}

// The identity of max (the lowest value of T: -inf for floats) and of min.
template <typename T>
constexpr T lowest_value() {
  if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::lowest();
}
template <typename T>
constexpr T highest_value() {
  if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::max();
}

// max / min that let a NaN win, as torch's amax and max do.
template <typename T>
T nan_max(T acc, T x) { return (is_nan_value(x) || x > acc) ? x : acc; }
template <typename T>
T nan_min(T acc, T x) { return (is_nan_value(x) || x < acc) ? x : acc; }

// f(in_offset, out_offset) for every output, in the outputs' row-major order.
template <typename F>
void for_each_output(const ReduceArgs& a, F&& f) {
  const int64_t n = a.num_outputs();
  int64_t counter[ReduceArgs::kMaxDims] = {};
  int64_t in_off = 0, out_off = 0;
  for (int64_t k = 0; k < n; ++k) {
    f(in_off, out_off);
    for (int d = a.outer_ndim - 1; d >= 0; --d) {  // odometer increment
      in_off += a.in_outer_strides[d];
      out_off += a.out_outer_strides[d];
      if (++counter[d] < a.outer_sizes[d]) break;
      in_off -= a.in_outer_strides[d] * a.outer_sizes[d];
      out_off -= a.out_outer_strides[d] * a.outer_sizes[d];
      counter[d] = 0;
    }
  }
}

// row(offset, stride, length) for every row of the inner region that starts at `base`,
// in row-major order of the inner dims.  No inner dim: one row of one element.
template <typename F>
void for_each_row(const ReduceArgs& a, int64_t base, F&& row) {
  if (a.inner_ndim == 0) {
    row(base, int64_t(0), int64_t(1));
    return;
  }
  const int last = a.inner_ndim - 1;
  const int64_t len = a.inner_sizes[last], stride = a.in_inner_strides[last];
  const int64_t total = a.reduce_size();
  if (total == 0) return;
  int64_t counter[ReduceArgs::kMaxDims] = {};
  int64_t off = base;
  for (int64_t r = 0, rows = total / len; r < rows; ++r) {
    row(off, stride, len);
    for (int d = last - 1; d >= 0; --d) {
      off += a.in_inner_strides[d];
      if (++counter[d] < a.inner_sizes[d]) break;
      off -= a.in_inner_strides[d] * a.inner_sizes[d];
      counter[d] = 0;
    }
  }
}

// Sum of map(x) over one row of n elements `stride` apart (see Note [Reduction accuracy]).
template <typename Acc, typename T, typename Map>
Acc row_sum(const T* p, int64_t stride, int64_t n, Map map) {
  if (stride != 1) {
    Acc acc = 0;
    for (int64_t i = 0; i < n; ++i) acc += map(p[i * stride]);
    return acc;
  }
  Acc s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += map(p[i]);
    s1 += map(p[i + 1]);
    s2 += map(p[i + 2]);
    s3 += map(p[i + 3]);
  }
  for (; i < n; ++i) s0 += map(p[i]);
  return (s0 + s1) + (s2 + s3);
}

// Sum of map(x) over the inner region of the output whose input starts at `base`.
template <typename Acc, typename T, typename Map>
Acc inner_sum(const ReduceArgs& a, const T* in, int64_t base, Map map) {
  Acc acc = 0;
  for_each_row(a, base, [&](int64_t off, int64_t stride, int64_t n) { acc += row_sum<Acc>(in + off, stride, n, map); });
  return acc;
}

// acc = step(acc, x) over the inner region, in order, starting from `init`.
template <typename Acc, typename T, typename Step>
Acc inner_fold(const ReduceArgs& a, const T* in, int64_t base, Acc init, Step step) {
  Acc acc = init;
  for_each_row(a, base, [&](int64_t off, int64_t stride, int64_t n) {
    const T* p = in + off;
    for (int64_t i = 0; i < n; ++i) acc = step(acc, p[i * stride]);
  });
  return acc;
}

}  // namespace convis::cpu
