// core/native/compare.cpp: comparisons and logic (kBool results), selection (where,
// masked_fill) and whole-tensor comparisons (equal, allclose, isclose), with their Tensor
// methods and operators.  They run through the shared elementwise runner (see Note
// [Elementwise pipeline]).
#include <cmath>

#include "convis/core/factory.h"
#include "convis/core/native/elementwise.h"
#include "convis/core/native/elementwise_impl.h"
#include "convis/core/native/view.h"

namespace convis {

using detail::Arg;
using detail::promote_args;
using detail::run_op;

namespace {

// Comparisons run in the operands' promoted dtype (an int tensor == 2.5 compares as float32)
// and write kBool.  logical_and/or/xor treat any non-zero (and NaN) as true.
Tensor compare(const char* name, OpKind op, Arg a, Arg b) {
  DType t = promote_args({a, b});
  return run_op({name, op, t, kBool}, {a, b});
}

// isnan, isinf, isfinite: integral and bool tensors have no NaN and no infinity.
Tensor float_predicate(const char* name, OpKind op, const Tensor& x, bool integral_answer) {
  CONVIS_CHECK(x.defined(), name, "expected a defined tensor, got an undefined Tensor()");
  if (!x.is_floating_point()) return full(x.sizes(), integral_answer, TensorOptions(kBool).device(x.device()));
  return run_op({name, op, x.dtype(), kBool}, {x});
}

void check_condition(const char* name, const Tensor& condition) {
  CONVIS_CHECK(condition.defined(), name, "expected a defined condition, got an undefined Tensor()");
  CONVIS_CHECK(condition.dtype() == kBool, name,
               "expected condition to be a boolean tensor, got a tensor with dtype {} (where expected condition to "
               "be a boolean tensor)",
               dtype_name(condition.dtype()));
}

Tensor where_impl(const Tensor& condition, Arg a, Arg b) {
  check_condition("where", condition);
  DType t = promote_args({a, b});
  return run_op({"where", OpKind::where, t, t, {}, /*mask_first=*/true}, {condition, a, b});
}

}  // namespace

Tensor eq(const Tensor& a, const Tensor& b) { return compare("eq", OpKind::eq, a, b); }
Tensor eq(const Tensor& a, const Scalar& b) { return compare("eq", OpKind::eq, a, b); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare("ne", OpKind::ne, a, b); }
Tensor ne(const Tensor& a, const Scalar& b) { return compare("ne", OpKind::ne, a, b); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare("lt", OpKind::lt, a, b); }
Tensor lt(const Tensor& a, const Scalar& b) { return compare("lt", OpKind::lt, a, b); }
Tensor le(const Tensor& a, const Tensor& b) { return compare("le", OpKind::le, a, b); }
Tensor le(const Tensor& a, const Scalar& b) { return compare("le", OpKind::le, a, b); }
Tensor gt(const Tensor& a, const Tensor& b) { return compare("gt", OpKind::gt, a, b); }
Tensor gt(const Tensor& a, const Scalar& b) { return compare("gt", OpKind::gt, a, b); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare("ge", OpKind::ge, a, b); }
Tensor ge(const Tensor& a, const Scalar& b) { return compare("ge", OpKind::ge, a, b); }
Tensor logical_and(const Tensor& a, const Tensor& b) { return compare("logical_and", OpKind::logical_and, a, b); }
Tensor logical_or(const Tensor& a, const Tensor& b) { return compare("logical_or", OpKind::logical_or, a, b); }
Tensor logical_xor(const Tensor& a, const Tensor& b) { return compare("logical_xor", OpKind::logical_xor, a, b); }
Tensor logical_not(const Tensor& x) {
  CONVIS_CHECK(x.defined(), "logical_not", "expected a defined tensor, got an undefined Tensor()");
  return run_op({"logical_not", OpKind::logical_not, x.dtype(), kBool}, {x});
}
Tensor isnan(const Tensor& x) { return float_predicate("isnan", OpKind::isnan, x, false); }
Tensor isinf(const Tensor& x) { return float_predicate("isinf", OpKind::isinf, x, false); }
Tensor isfinite(const Tensor& x) { return float_predicate("isfinite", OpKind::isfinite, x, true); }

Tensor native::where(const Tensor& condition, const Tensor& a, const Tensor& b) { return where_impl(condition, a, b); }
Tensor native::where(const Tensor& condition, const Tensor& a, const Scalar& b) { return where_impl(condition, a, b); }
Tensor native::where(const Tensor& condition, const Scalar& a, const Tensor& b) { return where_impl(condition, a, b); }
Tensor native::where(const Tensor& condition, const Scalar& a, const Scalar& b) { return where_impl(condition, a, b); }

// masked_fill = where(mask, value, x) in x's dtype; the value is cast to it (2.7 -> 2 for
// an int64 x), and must fit (LibTorch: "value cannot be converted ... without overflow").
Tensor detail::masked_fill_impl(const char* name, const Tensor& x, const Tensor& mask, const Scalar& value,
                                const Tensor* self) {
  CONVIS_CHECK(x.defined() && mask.defined(), name, "expected defined tensors, got an undefined Tensor()");
  CONVIS_CHECK(mask.dtype() == kBool, name,
               "expected a mask of dtype bool, got {} (masked_fill only supports boolean masks)",
               dtype_name(mask.dtype()));
  if (x.dtype() == kInt64 && value.is_floating_point()) {
    double v = value.toDouble();
    CONVIS_CHECK(std::isfinite(v) && v >= -9.2233720368547758e18 && v < 9.2233720368547758e18, name,
                 "expected a value that fits int64, got {} (value cannot be converted to type int64_t without "
                 "overflow)",
                 v);
  }
  return run_op({name, OpKind::where, x.dtype(), x.dtype(), {}, /*mask_first=*/true}, {mask, value, x}, self);
}

namespace {
Scalar masked_fill_value(const char* name, const Tensor& value) {
  CONVIS_CHECK(value.defined() && value.dim() == 0, name,
               "expected a 0-dim value tensor, got one with {} dimension(s) (masked_fill_ only supports a "
               "0-dimensional value tensor)",
               value.defined() ? value.dim() : -1);
  return value.item();
}
}  // namespace

Tensor native::masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value) {
  return detail::masked_fill_impl("masked_fill", x, mask, value, nullptr);
}
Tensor native::masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value) {
  return detail::masked_fill_impl("masked_fill", x, mask, masked_fill_value("masked_fill", value), nullptr);
}

// ---- whole-tensor comparisons ----

bool equal(const Tensor& a, const Tensor& b) {
  CONVIS_CHECK(a.defined() && b.defined(), "equal", "expected defined tensors, got an undefined Tensor()");
  CONVIS_CHECK(a.device() == b.device(), "equal", "expected tensors on one device, got {} and {}", a.device().str(),
               b.device().str());
  return a.sizes() == b.sizes() && detail::all_true(eq(a, b));
}

// LibTorch's isclose: |a - b| <= atol + rtol * |b|, or a == b (equal infinities), or both
// NaN when equal_nan.  Bool tensors are compared as the default floating dtype.
Tensor isclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  CONVIS_CHECK(a.defined() && b.defined(), "isclose", "expected defined tensors, got an undefined Tensor()");
  CONVIS_CHECK(a.dtype() == b.dtype(), "isclose", "expected tensors of one dtype, got {} and {}", dtype_name(a.dtype()),
               dtype_name(b.dtype()));
  CONVIS_CHECK(rtol >= 0, "isclose", "expected rtol >= 0, got {}", rtol);
  CONVIS_CHECK(atol >= 0, "isclose", "expected atol >= 0, got {}", atol);
  Tensor close = eq(a, b);
  if (equal_nan && a.is_floating_point()) close = logical_or(close, logical_and(isnan(a), isnan(b)));
  if (rtol == 0 && atol == 0) return close;
  Tensor fa = a.dtype() == kBool ? native::to(a, get_default_dtype()) : a;
  Tensor fb = b.dtype() == kBool ? native::to(b, get_default_dtype()) : b;
  Tensor allowed = native::add(native::abs(native::mul(fb, rtol)), atol, 1);
  Tensor actual = native::abs(native::sub(fa, fb, 1));
  return logical_or(close, logical_and(isfinite(actual), le(actual, allowed)));
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  return detail::all_true(isclose(a, b, rtol, atol, equal_nan));
}

// ---- the Tensor methods and operators of comparison and logic (core/tensor.h) ----
Tensor Tensor::eq(const Tensor& o) const { return convis::eq(*this, o); }
Tensor Tensor::eq(const Scalar& o) const { return convis::eq(*this, o); }
Tensor Tensor::ne(const Tensor& o) const { return convis::ne(*this, o); }
Tensor Tensor::ne(const Scalar& o) const { return convis::ne(*this, o); }
Tensor Tensor::lt(const Tensor& o) const { return convis::lt(*this, o); }
Tensor Tensor::lt(const Scalar& o) const { return convis::lt(*this, o); }
Tensor Tensor::le(const Tensor& o) const { return convis::le(*this, o); }
Tensor Tensor::le(const Scalar& o) const { return convis::le(*this, o); }
Tensor Tensor::gt(const Tensor& o) const { return convis::gt(*this, o); }
Tensor Tensor::gt(const Scalar& o) const { return convis::gt(*this, o); }
Tensor Tensor::ge(const Tensor& o) const { return convis::ge(*this, o); }
Tensor Tensor::ge(const Scalar& o) const { return convis::ge(*this, o); }
Tensor Tensor::logical_and(const Tensor& o) const { return convis::logical_and(*this, o); }
Tensor Tensor::logical_or(const Tensor& o) const { return convis::logical_or(*this, o); }
Tensor Tensor::logical_xor(const Tensor& o) const { return convis::logical_xor(*this, o); }
Tensor Tensor::logical_not() const { return convis::logical_not(*this); }
Tensor Tensor::isnan() const { return convis::isnan(*this); }
Tensor Tensor::isinf() const { return convis::isinf(*this); }
Tensor Tensor::isfinite() const { return convis::isfinite(*this); }

bool Tensor::allclose(const Tensor& o, double rtol, double atol, bool equal_nan) const {
  return convis::allclose(*this, o, rtol, atol, equal_nan);
}
bool Tensor::equal(const Tensor& o) const { return convis::equal(*this, o); }
Tensor Tensor::isclose(const Tensor& o, double rtol, double atol, bool equal_nan) const {
  return convis::isclose(*this, o, rtol, atol, equal_nan);
}

// ---- operators ----
Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }
Tensor operator==(const Tensor& a, const Scalar& b) { return eq(a, b); }
Tensor operator!=(const Tensor& a, const Tensor& b) { return ne(a, b); }
Tensor operator!=(const Tensor& a, const Scalar& b) { return ne(a, b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator<(const Tensor& a, const Scalar& b) { return lt(a, b); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator<=(const Tensor& a, const Scalar& b) { return le(a, b); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator>(const Tensor& a, const Scalar& b) { return gt(a, b); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator>=(const Tensor& a, const Scalar& b) { return ge(a, b); }

// ~ on bool is logical_not; on int64 it is bitwise not, -x - 1 in two's complement (as
// LibTorch's bitwise_not).  & and | are the logical ops on bool tensors.
Tensor operator~(const Tensor& a) {
  CONVIS_CHECK(a.dtype() == kBool || a.dtype() == kInt64, "bitwise_not", "expected a bool or int64 tensor, got {}",
               dtype_name(a.dtype()));
  return a.dtype() == kBool ? logical_not(a) : native::sub(native::neg(a), 1, 1);
}
Tensor operator&(const Tensor& a, const Tensor& b) {
  CONVIS_CHECK(a.dtype() == kBool && b.dtype() == kBool, "bitwise_and", "expected bool tensors, got {} and {}",
               dtype_name(a.dtype()), dtype_name(b.dtype()));
  return logical_and(a, b);
}
Tensor operator|(const Tensor& a, const Tensor& b) {
  CONVIS_CHECK(a.dtype() == kBool && b.dtype() == kBool, "bitwise_or", "expected bool tensors, got {} and {}",
               dtype_name(a.dtype()), dtype_name(b.dtype()));
  return logical_or(a, b);
}

}  // namespace convis
