// kernels/cpu/elementwise.cpp: elementwise CPU kernels, each a scalar functor over
// cpu::unary_loop / binary_loop / ternary_loop (kernels/cpu/loops.h).
//
// Every operand arrives in the kernel's dtype T (core casts inputs first); comparisons and
// predicates write bool.  A functor that needs the op's scalar parameters (alpha, clamp's
// bounds) takes the OpParams in its constructor; make_op builds either kind.
//
// Note [Integer arithmetic wraps]
// Signed overflow is undefined behaviour in C++, but LibTorch's int64 results wrap around
// (two's complement).  The int64 functors therefore add, subtract and multiply in uint64_t
// and convert back, which gives exactly the wrapped result without UB.  Integer division
// and remainder by zero are never evaluated: the op rejects a zero divisor before running
// the kernel, and the kernel still defines the result (0) so that it never traps.
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <type_traits>

#include "convis/kernels/cpu/fast_math.h"
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/cpu/loops.h"
#include "convis/kernels/cpu/transpose.h"
#include "convis/kernels/dispatch.h"

CONVIS_CPU_BEGIN

namespace {

// ---- helpers (see Note [Integer arithmetic wraps]) ----

template <typename T>
constexpr bool is_int_v = std::is_same_v<T, int64_t>;

template <typename T>
T wrap_add(T a, T b) {
  if constexpr (is_int_v<T>) return int64_t(uint64_t(a) + uint64_t(b));
  else return a + b;
}
template <typename T>
T wrap_sub(T a, T b) {
  if constexpr (is_int_v<T>) return int64_t(uint64_t(a) - uint64_t(b));
  else return a - b;
}
template <typename T>
T wrap_mul(T a, T b) {
  if constexpr (is_int_v<T>) return int64_t(uint64_t(a) * uint64_t(b));
  else return a * b;
}

template <template <class> class Op, typename T>
Op<T> make_op(const OpParams& p) {
  if constexpr (std::is_constructible_v<Op<T>, const OpParams&>) return Op<T>(p);
  else return Op<T>{};
}

// ---- unary functors: T -> T ----

template <typename T> struct Abs {
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return std::abs(x);
    else return x < 0 ? wrap_sub(T(0), x) : x;
  }
};
template <typename T> struct Neg {
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return -x;  // -0.0 for 0.0
    else return wrap_sub(T(0), x);
  }
};
template <typename T> struct Sign {
  T operator()(T x) const {
    if constexpr (std::is_same_v<T, bool>) return x;
    else return T((T(0) < x) - (x < T(0)));  // NaN -> 0, as LibTorch
  }
};
template <typename T> struct Square { T operator()(T x) const { return wrap_mul(x, x); } };
template <typename T> struct Relu { T operator()(T x) const { return x < T(0) ? T(0) : x; } };  // NaN stays
template <typename T> struct Floor {
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return std::floor(x);
    else return x;
  }
};
template <typename T> struct Ceil {
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return std::ceil(x);
    else return x;
  }
};
template <typename T> struct Round {  // half to even (the default rounding mode)
  T operator()(T x) const {
    if constexpr (std::is_floating_point_v<T>) return std::nearbyint(x);
    else return x;
  }
};
// float32 exp, tanh and sigmoid use kernels/cpu/fast_math.h (see Note [Fast float math]):
// branch-free, so the contiguous loops vectorise; float64 keeps libm.
template <typename T> struct Exp {
  T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return exp_f32(x);
    else return std::exp(x);
  }
};
template <typename T> struct Log { T operator()(T x) const { return std::log(x); } };
template <typename T> struct Log1p { T operator()(T x) const { return std::log1p(x); } };
template <typename T> struct Expm1 { T operator()(T x) const { return std::expm1(x); } };
template <typename T> struct Sqrt { T operator()(T x) const { return std::sqrt(x); } };
template <typename T> struct Rsqrt { T operator()(T x) const { return T(1) / std::sqrt(x); } };
template <typename T> struct Reciprocal { T operator()(T x) const { return T(1) / x; } };
template <typename T> struct Sin { T operator()(T x) const { return std::sin(x); } };
template <typename T> struct Cos { T operator()(T x) const { return std::cos(x); } };
template <typename T> struct Tanh {
  T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return tanh_f32(x);
    else return std::tanh(x);
  }
};
template <typename T> struct Sigmoid {
  T operator()(T x) const {
    if constexpr (std::is_same_v<T, float>) return sigmoid_f32(x);
    else return T(1) / (T(1) + std::exp(-x));
  }
};

// ---- predicates: T -> bool ----

template <typename T> struct LogicalNot { bool operator()(T x) const { return !x; } };
template <typename T> struct IsNan { bool operator()(T x) const { return std::isnan(x); } };
template <typename T> struct IsInf { bool operator()(T x) const { return std::isinf(x); } };
template <typename T> struct IsFinite { bool operator()(T x) const { return std::isfinite(x); } };

// ---- binary functors: (T, T) -> T ----

template <typename T> struct Add {  // a + alpha * b; on bool, a or (alpha and b)
  T alpha;
  explicit Add(const OpParams& p) : alpha(p.alpha.as<T>()) {}
  T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) return a || (alpha && b);
    else return wrap_add(a, wrap_mul(alpha, b));
  }
  template <typename U = T, std::enable_if_t<std::is_floating_point_v<U>, int> = 0>
  Vec<U> operator()(const Vec<U>& a, const Vec<U>& b) const {  // see Note [The Vec seam]
    return a + Vec<U>(alpha) * b;
  }
};
template <typename T> struct Sub {  // a - alpha * b (never bool: the op rejects it)
  T alpha;
  explicit Sub(const OpParams& p) : alpha(p.alpha.as<T>()) {}
  T operator()(T a, T b) const { return wrap_sub(a, wrap_mul(alpha, b)); }
  template <typename U = T, std::enable_if_t<std::is_floating_point_v<U>, int> = 0>
  Vec<U> operator()(const Vec<U>& a, const Vec<U>& b) const {
    return a - Vec<U>(alpha) * b;
  }
};
template <typename T> struct Mul {
  T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) return a && b;
    else return wrap_mul(a, b);
  }
  template <typename U = T, std::enable_if_t<std::is_floating_point_v<U>, int> = 0>
  Vec<U> operator()(const Vec<U>& a, const Vec<U>& b) const {
    return a * b;
  }
};
template <typename T> struct Div {  // floating only
  T operator()(T a, T b) const { return a / b; }
  Vec<T> operator()(const Vec<T>& a, const Vec<T>& b) const { return a / b; }
};

// Integer power by squaring; a negative exponent gives 1 / a^|b| truncated, as LibTorch.
inline int64_t int_pow(int64_t a, int64_t b) {
  if (b < 0) {
    if (a == 1) return 1;
    if (a == -1) return (b % 2) != 0 ? -1 : 1;
    return 0;
  }
  uint64_t result = 1, base = uint64_t(a);
  for (uint64_t e = uint64_t(b); e != 0; e >>= 1) {
    if (e & 1) result *= base;
    base *= base;
  }
  return int64_t(result);
}
template <typename T> struct Pow {
  T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) return int_pow(a, b);
    else return std::pow(a, b);
  }
};
// Python's %: the result has the divisor's sign.
template <typename T> struct Remainder {
  T operator()(T a, T b) const {
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
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
    return a < b ? b : a;
  }
};
template <typename T> struct Minimum {
  T operator()(T a, T b) const {
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
    return b < a ? b : a;
  }
};
// clamp(x, min, max) as std::min(std::max(x, min), max): a NaN x stays NaN; a missing
// bound is skipped.  (Both bounds given with one NaN is handled by the op.)
template <typename T> struct Clamp {
  T lo, hi;
  bool has_lo, has_hi;
  explicit Clamp(const OpParams& p)
      : lo(p.min.as<T>()), hi(p.max.as<T>()), has_lo(p.has_min), has_hi(p.has_max) {}
  T operator()(T x) const {
    if (has_lo) x = std::max(x, lo);
    if (has_hi) x = std::min(x, hi);
    return x;
  }
};
// The fused backward formulas, in the order of operations of the composite ones
// (autograd/ops/elementwise_more.cpp), so both give the same bits.
template <typename T> struct TanhBackward {
  T operator()(T g, T y) const { return g * (T(1) - y * y); }
};
template <typename T> struct SigmoidBackward {
  T operator()(T g, T y) const { return g * (y * (T(1) - y)); }
};
template <typename T> struct LogicalXor { bool operator()(T a, T b) const { return bool(a) != bool(b); } };
template <typename T> struct LogicalAnd { bool operator()(T a, T b) const { return bool(a) && bool(b); } };
template <typename T> struct LogicalOr { bool operator()(T a, T b) const { return bool(a) || bool(b); } };

// std::equal_to<T> etc. are the comparison functors.

// ---- the kernels: loops over the functors ----

template <template <class> class Op, typename T>
void unary_kernel(const StridedLoop& L) {
  unary_loop<T, T>(L, make_op<Op, T>(L.params));
}
template <template <class> class Op, typename T>
void predicate_kernel(const StridedLoop& L) {
  unary_loop<bool, T>(L, make_op<Op, T>(L.params));
}
template <template <class> class Op, typename T>
void binary_kernel(const StridedLoop& L) {
  binary_loop<T, T, T>(L, make_op<Op, T>(L.params));
}
template <template <class> class Op, typename T>
void compare_kernel(const StridedLoop& L) {
  binary_loop<bool, T, T>(L, make_op<Op, T>(L.params));
}
// out = cond ? a : b
template <typename T>
void where_kernel(const StridedLoop& L) {
  ternary_loop<T, bool, T, T>(L, [](bool c, T a, T b) { return c ? a : b; });
}

// out (dtype T) = cast(in), in of any dtype (loop.dtypes[1]).
template <typename T>
void copy_kernel(const StridedLoop& L) {
  if (try_blocked_transpose<T>(L)) return;  // Note [Blocked transpose]
  visit_dtype(L.dtypes[1], [&](auto tag) {
    using In = decltype(tag);
    unary_loop<T, In>(L, [](In v) { return static_cast<T>(v); });
  });
}

// out = params.value.
template <typename T>
void fill_kernel(const StridedLoop& L) {
  const T value = L.params.value.as<T>();
  for_each_inner(L, [&](char** p, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(p[0] + i * s[0]) = value;
  });
}

using f32 = float;
using f64 = double;
using i64 = int64_t;

}  // namespace

// One line per (op, dtype).  Which dtypes an op has is what LibTorch supports; the ops in
// core/native/elementwise.cpp turn a missing kernel into an error naming the supported ones.
void register_elementwise_kernels() {
  register_kernel<OpKind::copy>(kCPU, kBool, &copy_kernel<bool>);
  register_kernel<OpKind::copy>(kCPU, kInt64, &copy_kernel<i64>);
  register_kernel<OpKind::copy>(kCPU, kFloat32, &copy_kernel<f32>);
  register_kernel<OpKind::copy>(kCPU, kFloat64, &copy_kernel<f64>);
  register_kernel<OpKind::fill>(kCPU, kBool, &fill_kernel<bool>);
  register_kernel<OpKind::fill>(kCPU, kInt64, &fill_kernel<i64>);
  register_kernel<OpKind::fill>(kCPU, kFloat32, &fill_kernel<f32>);
  register_kernel<OpKind::fill>(kCPU, kFloat64, &fill_kernel<f64>);

  // ---- unary, dtype-preserving ----
  register_kernel<OpKind::abs>(kCPU, kInt64, &unary_kernel<Abs, i64>);
  register_kernel<OpKind::abs>(kCPU, kFloat32, &unary_kernel<Abs, f32>);
  register_kernel<OpKind::abs>(kCPU, kFloat64, &unary_kernel<Abs, f64>);
  register_kernel<OpKind::neg>(kCPU, kInt64, &unary_kernel<Neg, i64>);
  register_kernel<OpKind::neg>(kCPU, kFloat32, &unary_kernel<Neg, f32>);
  register_kernel<OpKind::neg>(kCPU, kFloat64, &unary_kernel<Neg, f64>);
  register_kernel<OpKind::sign>(kCPU, kBool, &unary_kernel<Sign, bool>);
  register_kernel<OpKind::sign>(kCPU, kInt64, &unary_kernel<Sign, i64>);
  register_kernel<OpKind::sign>(kCPU, kFloat32, &unary_kernel<Sign, f32>);
  register_kernel<OpKind::sign>(kCPU, kFloat64, &unary_kernel<Sign, f64>);
  register_kernel<OpKind::square>(kCPU, kInt64, &unary_kernel<Square, i64>);
  register_kernel<OpKind::square>(kCPU, kFloat32, &unary_kernel<Square, f32>);
  register_kernel<OpKind::square>(kCPU, kFloat64, &unary_kernel<Square, f64>);
  register_kernel<OpKind::relu>(kCPU, kInt64, &unary_kernel<Relu, i64>);
  register_kernel<OpKind::relu>(kCPU, kFloat32, &unary_kernel<Relu, f32>);
  register_kernel<OpKind::relu>(kCPU, kFloat64, &unary_kernel<Relu, f64>);
  register_kernel<OpKind::floor>(kCPU, kInt64, &unary_kernel<Floor, i64>);
  register_kernel<OpKind::floor>(kCPU, kFloat32, &unary_kernel<Floor, f32>);
  register_kernel<OpKind::floor>(kCPU, kFloat64, &unary_kernel<Floor, f64>);
  register_kernel<OpKind::ceil>(kCPU, kInt64, &unary_kernel<Ceil, i64>);
  register_kernel<OpKind::ceil>(kCPU, kFloat32, &unary_kernel<Ceil, f32>);
  register_kernel<OpKind::ceil>(kCPU, kFloat64, &unary_kernel<Ceil, f64>);
  register_kernel<OpKind::round>(kCPU, kInt64, &unary_kernel<Round, i64>);
  register_kernel<OpKind::round>(kCPU, kFloat32, &unary_kernel<Round, f32>);
  register_kernel<OpKind::round>(kCPU, kFloat64, &unary_kernel<Round, f64>);
  register_kernel<OpKind::clamp>(kCPU, kInt64, &unary_kernel<Clamp, i64>);
  register_kernel<OpKind::clamp>(kCPU, kFloat32, &unary_kernel<Clamp, f32>);
  register_kernel<OpKind::clamp>(kCPU, kFloat64, &unary_kernel<Clamp, f64>);

  // ---- unary, floating only (integer inputs are cast to the default dtype first) ----
  register_kernel<OpKind::exp>(kCPU, kFloat32, &unary_kernel<Exp, f32>);
  register_kernel<OpKind::exp>(kCPU, kFloat64, &unary_kernel<Exp, f64>);
  register_kernel<OpKind::log>(kCPU, kFloat32, &unary_kernel<Log, f32>);
  register_kernel<OpKind::log>(kCPU, kFloat64, &unary_kernel<Log, f64>);
  register_kernel<OpKind::log1p>(kCPU, kFloat32, &unary_kernel<Log1p, f32>);
  register_kernel<OpKind::log1p>(kCPU, kFloat64, &unary_kernel<Log1p, f64>);
  register_kernel<OpKind::expm1>(kCPU, kFloat32, &unary_kernel<Expm1, f32>);
  register_kernel<OpKind::expm1>(kCPU, kFloat64, &unary_kernel<Expm1, f64>);
  register_kernel<OpKind::sqrt>(kCPU, kFloat32, &unary_kernel<Sqrt, f32>);
  register_kernel<OpKind::sqrt>(kCPU, kFloat64, &unary_kernel<Sqrt, f64>);
  register_kernel<OpKind::rsqrt>(kCPU, kFloat32, &unary_kernel<Rsqrt, f32>);
  register_kernel<OpKind::rsqrt>(kCPU, kFloat64, &unary_kernel<Rsqrt, f64>);
  register_kernel<OpKind::reciprocal>(kCPU, kFloat32, &unary_kernel<Reciprocal, f32>);
  register_kernel<OpKind::reciprocal>(kCPU, kFloat64, &unary_kernel<Reciprocal, f64>);
  register_kernel<OpKind::sin>(kCPU, kFloat32, &unary_kernel<Sin, f32>);
  register_kernel<OpKind::sin>(kCPU, kFloat64, &unary_kernel<Sin, f64>);
  register_kernel<OpKind::cos>(kCPU, kFloat32, &unary_kernel<Cos, f32>);
  register_kernel<OpKind::cos>(kCPU, kFloat64, &unary_kernel<Cos, f64>);
  register_kernel<OpKind::tanh>(kCPU, kFloat32, &unary_kernel<Tanh, f32>);
  register_kernel<OpKind::tanh>(kCPU, kFloat64, &unary_kernel<Tanh, f64>);
  register_kernel<OpKind::sigmoid>(kCPU, kFloat32, &unary_kernel<Sigmoid, f32>);
  register_kernel<OpKind::sigmoid>(kCPU, kFloat64, &unary_kernel<Sigmoid, f64>);

  // ---- predicates (bool out) ----
  register_kernel<OpKind::logical_not>(kCPU, kBool, &predicate_kernel<LogicalNot, bool>);
  register_kernel<OpKind::logical_not>(kCPU, kInt64, &predicate_kernel<LogicalNot, i64>);
  register_kernel<OpKind::logical_not>(kCPU, kFloat32, &predicate_kernel<LogicalNot, f32>);
  register_kernel<OpKind::logical_not>(kCPU, kFloat64, &predicate_kernel<LogicalNot, f64>);
  register_kernel<OpKind::isnan>(kCPU, kFloat32, &predicate_kernel<IsNan, f32>);
  register_kernel<OpKind::isnan>(kCPU, kFloat64, &predicate_kernel<IsNan, f64>);
  register_kernel<OpKind::isinf>(kCPU, kFloat32, &predicate_kernel<IsInf, f32>);
  register_kernel<OpKind::isinf>(kCPU, kFloat64, &predicate_kernel<IsInf, f64>);
  register_kernel<OpKind::isfinite>(kCPU, kFloat32, &predicate_kernel<IsFinite, f32>);
  register_kernel<OpKind::isfinite>(kCPU, kFloat64, &predicate_kernel<IsFinite, f64>);

  // ---- binary arithmetic ----
  register_kernel<OpKind::add>(kCPU, kBool, &binary_kernel<Add, bool>);
  register_kernel<OpKind::add>(kCPU, kInt64, &binary_kernel<Add, i64>);
  register_kernel<OpKind::add>(kCPU, kFloat32, &binary_kernel<Add, f32>);
  register_kernel<OpKind::add>(kCPU, kFloat64, &binary_kernel<Add, f64>);
  register_kernel<OpKind::sub>(kCPU, kInt64, &binary_kernel<Sub, i64>);
  register_kernel<OpKind::sub>(kCPU, kFloat32, &binary_kernel<Sub, f32>);
  register_kernel<OpKind::sub>(kCPU, kFloat64, &binary_kernel<Sub, f64>);
  register_kernel<OpKind::mul>(kCPU, kBool, &binary_kernel<Mul, bool>);
  register_kernel<OpKind::mul>(kCPU, kInt64, &binary_kernel<Mul, i64>);
  register_kernel<OpKind::mul>(kCPU, kFloat32, &binary_kernel<Mul, f32>);
  register_kernel<OpKind::mul>(kCPU, kFloat64, &binary_kernel<Mul, f64>);
  register_kernel<OpKind::div>(kCPU, kFloat32, &binary_kernel<Div, f32>);
  register_kernel<OpKind::div>(kCPU, kFloat64, &binary_kernel<Div, f64>);
  register_kernel<OpKind::pow>(kCPU, kInt64, &binary_kernel<Pow, i64>);
  register_kernel<OpKind::pow>(kCPU, kFloat32, &binary_kernel<Pow, f32>);
  register_kernel<OpKind::pow>(kCPU, kFloat64, &binary_kernel<Pow, f64>);
  register_kernel<OpKind::remainder>(kCPU, kInt64, &binary_kernel<Remainder, i64>);
  register_kernel<OpKind::remainder>(kCPU, kFloat32, &binary_kernel<Remainder, f32>);
  register_kernel<OpKind::remainder>(kCPU, kFloat64, &binary_kernel<Remainder, f64>);
  register_kernel<OpKind::maximum>(kCPU, kBool, &binary_kernel<Maximum, bool>);
  register_kernel<OpKind::maximum>(kCPU, kInt64, &binary_kernel<Maximum, i64>);
  register_kernel<OpKind::maximum>(kCPU, kFloat32, &binary_kernel<Maximum, f32>);
  register_kernel<OpKind::maximum>(kCPU, kFloat64, &binary_kernel<Maximum, f64>);
  register_kernel<OpKind::minimum>(kCPU, kBool, &binary_kernel<Minimum, bool>);
  register_kernel<OpKind::minimum>(kCPU, kInt64, &binary_kernel<Minimum, i64>);
  register_kernel<OpKind::minimum>(kCPU, kFloat32, &binary_kernel<Minimum, f32>);
  register_kernel<OpKind::minimum>(kCPU, kFloat64, &binary_kernel<Minimum, f64>);
  register_kernel<OpKind::tanh_backward>(kCPU, kFloat32, &binary_kernel<TanhBackward, f32>);
  register_kernel<OpKind::tanh_backward>(kCPU, kFloat64, &binary_kernel<TanhBackward, f64>);
  register_kernel<OpKind::sigmoid_backward>(kCPU, kFloat32, &binary_kernel<SigmoidBackward, f32>);
  register_kernel<OpKind::sigmoid_backward>(kCPU, kFloat64, &binary_kernel<SigmoidBackward, f64>);

  // ---- comparison and logic (bool out), keyed by the operands' common dtype ----
  register_kernel<OpKind::eq>(kCPU, kBool, &compare_kernel<std::equal_to, bool>);
  register_kernel<OpKind::eq>(kCPU, kInt64, &compare_kernel<std::equal_to, i64>);
  register_kernel<OpKind::eq>(kCPU, kFloat32, &compare_kernel<std::equal_to, f32>);
  register_kernel<OpKind::eq>(kCPU, kFloat64, &compare_kernel<std::equal_to, f64>);
  register_kernel<OpKind::ne>(kCPU, kBool, &compare_kernel<std::not_equal_to, bool>);
  register_kernel<OpKind::ne>(kCPU, kInt64, &compare_kernel<std::not_equal_to, i64>);
  register_kernel<OpKind::ne>(kCPU, kFloat32, &compare_kernel<std::not_equal_to, f32>);
  register_kernel<OpKind::ne>(kCPU, kFloat64, &compare_kernel<std::not_equal_to, f64>);
  register_kernel<OpKind::lt>(kCPU, kBool, &compare_kernel<std::less, bool>);
  register_kernel<OpKind::lt>(kCPU, kInt64, &compare_kernel<std::less, i64>);
  register_kernel<OpKind::lt>(kCPU, kFloat32, &compare_kernel<std::less, f32>);
  register_kernel<OpKind::lt>(kCPU, kFloat64, &compare_kernel<std::less, f64>);
  register_kernel<OpKind::le>(kCPU, kBool, &compare_kernel<std::less_equal, bool>);
  register_kernel<OpKind::le>(kCPU, kInt64, &compare_kernel<std::less_equal, i64>);
  register_kernel<OpKind::le>(kCPU, kFloat32, &compare_kernel<std::less_equal, f32>);
  register_kernel<OpKind::le>(kCPU, kFloat64, &compare_kernel<std::less_equal, f64>);
  register_kernel<OpKind::gt>(kCPU, kBool, &compare_kernel<std::greater, bool>);
  register_kernel<OpKind::gt>(kCPU, kInt64, &compare_kernel<std::greater, i64>);
  register_kernel<OpKind::gt>(kCPU, kFloat32, &compare_kernel<std::greater, f32>);
  register_kernel<OpKind::gt>(kCPU, kFloat64, &compare_kernel<std::greater, f64>);
  register_kernel<OpKind::ge>(kCPU, kBool, &compare_kernel<std::greater_equal, bool>);
  register_kernel<OpKind::ge>(kCPU, kInt64, &compare_kernel<std::greater_equal, i64>);
  register_kernel<OpKind::ge>(kCPU, kFloat32, &compare_kernel<std::greater_equal, f32>);
  register_kernel<OpKind::ge>(kCPU, kFloat64, &compare_kernel<std::greater_equal, f64>);
  register_kernel<OpKind::logical_and>(kCPU, kBool, &compare_kernel<LogicalAnd, bool>);
  register_kernel<OpKind::logical_and>(kCPU, kInt64, &compare_kernel<LogicalAnd, i64>);
  register_kernel<OpKind::logical_and>(kCPU, kFloat32, &compare_kernel<LogicalAnd, f32>);
  register_kernel<OpKind::logical_and>(kCPU, kFloat64, &compare_kernel<LogicalAnd, f64>);
  register_kernel<OpKind::logical_or>(kCPU, kBool, &compare_kernel<LogicalOr, bool>);
  register_kernel<OpKind::logical_or>(kCPU, kInt64, &compare_kernel<LogicalOr, i64>);
  register_kernel<OpKind::logical_or>(kCPU, kFloat32, &compare_kernel<LogicalOr, f32>);
  register_kernel<OpKind::logical_or>(kCPU, kFloat64, &compare_kernel<LogicalOr, f64>);
  register_kernel<OpKind::logical_xor>(kCPU, kBool, &compare_kernel<LogicalXor, bool>);
  register_kernel<OpKind::logical_xor>(kCPU, kInt64, &compare_kernel<LogicalXor, i64>);
  register_kernel<OpKind::logical_xor>(kCPU, kFloat32, &compare_kernel<LogicalXor, f32>);
  register_kernel<OpKind::logical_xor>(kCPU, kFloat64, &compare_kernel<LogicalXor, f64>);

  // ---- selection ----
  register_kernel<OpKind::where>(kCPU, kBool, &where_kernel<bool>);
  register_kernel<OpKind::where>(kCPU, kInt64, &where_kernel<i64>);
  register_kernel<OpKind::where>(kCPU, kFloat32, &where_kernel<f32>);
  register_kernel<OpKind::where>(kCPU, kFloat64, &where_kernel<f64>);
}

CONVIS_CPU_END
