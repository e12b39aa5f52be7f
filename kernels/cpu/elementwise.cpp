// kernels/cpu/elementwise.cpp: elementwise CPU kernels: the functors of
// kernels/elementwise_functors.h (shared with the CUDA kernels) over cpu::unary_loop /
// binary_loop / ternary_loop (kernels/cpu/loops.h), for the ops and dtypes of
// kernels/elementwise_list.h.  The CPU adds two things to the shared functors: Vec forms of
// add, sub, mul and div (Note [The Vec seam]), and float32 exp, tanh and sigmoid from
// kernels/cpu/fast_math.h (Note [Fast float math]: branch-free, so the contiguous loops
// vectorise; float64 keeps libm).
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
#include "convis/kernels/elementwise_functors.h"
#include "convis/kernels/elementwise_list.h"

CONVIS_CPU_BEGIN

namespace {

// The CPU's form of a shared functor: the functor itself, or one with a Vec form or fast math.
template <template <class> class Op, typename T>
struct Cpu {
  using type = Op<T>;
};

// Note [The Vec seam]: a functor with a Vec overload runs the contiguous loops a vector at a time.
template <typename T>
struct AddVec : functors::Add<T> {
  using functors::Add<T>::Add;
  using functors::Add<T>::operator();
  template <typename U = T, std::enable_if_t<std::is_floating_point_v<U>, int> = 0>
  Vec<U> operator()(const Vec<U>& a, const Vec<U>& b) const {
    return a + Vec<U>(this->alpha) * b;
  }
};
template <typename T>
struct SubVec : functors::Sub<T> {
  using functors::Sub<T>::Sub;
  using functors::Sub<T>::operator();
  template <typename U = T, std::enable_if_t<std::is_floating_point_v<U>, int> = 0>
  Vec<U> operator()(const Vec<U>& a, const Vec<U>& b) const {
    return a - Vec<U>(this->alpha) * b;
  }
};
template <typename T>
struct MulVec : functors::Mul<T> {
  using functors::Mul<T>::operator();
  template <typename U = T, std::enable_if_t<std::is_floating_point_v<U>, int> = 0>
  Vec<U> operator()(const Vec<U>& a, const Vec<U>& b) const {
    return a * b;
  }
};
template <typename T>
struct DivVec : functors::Div<T> {
  using functors::Div<T>::operator();
  Vec<T> operator()(const Vec<T>& a, const Vec<T>& b) const { return a / b; }
};
template <typename T> struct Cpu<functors::Add, T> { using type = AddVec<T>; };
template <typename T> struct Cpu<functors::Sub, T> { using type = SubVec<T>; };
template <typename T> struct Cpu<functors::Mul, T> { using type = MulVec<T>; };
template <typename T> struct Cpu<functors::Div, T> { using type = DivVec<T>; };

struct ExpF32 {
  float operator()(float x) const { return exp_f32(x); }
};
struct TanhF32 {
  float operator()(float x) const { return tanh_f32(x); }
};
struct SigmoidF32 {
  float operator()(float x) const { return sigmoid_f32(x); }
};
template <> struct Cpu<functors::Exp, float> { using type = ExpF32; };
template <> struct Cpu<functors::Tanh, float> { using type = TanhF32; };
template <> struct Cpu<functors::Sigmoid, float> { using type = SigmoidF32; };

template <template <class> class Op, typename T>
typename Cpu<Op, T>::type make_op(const OpParams& p) {
  using F = typename Cpu<Op, T>::type;
  if constexpr (std::is_constructible_v<F, const OpParams&>) return F(p);
  else return F{};
}

// ---- the kernels: loops over the functors ----

// The CPU's loops over the functors (kernels/elementwise_list.h registers them).
template <template <class> class Op, typename T>
struct CpuKernels {
  static void unary(const StridedLoop& L) { unary_loop<T, T>(L, make_op<Op, T>(L.params)); }
  static void predicate(const StridedLoop& L) { unary_loop<bool, T>(L, make_op<Op, T>(L.params)); }
  static void binary(const StridedLoop& L) { binary_loop<T, T, T>(L, make_op<Op, T>(L.params)); }
  static void compare(const StridedLoop& L) { binary_loop<bool, T, T>(L, make_op<Op, T>(L.params)); }
  static void select(const StridedLoop& L) { ternary_loop<T, bool, T, T>(L, make_op<Op, T>(L.params)); }
};

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

using i64 = int64_t;

}  // namespace

void register_elementwise_kernels() {
  register_kernel<OpKind::copy>(kCPU, kBool, &copy_kernel<bool>);
  register_kernel<OpKind::copy>(kCPU, kInt64, &copy_kernel<i64>);
  register_kernel<OpKind::copy>(kCPU, kFloat32, &copy_kernel<float>);
  register_kernel<OpKind::copy>(kCPU, kFloat64, &copy_kernel<double>);
  register_kernel<OpKind::fill>(kCPU, kBool, &fill_kernel<bool>);
  register_kernel<OpKind::fill>(kCPU, kInt64, &fill_kernel<i64>);
  register_kernel<OpKind::fill>(kCPU, kFloat32, &fill_kernel<float>);
  register_kernel<OpKind::fill>(kCPU, kFloat64, &fill_kernel<double>);
  register_elementwise_ops<Registrar<kCPU, CpuKernels>>();
}

CONVIS_CPU_END
