// kernels/elementwise_list.h: the one list of elementwise ops each backend registers -- which
// functor (kernels/elementwise_functors.h) and which dtypes -- expanded by the CPU backend
// (kernels/cpu/elementwise.cpp) and the CUDA one (kernels/cuda/backend_kernels.h) with their
// own loops.  The dtypes an op has are what LibTorch supports; core turns a missing one into
// an Error naming those it has.  C++17: nvcc includes it.
//
//   template <template <class> class Op, typename T>
//   struct MyKernels {   // a backend's loops over Op<T>, each an ElementwiseKernel
//     static void unary(const StridedLoop&);      // T -> T
//     static void predicate(const StridedLoop&);  // T -> bool
//     static void binary(const StridedLoop&);     // T, T -> T
//     static void compare(const StridedLoop&);    // T, T -> bool
//     static void select(const StridedLoop&);     // bool, T, T -> T
//   };
//   register_elementwise_ops<Registrar<kCPU, MyKernels>>();
#pragma once

#include <cstdint>

#include "convis/kernels/elementwise_functors.h"

namespace convis {

// Registers Kernels<Op, T>::form on `device` for each dtype T.
template <DeviceType device, template <template <class> class, typename> class Kernels>
struct Registrar {
  template <OpKind op, template <class> class Op, typename... Ts>
  static void unary() {
    (register_kernel<op>(device, dtype_of_v<Ts>, &Kernels<Op, Ts>::unary), ...);
  }
  template <OpKind op, template <class> class Op, typename... Ts>
  static void predicate() {
    (register_kernel<op>(device, dtype_of_v<Ts>, &Kernels<Op, Ts>::predicate), ...);
  }
  template <OpKind op, template <class> class Op, typename... Ts>
  static void binary() {
    (register_kernel<op>(device, dtype_of_v<Ts>, &Kernels<Op, Ts>::binary), ...);
  }
  template <OpKind op, template <class> class Op, typename... Ts>
  static void compare() {
    (register_kernel<op>(device, dtype_of_v<Ts>, &Kernels<Op, Ts>::compare), ...);
  }
  template <OpKind op, template <class> class Op, typename... Ts>
  static void select() {
    (register_kernel<op>(device, dtype_of_v<Ts>, &Kernels<Op, Ts>::select), ...);
  }
};

template <typename B>
void register_elementwise_ops() {
  using namespace functors;
  using i64 = std::int64_t;
  using f32 = float;
  using f64 = double;
  // ---- unary, dtype-preserving ----
  B::template unary<OpKind::abs, Abs, i64, f32, f64>();
  B::template unary<OpKind::neg, Neg, i64, f32, f64>();
  B::template unary<OpKind::sign, Sign, bool, i64, f32, f64>();
  B::template unary<OpKind::square, Square, i64, f32, f64>();
  B::template unary<OpKind::relu, Relu, i64, f32, f64>();
  B::template unary<OpKind::floor, Floor, i64, f32, f64>();
  B::template unary<OpKind::ceil, Ceil, i64, f32, f64>();
  B::template unary<OpKind::round, Round, i64, f32, f64>();
  B::template unary<OpKind::clamp, Clamp, i64, f32, f64>();
  // ---- unary, floating only (integer inputs are cast to the default dtype first) ----
  B::template unary<OpKind::exp, Exp, f32, f64>();
  B::template unary<OpKind::log, Log, f32, f64>();
  B::template unary<OpKind::log1p, Log1p, f32, f64>();
  B::template unary<OpKind::expm1, Expm1, f32, f64>();
  B::template unary<OpKind::sqrt, Sqrt, f32, f64>();
  B::template unary<OpKind::rsqrt, Rsqrt, f32, f64>();
  B::template unary<OpKind::reciprocal, Reciprocal, f32, f64>();
  B::template unary<OpKind::sin, Sin, f32, f64>();
  B::template unary<OpKind::cos, Cos, f32, f64>();
  B::template unary<OpKind::tanh, Tanh, f32, f64>();
  B::template unary<OpKind::sigmoid, Sigmoid, f32, f64>();
  // ---- predicates (bool out) ----
  B::template predicate<OpKind::logical_not, LogicalNot, bool, i64, f32, f64>();
  B::template predicate<OpKind::isnan, IsNan, f32, f64>();
  B::template predicate<OpKind::isinf, IsInf, f32, f64>();
  B::template predicate<OpKind::isfinite, IsFinite, f32, f64>();
  // ---- binary arithmetic ----
  B::template binary<OpKind::add, Add, bool, i64, f32, f64>();
  B::template binary<OpKind::sub, Sub, i64, f32, f64>();
  B::template binary<OpKind::mul, Mul, bool, i64, f32, f64>();
  B::template binary<OpKind::div, Div, f32, f64>();
  B::template binary<OpKind::pow, Pow, i64, f32, f64>();
  B::template binary<OpKind::remainder, Remainder, i64, f32, f64>();
  B::template binary<OpKind::maximum, Maximum, bool, i64, f32, f64>();
  B::template binary<OpKind::minimum, Minimum, bool, i64, f32, f64>();
  B::template binary<OpKind::tanh_backward, TanhBackward, f32, f64>();
  B::template binary<OpKind::sigmoid_backward, SigmoidBackward, f32, f64>();
  // ---- comparison and logic (bool out), keyed by the operands' common dtype ----
  B::template compare<OpKind::eq, Eq, bool, i64, f32, f64>();
  B::template compare<OpKind::ne, Ne, bool, i64, f32, f64>();
  B::template compare<OpKind::lt, Lt, bool, i64, f32, f64>();
  B::template compare<OpKind::le, Le, bool, i64, f32, f64>();
  B::template compare<OpKind::gt, Gt, bool, i64, f32, f64>();
  B::template compare<OpKind::ge, Ge, bool, i64, f32, f64>();
  B::template compare<OpKind::logical_and, LogicalAnd, bool, i64, f32, f64>();
  B::template compare<OpKind::logical_or, LogicalOr, bool, i64, f32, f64>();
  B::template compare<OpKind::logical_xor, LogicalXor, bool, i64, f32, f64>();
  // ---- selection ----
  B::template select<OpKind::where, Where, bool, i64, f32, f64>();
}

}  // namespace convis
