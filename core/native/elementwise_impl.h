// core/native/elementwise_impl.h: the machinery the elementwise ops share (internal to core/native).
//
//   // out = a + 2 * b, broadcast, in LibTorch's promoted dtype:
//   DType t = promote_args({a, b});
//   Tensor out = run_op({"add", OpKind::add, t, t, alpha_params(2)}, {a, b});
//   // in place, into self (self's shape, a dtype the result can be cast to):
//   run_op({"add_", OpKind::add, t, t, alpha_params(2)}, {self, b}, &self);
//   // a plain number is an operand too (it reaches the kernel as a stride-0 value):
//   run_op({"mul", OpKind::mul, t, t}, {a, Scalar(2.5)});
//
// Note [Elementwise pipeline]
// An elementwise op (1) decides its compute dtype (usually promote_args, LibTorch's
// result_type) and its result dtype (the compute dtype, or kBool for comparisons), then
// run_op (2) broadcasts the tensor operands, (3) casts each to the compute dtype (a copy
// only when the dtype differs), (4) writes each plain number once, in the compute dtype,
// to a small buffer that the kernel reads with stride 0 (no tensor, no allocation), and
// (5) runs the kernel over a StridedLoop.  Outputs of out-of-place ops are new contiguous
// tensors.  In-place ops write into self; see Note [In-place elementwise].
#pragma once

#include <initializer_list>
#include <optional>

#include "convis/core/ops.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/strided_loop.h"

namespace convis::detail {

// One operand: a tensor, or a plain number (LibTorch's "wrapped number").
struct Arg {
  const Tensor* tensor = nullptr;
  Scalar scalar;
  Arg(const Tensor& t) : tensor(&t) {}  // NOLINT: implicit by design
  Arg(const Scalar& s) : scalar(s) {}   // NOLINT
  bool is_scalar() const { return tensor == nullptr; }
};
using Args = std::initializer_list<Arg>;

// What an op runs: kernel `op` in dtype `compute`, writing dtype `result`.
struct Plan {
  const char* name;  // for error messages ("add", or "add_" in place)
  OpKind op;
  DType compute;
  DType result;
  OpParams params = {};
  bool mask_first = false;  // operand 0 is a kBool mask, not cast to `compute` (where)
};

// LibTorch's result_type over any operands: dim>0 tensors decide first; 0-dim tensors and
// then plain numbers only raise the category (bool < integer < floating).
DType promote_args(Args args);

// Runs `plan` over `args` (see Note [Elementwise pipeline]); into *self when self is given.
Tensor run_op(const Plan& plan, Args args, const Tensor* self = nullptr);

// A Scalar as the kernels take it (see ScalarParam in kernels/strided_loop.h), and the
// parameters of add / sub with this alpha.
ScalarParam scalar_param(const Scalar& s);
inline OpParams alpha_params(const Scalar& alpha) {
  OpParams p;
  p.alpha = scalar_param(alpha);
  return p;
}

// True when every element of a kBool tensor is true (false when `any` and none is true).
bool all_true(const Tensor& t);
bool any_true(const Tensor& t);

// The ops behind the free functions and the Tensor methods; `self` set means in place
// (into *self, see Note [In-place elementwise]), `name` is what errors call the op.
Tensor add_impl(const char* name, Arg a, Arg b, const Scalar& alpha, const Tensor* self);
Tensor sub_impl(const char* name, Arg a, Arg b, const Scalar& alpha, const Tensor* self);
Tensor binary_impl(const char* name, OpKind op, Arg a, Arg b, const Tensor* self);  // mul, maximum, minimum
Tensor div_impl(const char* name, Arg a, Arg b, const Tensor* self);
Tensor pow_impl(const char* name, Arg a, Arg b, const Tensor* self);
Tensor remainder_impl(const char* name, Arg a, Arg b, const Tensor* self);
Tensor clamp_impl(const char* name, const Tensor& x, const std::optional<Scalar>& lo, const std::optional<Scalar>& hi,
                  const Tensor* self);

// How an unary op picks its dtype from the input's.
enum class UnaryKind {
  keep,      // abs, neg, sign, relu, floor, ceil, round: the input's dtype
  floating,  // exp, log, ...: integral and bool inputs give the default dtype
  square,    // x * x: bool gives int64 (LibTorch computes pow(x, 2))
};
Tensor unary_impl(const char* name, OpKind op, UnaryKind kind, const Tensor& x, const Tensor* self);
Tensor masked_fill_impl(const char* name, const Tensor& x, const Tensor& mask, const Scalar& value, const Tensor* self);

}  // namespace convis::detail
