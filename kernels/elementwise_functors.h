// kernels/elementwise_functors.h: what each elementwise op computes on one element, written once
// for every backend: the CPU loops (kernels/cpu/elementwise.cpp) and the CUDA kernels
// (kernels/cuda/backend_kernels.h, compiled by nvcc for the device and by g++ for the emulated
// device) call these same functors, so an op means the same on both.  C++17: nvcc includes it.
//
//   functors::Add<float> add(params);          // params.alpha: a + alpha * b
//   float y = add(1.0f, 2.0f);
//   functors::Remainder<int64_t>{}(-7, 3);    // 2: Python's %, the divisor's sign
//
// Each functor takes its operands in the kernel's dtype T (core casts them first); predicates
// and comparisons return bool.  A functor that needs the op's scalar parameters (alpha, clamp's
// bounds) takes the OpParams in a host-side constructor; make_op builds either kind.
//
// Note [Integer arithmetic wraps]
// Signed overflow is undefined behaviour in C++, but LibTorch's int64 results wrap around
// (two's complement).  The int64 functors therefore add, subtract and multiply in uint64_t
// and convert back, which gives exactly the wrapped result without UB.  Integer division
// and remainder by zero are never evaluated: the op rejects a zero divisor before running
// the kernel, and the kernel still defines the result (0) so that it never traps.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "convis/kernels/strided_loop.h"

#if defined(__CUDACC__)
#define CONVIS_HOST_DEVICE __host__ __device__
#define CONVIS_ALWAYS_INLINE __forceinline__
#else
#define CONVIS_HOST_DEVICE
#define CONVIS_ALWAYS_INLINE [[gnu::always_inline]] inline
#endif

namespace convis::functors {

template <typename T>
constexpr bool is_int_v = std::is_same_v<T, std::int64_t>;

template <typename T>
CONVIS_HOST_DEVICE T wrap_add(T a, T b) {
  if constexpr (is_int_v<T>) return std::int64_t(std::uint64_t(a) + std::uint64_t(b));
  else return a + b;
}
template <typename T>
CONVIS_HOST_DEVICE T wrap_sub(T a, T b) {
  if constexpr (is_int_v<T>) return std::int64_t(std::uint64_t(a) - std::uint64_t(b));
  else return a - b;
}
template <typename T>
CONVIS_HOST_DEVICE T wrap_mul(T a, T b) {
  if constexpr (is_int_v<T>) return std::int64_t(std::uint64_t(a) * std::uint64_t(b));
  else return a * b;
}

// A quiet NaN of T (numeric_limits is not callable in device code).
template <typename T>
CONVIS_HOST_DEVICE T quiet_nan() {
  return T(NAN);
}

template <template <class> class Op, typename T>
Op<T> make_op(const OpParams& p) {
  if constexpr (std::is_constructible_v<Op<T>, const OpParams&>) return Op<T>(p);
  else return Op<T>{};
}

// ---- unary: T -> T ----

template <typename T> struct Abs {
  CONVIS_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return std::abs(x);
    else return x < 0 ? wrap_sub(T(0), x) : x;
  }
};
template <typename T> struct Neg {
  CONVIS_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return -x;  // -0.0 for 0.0
    else return wrap_sub(T(0), x);
  }
};
template <typename T> struct Sign {
  CONVIS_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_same_v<T, bool>) return x;
    else return T((T(0) < x) - (x < T(0)));  // NaN -> 0, as LibTorch
  }
};
template <typename T> struct Square { CONVIS_HOST_DEVICE T operator()(T x) const { return wrap_mul(x, x); } };
template <typename T> struct Relu { CONVIS_HOST_DEVICE T operator()(T x) const { return x < T(0) ? T(0) : x; } };
template <typename T> struct Floor {
  CONVIS_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return std::floor(x);
    else return x;
  }
};
template <typename T> struct Ceil {
  CONVIS_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return std::ceil(x);
    else return x;
  }
};
template <typename T> struct Round {  // half to even (the default rounding mode)
  CONVIS_HOST_DEVICE T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return std::nearbyint(x);
    else return x;
  }
};
template <typename T> struct Exp { CONVIS_HOST_DEVICE T operator()(T x) const { return std::exp(x); } };
template <typename T> struct Log { CONVIS_HOST_DEVICE T operator()(T x) const { return std::log(x); } };
template <typename T> struct Log1p { CONVIS_HOST_DEVICE T operator()(T x) const { return std::log1p(x); } };
template <typename T> struct Expm1 { CONVIS_HOST_DEVICE T operator()(T x) const { return std::expm1(x); } };
template <typename T> struct Sqrt { CONVIS_HOST_DEVICE T operator()(T x) const { return std::sqrt(x); } };
template <typename T> struct Rsqrt { CONVIS_HOST_DEVICE T operator()(T x) const { return T(1) / std::sqrt(x); } };
template <typename T> struct Reciprocal { CONVIS_HOST_DEVICE T operator()(T x) const { return T(1) / x; } };
template <typename T> struct Sin { CONVIS_HOST_DEVICE T operator()(T x) const { return std::sin(x); } };
template <typename T> struct Cos { CONVIS_HOST_DEVICE T operator()(T x) const { return std::cos(x); } };
template <typename T> struct Tanh { CONVIS_HOST_DEVICE T operator()(T x) const { return std::tanh(x); } };
template <typename T> struct Sigmoid {
  CONVIS_HOST_DEVICE T operator()(T x) const { return T(1) / (T(1) + std::exp(-x)); }
};
// clamp(x, min, max) as std::min(std::max(x, min), max): a NaN x stays NaN; a missing
// bound is skipped.  (Both bounds given with one NaN is handled by the op.)
template <typename T> struct Clamp {
  T lo, hi;
  bool has_lo, has_hi;
  explicit Clamp(const OpParams& p) : lo(p.min.as<T>()), hi(p.max.as<T>()), has_lo(p.has_min), has_hi(p.has_max) {}
  CONVIS_HOST_DEVICE T operator()(T x) const {
    if (has_lo) x = x < lo ? lo : x;
    if (has_hi) x = hi < x ? hi : x;
    return x;
  }
};

// ---- predicates: T -> bool ----

template <typename T> struct LogicalNot { CONVIS_HOST_DEVICE bool operator()(T x) const { return !x; } };
template <typename T> struct IsNan { CONVIS_HOST_DEVICE bool operator()(T x) const { return std::isnan(x); } };
template <typename T> struct IsInf { CONVIS_HOST_DEVICE bool operator()(T x) const { return std::isinf(x); } };
template <typename T> struct IsFinite { CONVIS_HOST_DEVICE bool operator()(T x) const { return std::isfinite(x); } };

// ---- binary: (T, T) -> T ----

template <typename T> struct Add {  // a + alpha * b; on bool, a or (alpha and b)
  T alpha;
  explicit Add(const OpParams& p) : alpha(p.alpha.as<T>()) {}
  CONVIS_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) return a || (alpha && b);
    else return wrap_add(a, wrap_mul(alpha, b));
  }
};
template <typename T> struct Sub {  // a - alpha * b (never bool: the op rejects it)
  T alpha;
  explicit Sub(const OpParams& p) : alpha(p.alpha.as<T>()) {}
  CONVIS_HOST_DEVICE T operator()(T a, T b) const { return wrap_sub(a, wrap_mul(alpha, b)); }
};
template <typename T> struct Mul {
  CONVIS_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) return a && b;
    else return wrap_mul(a, b);
  }
};
template <typename T> struct Div {  // floating only
  CONVIS_HOST_DEVICE T operator()(T a, T b) const { return a / b; }
};

// Integer power by squaring; a negative exponent gives 1 / a^|b| truncated, as LibTorch.
CONVIS_HOST_DEVICE inline std::int64_t int_pow(std::int64_t a, std::int64_t b) {
  if (b < 0) {
    if (a == 1) return 1;
    if (a == -1) return (b % 2) != 0 ? -1 : 1;
    return 0;
  }
  std::uint64_t result = 1, base = std::uint64_t(a);
  for (std::uint64_t e = std::uint64_t(b); e != 0; e >>= 1) {
    if (e & 1) result *= base;
    base *= base;
  }
  return std::int64_t(result);
}
template <typename T> struct Pow {
  CONVIS_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) return int_pow(a, b);
    else return std::pow(a, b);
  }
};
// Python's %: the result has the divisor's sign.
template <typename T> struct Remainder {
  CONVIS_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) {
      if (b == 0 || b == -1) return 0;  // the op rejects 0; -1 avoids INT64_MIN % -1
      T r = a % b;
      return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
    } else {
      T r = std::fmod(a, b);
      return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
    }
  }
};
template <typename T> struct Maximum {  // NaN propagates
  CONVIS_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>)
      if (a != a || b != b) return quiet_nan<T>();
    return a < b ? b : a;
  }
};
template <typename T> struct Minimum {
  CONVIS_HOST_DEVICE T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>)
      if (a != a || b != b) return quiet_nan<T>();
    return b < a ? b : a;
  }
};
// The fused backward formulas, in the order of operations of the composite ones
// (autograd/ops/elementwise_more.cpp), so both give the same bits.
template <typename T> struct TanhBackward {
  CONVIS_HOST_DEVICE T operator()(T g, T y) const { return g * (T(1) - y * y); }
};
template <typename T> struct SigmoidBackward {
  CONVIS_HOST_DEVICE T operator()(T g, T y) const { return g * (y * (T(1) - y)); }
};

// ---- comparison and logic: (T, T) -> bool ----

template <typename T> struct Eq { CONVIS_HOST_DEVICE bool operator()(T a, T b) const { return a == b; } };
template <typename T> struct Ne { CONVIS_HOST_DEVICE bool operator()(T a, T b) const { return a != b; } };
template <typename T> struct Lt { CONVIS_HOST_DEVICE bool operator()(T a, T b) const { return a < b; } };
template <typename T> struct Le { CONVIS_HOST_DEVICE bool operator()(T a, T b) const { return a <= b; } };
template <typename T> struct Gt { CONVIS_HOST_DEVICE bool operator()(T a, T b) const { return a > b; } };
template <typename T> struct Ge { CONVIS_HOST_DEVICE bool operator()(T a, T b) const { return a >= b; } };
template <typename T> struct LogicalXor {
  CONVIS_HOST_DEVICE bool operator()(T a, T b) const { return bool(a) != bool(b); }
};
template <typename T> struct LogicalAnd {
  CONVIS_HOST_DEVICE bool operator()(T a, T b) const { return bool(a) && bool(b); }
};
template <typename T> struct LogicalOr {
  CONVIS_HOST_DEVICE bool operator()(T a, T b) const { return bool(a) || bool(b); }
};

// ---- selection: (bool, T, T) -> T ----

template <typename T> struct Where {
  CONVIS_HOST_DEVICE T operator()(bool c, T a, T b) const { return c ? a : b; }
};

}  // namespace convis::functors
