// core/native/elementwise_methods.cpp: the Tensor methods and operators of the elementwise
// family (core/native/elementwise.cpp, core/native/compare.cpp).  Each method forwards to the op,
// and the operators too.  The in-place forms are here as native::add_(self, ...), which pass
// `&self` as the output (see Note [In-place elementwise]); the methods Tensor::add_ etc.,
// which also record for autograd, are in autograd/ops/elementwise*.cpp.
#include "convis/core/native/elementwise.h"
#include "convis/core/native/elementwise_impl.h"

namespace convis {

using detail::UnaryKind;

// ---- arithmetic ----

Tensor& native::add_(Tensor& self, const Tensor& o, const Scalar& alpha) {
  detail::add_impl("add_", self, o, alpha, &self);
  return self;
}
Tensor& native::add_(Tensor& self, const Scalar& o, const Scalar& alpha) {
  detail::add_impl("add_", self, o, alpha, &self);
  return self;
}
Tensor& native::sub_(Tensor& self, const Tensor& o, const Scalar& alpha) {
  detail::sub_impl("sub_", self, o, alpha, &self);
  return self;
}
Tensor& native::sub_(Tensor& self, const Scalar& o, const Scalar& alpha) {
  detail::sub_impl("sub_", self, o, alpha, &self);
  return self;
}
Tensor& native::mul_(Tensor& self, const Tensor& o) {
  detail::binary_impl("mul_", OpKind::mul, self, o, &self);
  return self;
}
Tensor& native::mul_(Tensor& self, const Scalar& o) {
  detail::binary_impl("mul_", OpKind::mul, self, o, &self);
  return self;
}
Tensor& native::div_(Tensor& self, const Tensor& o) {
  detail::div_impl("div_", self, o, &self);
  return self;
}
Tensor& native::div_(Tensor& self, const Scalar& o) {
  detail::div_impl("div_", self, o, &self);
  return self;
}
Tensor& native::pow_(Tensor& self, const Tensor& e) {
  detail::pow_impl("pow_", self, e, &self);
  return self;
}
Tensor& native::pow_(Tensor& self, const Scalar& e) {
  detail::pow_impl("pow_", self, e, &self);
  return self;
}
Tensor& native::remainder_(Tensor& self, const Tensor& o) {
  detail::remainder_impl("remainder_", self, o, &self);
  return self;
}
Tensor& native::remainder_(Tensor& self, const Scalar& o) {
  detail::remainder_impl("remainder_", self, o, &self);
  return self;
}
Tensor& native::clamp_(Tensor& self, const std::optional<Scalar>& min, const std::optional<Scalar>& max) {
  detail::clamp_impl("clamp_", self, min, max, &self);
  return self;
}
Tensor& native::clamp_min_(Tensor& self, const Scalar& min) {
  detail::clamp_impl("clamp_min_", self, min, {}, &self);
  return self;
}
Tensor& native::clamp_max_(Tensor& self, const Scalar& max) {
  detail::clamp_impl("clamp_max_", self, {}, max, &self);
  return self;
}
Tensor& native::abs_(Tensor& self) {
  detail::unary_impl("abs_", OpKind::abs, UnaryKind::keep, self, &self);
  return self;
}
Tensor& native::neg_(Tensor& self) {
  detail::unary_impl("neg_", OpKind::neg, UnaryKind::keep, self, &self);
  return self;
}
Tensor& native::sign_(Tensor& self) {
  detail::unary_impl("sign_", OpKind::sign, UnaryKind::keep, self, &self);
  return self;
}
Tensor& native::exp_(Tensor& self) {
  detail::unary_impl("exp_", OpKind::exp, UnaryKind::floating, self, &self);
  return self;
}
Tensor& native::log_(Tensor& self) {
  detail::unary_impl("log_", OpKind::log, UnaryKind::floating, self, &self);
  return self;
}
Tensor& native::log1p_(Tensor& self) {
  detail::unary_impl("log1p_", OpKind::log1p, UnaryKind::floating, self, &self);
  return self;
}
Tensor& native::expm1_(Tensor& self) {
  detail::unary_impl("expm1_", OpKind::expm1, UnaryKind::floating, self, &self);
  return self;
}
Tensor& native::sqrt_(Tensor& self) {
  detail::unary_impl("sqrt_", OpKind::sqrt, UnaryKind::floating, self, &self);
  return self;
}
Tensor& native::rsqrt_(Tensor& self) {
  detail::unary_impl("rsqrt_", OpKind::rsqrt, UnaryKind::floating, self, &self);
  return self;
}
Tensor& native::reciprocal_(Tensor& self) {
  detail::unary_impl("reciprocal_", OpKind::reciprocal, UnaryKind::floating, self, &self);
  return self;
}
Tensor& native::square_(Tensor& self) {
  detail::unary_impl("square_", OpKind::square, UnaryKind::square, self, &self);
  return self;
}
Tensor& native::sin_(Tensor& self) {
  detail::unary_impl("sin_", OpKind::sin, UnaryKind::floating, self, &self);
  return self;
}
Tensor& native::cos_(Tensor& self) {
  detail::unary_impl("cos_", OpKind::cos, UnaryKind::floating, self, &self);
  return self;
}
Tensor& native::tanh_(Tensor& self) {
  detail::unary_impl("tanh_", OpKind::tanh, UnaryKind::floating, self, &self);
  return self;
}
Tensor& native::sigmoid_(Tensor& self) {
  detail::unary_impl("sigmoid_", OpKind::sigmoid, UnaryKind::floating, self, &self);
  return self;
}
Tensor& native::relu_(Tensor& self) {
  detail::unary_impl("relu_", OpKind::relu, UnaryKind::keep, self, &self);
  return self;
}
Tensor& native::floor_(Tensor& self) {
  detail::unary_impl("floor_", OpKind::floor, UnaryKind::keep, self, &self);
  return self;
}
Tensor& native::ceil_(Tensor& self) {
  detail::unary_impl("ceil_", OpKind::ceil, UnaryKind::keep, self, &self);
  return self;
}
Tensor& native::round_(Tensor& self) {
  detail::unary_impl("round_", OpKind::round, UnaryKind::keep, self, &self);
  return self;
}

// ---- comparison, logic, selection ----
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
Tensor& native::masked_fill_(Tensor& self, const Tensor& mask, const Scalar& value) {
  detail::masked_fill_impl("masked_fill_", self, mask, value, &self);
  return self;
}
Tensor& native::masked_fill_(Tensor& self, const Tensor& mask, const Tensor& value) {
  CONVIS_CHECK(value.defined() && value.dim() == 0, "masked_fill_",
               "expected a 0-dim value tensor, got one with {} dimension(s) (masked_fill_ only supports a "
               "0-dimensional value tensor)",
               value.defined() ? value.dim() : -1);
  return native::masked_fill_(self, mask, value.item());
}

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
