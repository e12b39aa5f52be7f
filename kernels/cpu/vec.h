// kernels/cpu/vec.h: Vec<T>, a SIMD register's worth of T, for kernels written once.
//
//   using V = cpu::Vec<float>;                 // 8 floats: one AVX2 register
//   V a = V::load(x + i), b = V::load(y + i);
//   (a * b + V(1.0f)).store(out + i);
//
// Note [The Vec seam]
// A kernel functor may offer a second overload taking Vec<T> (see AddOp in
// kernels/cpu/elementwise.cpp).  The typed loops in kernels/cpu/loops.h use it on the
// contiguous fast path, kWidth elements at a time, and the scalar overload for the tail and
// for strided rows.  This portable Vec is a fixed-size array whose loops GCC turns into
// AVX2 code at -O3 when the target allows it; an explicit AVX2 specialisation chosen at run
// time by CPUID (DESIGN.md idea 3) replaces it behind the same interface without touching
// any kernel.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace convis::cpu {

template <typename T>
struct Vec {
  static constexpr int kWidth = int(32 / sizeof(T));  // one 256-bit register
  T v[kWidth];

  Vec() = default;
  explicit Vec(T x) { std::fill(v, v + kWidth, x); }
  static Vec load(const T* p) {
    Vec r;
    std::memcpy(r.v, p, sizeof(r.v));
    return r;
  }
  void store(T* p) const { std::memcpy(p, v, sizeof(v)); }

  template <typename F>
  friend Vec zip(const Vec& a, const Vec& b, F f) {
    Vec r;
    for (int i = 0; i < kWidth; ++i) r.v[i] = f(a.v[i], b.v[i]);
    return r;
  }
  friend Vec operator+(const Vec& a, const Vec& b) { return zip(a, b, [](T x, T y) { return x + y; }); }
  friend Vec operator-(const Vec& a, const Vec& b) { return zip(a, b, [](T x, T y) { return x - y; }); }
  friend Vec operator*(const Vec& a, const Vec& b) { return zip(a, b, [](T x, T y) { return x * y; }); }
  friend Vec operator/(const Vec& a, const Vec& b) { return zip(a, b, [](T x, T y) { return x / y; }); }
};

}  // namespace convis::cpu
