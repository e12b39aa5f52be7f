// kernels/cpu/loops.h: the CPU loops every elementwise kernel is written with.
//
//   void exp_f32(const StridedLoop& L) {
//     cpu::unary_loop<float, float>(L, [](float x) { return std::exp(x); });
//   }
//   void add_f64(const StridedLoop& L) {
//     double alpha = L.params.alpha.f;
//     cpu::binary_loop<double, double, double>(L, [=](double a, double b) { return a + alpha * b; });
//   }
//
// for_each_inner walks every outer index of the StridedLoop with a counter array and hands
// the innermost dim to a 1-D callback.  The typed loops then pick a tight loop when every
// operand is contiguous (stride == sizeof(T)) or a broadcast scalar (stride 0), which the
// compiler vectorises, and a strided loop otherwise.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include "convis/kernels/cpu/parallel.h"
#include "convis/kernels/cpu/vec.h"
#include "convis/kernels/strided_loop.h"
#include "convis/kernels/cpu/capability.h"

CONVIS_CPU_BEGIN

// Rows [r0, r1) of the loop's outer dims (all dims but the last), in row-major order.
template <typename F>
void for_rows(const StridedLoop& L, int64_t r0, int64_t r1, const int64_t* inner_strides, F& inner) {
  const int nt = L.ntensors, last = L.ndim - 1;
  int64_t counter[StridedLoop::kMaxDims] = {};
  for (int64_t d = last - 1, r = r0; d >= 0; --d) {  // row r0's index in the outer dims
    counter[d] = r % L.sizes[d];
    r /= L.sizes[d];
  }
  char* ptrs[StridedLoop::kMaxOperands];
  for (int64_t r = r0; r < r1; ++r) {
    for (int k = 0; k < nt; ++k) {
      char* p = L.data[k];
      for (int d = 0; d < last; ++d) p += counter[d] * L.strides[k][d];
      ptrs[k] = p;
    }
    inner(ptrs, inner_strides, L.sizes[last]);
    for (int d = last - 1; d >= 0; --d) {  // odometer increment over the outer dims
      if (++counter[d] < L.sizes[d]) break;
      counter[d] = 0;
    }
  }
}

// inner(ptrs, strides, n): ptrs[k] points at the first element of operand k on this row,
// strides[k] is its inner stride in bytes, n the row length.  A big loop is split over
// threads by rows, or a single row into pieces (Note [Deterministic threads]): every
// element is computed alone, so the split does not change any result.
template <typename F>
void for_each_inner(const StridedLoop& L, F&& inner) {
  const int nt = L.ntensors;
  if (L.numel() == 0) return;
  char* ptrs[StridedLoop::kMaxOperands];
  int64_t inner_strides[StridedLoop::kMaxOperands];
  if (L.ndim == 0) {  // a single element
    for (int k = 0; k < nt; ++k) ptrs[k] = L.data[k], inner_strides[k] = 0;
    inner(ptrs, inner_strides, int64_t(1));
    return;
  }
  const int last = L.ndim - 1;
  for (int k = 0; k < nt; ++k) inner_strides[k] = L.strides[k][last];
  if (last == 0) {  // one row: the common case after coalescing
    const int64_t n = L.sizes[0];
    if (threads_for_loop(n, 1) == 1) {
      // All kMaxOperands pointers, a fixed size: a loop to nt became a call to memcpy.
      std::memcpy(ptrs, L.data, sizeof ptrs);
      inner(ptrs, inner_strides, n);
      return;
    }
    parallel_for(n, 1, [&](int64_t b, int64_t e) {
      char* piece[StridedLoop::kMaxOperands];
      for (int k = 0; k < nt; ++k) piece[k] = L.data[k] + b * inner_strides[k];
      inner(piece, inner_strides, e - b);
    });
    return;
  }
  parallel_for(L.numel() / L.sizes[last], L.sizes[last],
               [&](int64_t r0, int64_t r1) { for_rows(L, r0, r1, inner_strides, inner); });
}

template <typename Out, typename In, typename F>
void unary_loop(const StridedLoop& L, F f) {
  for_each_inner(L, [&](char** p, const int64_t* s, int64_t n) {
    auto* out = reinterpret_cast<Out*>(p[0]);
    auto* in = reinterpret_cast<const In*>(p[1]);
    if (s[0] == sizeof(Out) && s[1] == sizeof(In)) {
      for (int64_t i = 0; i < n; ++i) out[i] = f(in[i]);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<Out*>(p[0] + i * s[0]) = f(*reinterpret_cast<const In*>(p[1] + i * s[1]));
    }
  });
}

template <typename Out, typename A, typename B, typename F>
void binary_loop(const StridedLoop& L, F f) {
  for_each_inner(L, [&](char** p, const int64_t* s, int64_t n) {
    auto* out = reinterpret_cast<Out*>(p[0]);
    auto* a = reinterpret_cast<const A*>(p[1]);
    auto* b = reinterpret_cast<const B*>(p[2]);
    if (s[0] == sizeof(Out) && s[1] == sizeof(A) && s[2] == sizeof(B)) {
      int64_t i = 0;
      if constexpr (std::is_invocable_v<F&, Vec<A>, Vec<B>> && std::is_same_v<Out, A> && std::is_same_v<A, B>) {
        constexpr int64_t w = Vec<A>::kWidth;  // see Note [The Vec seam]
        for (; i + w <= n; i += w) f(Vec<A>::load(a + i), Vec<B>::load(b + i)).store(out + i);
      }
      for (; i < n; ++i) out[i] = f(a[i], b[i]);
    } else if (s[0] == sizeof(Out) && s[1] == sizeof(A) && s[2] == 0) {
      const B bv = *b;
      for (int64_t i = 0; i < n; ++i) out[i] = f(a[i], bv);
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<Out*>(p[0] + i * s[0]) =
            f(*reinterpret_cast<const A*>(p[1] + i * s[1]), *reinterpret_cast<const B*>(p[2] + i * s[2]));
    }
  });
}

template <typename Out, typename A, typename B, typename C, typename F>
void ternary_loop(const StridedLoop& L, F f) {
  for_each_inner(L, [&](char** p, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i)
      *reinterpret_cast<Out*>(p[0] + i * s[0]) =
          f(*reinterpret_cast<const A*>(p[1] + i * s[1]), *reinterpret_cast<const B*>(p[2] + i * s[2]),
            *reinterpret_cast<const C*>(p[3] + i * s[3]));
  });
}

CONVIS_CPU_END
