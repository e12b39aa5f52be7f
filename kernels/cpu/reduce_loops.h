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
// inner_sum and inner_fold are the two shapes a reduction's arithmetic takes; sum_outputs
// and fold_outputs run them for every output, choosing between walking one output at a
// time and walking a block of outputs together (see Note [Reducing across outputs]).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "convis/kernels/cpu/parallel.h"
#include "convis/kernels/reduce.h"
#include "convis/kernels/cpu/capability.h"

CONVIS_CPU_BEGIN

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

// f(in_offset, out_offset) for outputs [k0, k1), in the outputs' row-major order.
template <typename F>
void for_outputs(const ReduceArgs& a, int64_t k0, int64_t k1, F& f) {
  int64_t counter[ReduceArgs::kMaxDims] = {};
  int64_t in_off = 0, out_off = 0;
  for (int64_t d = a.outer_ndim - 1, r = k0; d >= 0; --d) {  // output k0's index
    counter[d] = r % a.outer_sizes[d];
    r /= a.outer_sizes[d];
    in_off += counter[d] * a.in_outer_strides[d];
    out_off += counter[d] * a.out_outer_strides[d];
  }
  for (int64_t k = k0; k < k1; ++k) {
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

// f(in_offset, out_offset) for every output, split over threads by outputs when the
// reduction is big (each output is computed alone: Note [Deterministic threads]).
template <typename F>
void for_each_output(const ReduceArgs& a, F&& f) {
  parallel_for(a.num_outputs(), a.reduce_size(), [&](int64_t k0, int64_t k1) { for_outputs(a, k0, k1, f); });
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

// Note [Summing a row]
// A contiguous row is summed in kLanes = 16 independent partial sums, lane j taking the
// elements i = j mod 16 in order, combined at the end in a fixed tree: the compiler turns
// the lanes into vector registers (2 at avx512, 4 at avx2 and generic for double) and
// the bits are the same at every level.  A row longer than kReduceBlock is summed block by
// block, and the blocks' sums are added in block order; the blocks are fixed, so they may be
// summed by different threads (Note [Deterministic threads]) and the bits do not depend on
// the thread count.  Every partial sum is in Acc (double for float32: Note [Reduction
// accuracy]); the error bound is that of n additions in double, about n * 2^-53 relative
// to the sum of |x|, and the sum of 1e7 float ones is exactly 1e7.
inline constexpr int kLanes = 16;
inline constexpr int64_t kReduceBlock = int64_t(1) << 15;

template <typename Acc, typename T, typename Map>
Acc contiguous_sum(const T* p, int64_t n, Map map) {
  Acc lane[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) lane[j] += map(p[i + j]);
  for (int j = 0; i + j < n; ++j) lane[j] += map(p[i + j]);
  for (int width = kLanes / 2; width >= 1; width /= 2)  // (l0 + l8) + ..., a fixed tree
    for (int j = 0; j < width; ++j) lane[j] += lane[j + width];
  return lane[0];
}

// Sum of map(x) over one row of n elements `stride` apart (see Note [Summing a row]).
template <typename Acc, typename T, typename Map>
Acc row_sum(const T* p, int64_t stride, int64_t n, Map map) {
  if (stride != 1) {
    Acc acc = 0;
    for (int64_t i = 0; i < n; ++i) acc += map(p[i * stride]);
    return acc;
  }
  if (n <= kReduceBlock) return contiguous_sum<Acc>(p, n, map);
  const int64_t blocks = (n + kReduceBlock - 1) / kReduceBlock;
  constexpr int64_t kMaxBlocks = 256;  // block sums on the stack; longer rows recurse
  if (blocks > kMaxBlocks) {
    Acc acc = 0;
    for (int64_t b = 0; b < n; b += kMaxBlocks * kReduceBlock)
      acc += row_sum<Acc>(p + b, 1, std::min(kMaxBlocks * kReduceBlock, n - b), map);
    return acc;
  }
  Acc partial[kMaxBlocks];
  parallel_for(blocks, kReduceBlock, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b)
      partial[b] = contiguous_sum<Acc>(p + b * kReduceBlock, std::min(kReduceBlock, n - b * kReduceBlock), map);
  });
  Acc acc = 0;
  for (int64_t b = 0; b < blocks; ++b) acc += partial[b];
  return acc;
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

// Note [Reducing across outputs]
// Reducing a row-major [4096, 4096] matrix over dim 0 one output at a time reads one
// element per cache line (stride 4096), which is ~25x slower than over dim 1.  When the
// outputs' innermost dim is contiguous in the input (in stride 1) and the reduced dims are
// not, we instead walk a block of up to kOutputBlock consecutive outputs together: for every
// position of the inner region, each output of the block takes its element from one
// contiguous run of the input, in a loop the compiler vectorises.  Each output still
// folds its own elements in the same order, so the result does not depend on the walk.
// A block of 1024 outputs reads 4 KiB runs of float32, long enough for the prefetchers
// (measured, sum over dim 0 of [1000, 10000] on 2 threads: 1.18 ms with blocks of 64,
// 0.93 ms with 1024), and its accumulators (8 KiB of double) stay in L1.
inline constexpr int64_t kOutputBlock = 1024;

inline bool blocked_applicable(const ReduceArgs& a) {
  return a.outer_ndim > 0 && a.in_outer_strides[a.outer_ndim - 1] == 1 && a.inner_ndim > 0 &&
         a.in_inner_strides[a.inner_ndim - 1] != 1;
}

// f(in_offset, out_offset, count, out_stride) for blocks of `count` <= kOutputBlock
// outputs, consecutive along the last outer dim (in stride 1); the blocks are split over
// threads when the reduction is big (each output is computed alone).
template <typename F>
void for_each_output_block(const ReduceArgs& a, F&& f) {
  const int last = a.outer_ndim - 1;
  ReduceArgs rows = a;
  rows.outer_ndim = last;
  const int64_t len = a.outer_sizes[last], os = a.out_outer_strides[last];
  const int64_t per_row = (len + kOutputBlock - 1) / kOutputBlock;
  parallel_for(rows.num_outputs() * per_row, kOutputBlock * a.reduce_size(), [&](int64_t q0, int64_t q1) {
    for (int64_t q = q0; q < q1;) {  // q = row * per_row + block
      const int64_t row = q / per_row, stop = std::min(q1, (row + 1) * per_row);
      auto blocks = [&](int64_t i, int64_t o) {
        for (; q < stop; ++q) {
          const int64_t j0 = (q % per_row) * kOutputBlock;
          f(i + j0, o + j0 * os, std::min(kOutputBlock, len - j0), os);
        }
      };
      for_outputs(rows, row, row + 1, blocks);
    }
  });
}

// step(acc[j], x, j) for every element x of output j of the block that starts at `base`.
template <typename Acc, typename T, typename Step>
void block_fold(const ReduceArgs& a, const T* in, int64_t base, int64_t count, Acc* acc, Step step) {
  for_each_row(a, base, [&](int64_t off, int64_t stride, int64_t n) {
    for (int64_t k = 0; k < n; ++k) {
      const T* p = in + off + k * stride;
      for (int64_t j = 0; j < count; ++j) step(acc[j], p[j], j);
    }
  });
}

// out[o] = finish(fold of step over output o's elements, from init), for every output.
template <typename Out, typename Acc, typename T, typename Step, typename Finish>
void fold_outputs(const ReduceArgs& a, Acc init, Step step, Finish finish) {
  const T* in = static_cast<const T*>(a.in);
  Out* out = static_cast<Out*>(a.out);
  if (blocked_applicable(a)) {
    for_each_output_block(a, [&](int64_t i, int64_t o, int64_t count, int64_t os) {
      Acc acc[kOutputBlock];
      std::fill(acc, acc + count, init);
      block_fold(a, in, i, count, acc, [&](Acc& s, T x, int64_t) { s = step(s, x); });
      for (int64_t j = 0; j < count; ++j) out[o + j * os] = finish(acc[j]);
    });
    return;
  }
  for_each_output(a, [&](int64_t i, int64_t o) { out[o] = finish(inner_fold<Acc>(a, in, i, init, step)); });
}

// out[o] = finish(sum of map(x) over output o's elements), for every output.
template <typename Out, typename Acc, typename T, typename Map, typename Finish>
void sum_outputs(const ReduceArgs& a, Map map, Finish finish) {
  const T* in = static_cast<const T*>(a.in);
  Out* out = static_cast<Out*>(a.out);
  if (blocked_applicable(a)) {
    for_each_output_block(a, [&](int64_t i, int64_t o, int64_t count, int64_t os) {
      Acc acc[kOutputBlock] = {};
      block_fold(a, in, i, count, acc, [&](Acc& s, T x, int64_t) { s += map(x); });
      for (int64_t j = 0; j < count; ++j) out[o + j * os] = finish(acc[j]);
    });
    return;
  }
  for_each_output(a, [&](int64_t i, int64_t o) { out[o] = finish(inner_sum<Acc>(a, in, i, map)); });
}

CONVIS_CPU_END
