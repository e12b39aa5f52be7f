// kernels/cpu/vec.h: Vec<T>, a SIMD register's worth of T, for kernels written once.
//
//   using V = Vec<float>;                      // 16 floats at avx512, 8 at avx2 and generic
//   V a = V::load(x + i), b = V::load(y + i);
//   (a * b + V(1.0f)).store(out + i);
//   fmadd(a, b, acc);                          // a * b + acc (see fmadd below)
//
// Note [The Vec seam]
// A kernel functor may offer a second overload taking Vec<T> (see Add in
// kernels/cpu/elementwise.cpp).  The typed loops in kernels/cpu/loops.h use it on the
// contiguous fast path, kWidth elements at a time, and the scalar overload for the tail and
// for strided rows.  Which Vec a kernel gets depends on the level its file is compiled at
// (Note [One source, three capabilities]): at avx2 and avx512, Vec<float> and Vec<double>
// are one __m256 / __m512 register with the operations as intrinsics; at the generic level
// (and for other T) Vec is a portable array of 32 bytes whose loops GCC turns into SSE2.
// Every operation rounds as the scalar operator does, so the Vec path gives the same bits
// as the scalar loop (fmadd as the scalar fmadd at the same level).
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "convis/kernels/cpu/capability.h"

CONVIS_CPU_BEGIN

template <typename T>
struct Vec {
  static constexpr int kWidth = int(32 / sizeof(T));
  T v[kWidth];

  Vec() = default;
  explicit Vec(T x) { std::fill(v, v + kWidth, x); }
  static Vec load(const T* p) {
    Vec r;
    std::memcpy(r.v, p, sizeof(r.v));
    return r;
  }
  void store(T* p) const { std::memcpy(p, v, sizeof(v)); }
};

// The operators are free functions, not friends defined in the class: GCC 12 does not apply
// `#pragma GCC target` to a friend defined in a class, and the AVX intrinsics then fail to inline.
template <typename T, typename F>
Vec<T> zip(const Vec<T>& a, const Vec<T>& b, F f) {
  Vec<T> r;
  for (int i = 0; i < Vec<T>::kWidth; ++i) r.v[i] = f(a.v[i], b.v[i]);
  return r;
}
template <typename T>
Vec<T> operator+(const Vec<T>& a, const Vec<T>& b) { return zip(a, b, [](T x, T y) { return x + y; }); }
template <typename T>
Vec<T> operator-(const Vec<T>& a, const Vec<T>& b) { return zip(a, b, [](T x, T y) { return x - y; }); }
template <typename T>
Vec<T> operator*(const Vec<T>& a, const Vec<T>& b) { return zip(a, b, [](T x, T y) { return x * y; }); }
template <typename T>
Vec<T> operator/(const Vec<T>& a, const Vec<T>& b) { return zip(a, b, [](T x, T y) { return x / y; }); }

// fmadd(a, b, c) = a * b + c, rounded once (an FMA instruction) at avx2 and avx512, and
// rounded twice at the generic level, whose processors may have no FMA unit (std::fma would
// be a slow library call there).  The scalar form rounds as the Vec form at the same level,
// so a kernel's vector body and scalar tail agree.
template <typename T>
  requires std::is_floating_point_v<T>
T fmadd(T a, T b, T c) {
  if constexpr (CONVIS_CPU_LEVEL >= 1) return std::fma(a, b, c);
  else return a * b + c;
}
template <typename T>
Vec<T> fmadd(const Vec<T>& a, const Vec<T>& b, const Vec<T>& c) {
  Vec<T> r;
  for (int i = 0; i < Vec<T>::kWidth; ++i) r.v[i] = fmadd(a.v[i], b.v[i], c.v[i]);
  return r;
}

// One specialisation per (level, T): the register type R and its intrinsics.  The operators
// are overloads (not template specialisations) for Vec<T>, found first by overload resolution.
#define CONVIS_VEC_SPECIALISATION(T, R, W, OP, SET1, LOAD, STORE)                       \
  template <>                                                                          \
  struct Vec<T> {                                                                      \
    static constexpr int kWidth = W;                                                   \
    R r;                                                                               \
    Vec() = default;                                                                   \
    explicit Vec(T x) : r(SET1(x)) {}                                                  \
    explicit Vec(R x) : r(x) {}                                                        \
    static Vec load(const T* p) { return Vec(LOAD(p)); }                               \
    void store(T* p) const { STORE(p, r); }                                            \
  };                                                                                   \
  inline Vec<T> operator+(const Vec<T>& a, const Vec<T>& b) { return Vec<T>(OP(add)(a.r, b.r)); } \
  inline Vec<T> operator-(const Vec<T>& a, const Vec<T>& b) { return Vec<T>(OP(sub)(a.r, b.r)); } \
  inline Vec<T> operator*(const Vec<T>& a, const Vec<T>& b) { return Vec<T>(OP(mul)(a.r, b.r)); } \
  inline Vec<T> operator/(const Vec<T>& a, const Vec<T>& b) { return Vec<T>(OP(div)(a.r, b.r)); } \
  inline Vec<T> fmadd(const Vec<T>& a, const Vec<T>& b, const Vec<T>& c) {                        \
    return Vec<T>(OP(fmadd)(a.r, b.r, c.r));                                                      \
  }

#if CONVIS_CPU_LEVEL == 2
#define CONVIS_PS(op) _mm512_##op##_ps
#define CONVIS_PD(op) _mm512_##op##_pd
CONVIS_VEC_SPECIALISATION(float, __m512, 16, CONVIS_PS, _mm512_set1_ps, _mm512_loadu_ps, _mm512_storeu_ps)
CONVIS_VEC_SPECIALISATION(double, __m512d, 8, CONVIS_PD, _mm512_set1_pd, _mm512_loadu_pd, _mm512_storeu_pd)
#elif CONVIS_CPU_LEVEL == 1
#define CONVIS_PS(op) _mm256_##op##_ps
#define CONVIS_PD(op) _mm256_##op##_pd
CONVIS_VEC_SPECIALISATION(float, __m256, 8, CONVIS_PS, _mm256_set1_ps, _mm256_loadu_ps, _mm256_storeu_ps)
CONVIS_VEC_SPECIALISATION(double, __m256d, 4, CONVIS_PD, _mm256_set1_pd, _mm256_loadu_pd, _mm256_storeu_pd)
#endif
#undef CONVIS_PS
#undef CONVIS_PD
#undef CONVIS_VEC_SPECIALISATION

// Lanes [0, n) from p (0 <= n < kWidth), zeros in the others, which are not read (a masked
// load at avx2 and avx512: no fault past the end of a buffer).
template <typename T>
inline Vec<T> load_first(const T* p, int64_t n) {
#if CONVIS_CPU_LEVEL == 2
  if constexpr (std::is_same_v<T, float>) return Vec<T>(_mm512_maskz_loadu_ps(__mmask16((1u << n) - 1), p));
  if constexpr (std::is_same_v<T, double>) return Vec<T>(_mm512_maskz_loadu_pd(__mmask8((1u << n) - 1), p));
#elif CONVIS_CPU_LEVEL == 1
  if constexpr (std::is_same_v<T, float>)
    return Vec<T>(_mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))));
  if constexpr (std::is_same_v<T, double>)
    return Vec<T>(_mm256_maskload_pd(p, _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3))));
#endif
  T lanes[Vec<T>::kWidth] = {};
  std::copy(p, p + n, lanes);
  return Vec<T>::load(lanes);
}

CONVIS_CPU_END
