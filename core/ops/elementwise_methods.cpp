// core/ops/elementwise_methods.cpp: the Tensor methods and operators of the elementwise
// family (core/ops/elementwise.cpp, core/ops/compare.cpp).  Each method forwards to the op,
// and the operators too.  The in-place forms are here as native::add_(self, ...), which pass
// `&self` as the output (see Note [In-place elementwise]); the methods Tensor::add_ etc.,
// which also record for autograd, are in autograd/ops/elementwise*.cpp.
#include "convis/core/native/elementwise.h"
#include "convis/core/ops/elementwise_impl.h"

namespace convis {

using detail::UnaryKind;

// ---- arithmetic ----
Tensor Tensor::add(const Tensor& o, const Scalar& alpha) const { return convis::add(*this, o, alpha); }
Tensor Tensor::add(const Scalar& o, const Scalar& alpha) const { return convis::add(*this, o, alpha); }
Tensor Tensor::sub(const Tensor& o, const Scalar& alpha) const { return convis::sub(*this, o, alpha); }
Tensor Tensor::sub(const Scalar& o, const Scalar& alpha) const { return convis::sub(*this, o, alpha); }
Tensor Tensor::mul(const Tensor& o) const { return convis::mul(*this, o); }
Tensor Tensor::mul(const Scalar& o) const { return convis::mul(*this, o); }
Tensor Tensor::div(const Tensor& o) const { return convis::div(*this, o); }
Tensor Tensor::div(const Scalar& o) const { return convis::div(*this, o); }
Tensor Tensor::pow(const Tensor& e) const { return convis::pow(*this, e); }
Tensor Tensor::pow(const Scalar& e) const { return convis::pow(*this, e); }
Tensor Tensor::remainder(const Tensor& o) const { return convis::remainder(*this, o); }
Tensor Tensor::remainder(const Scalar& o) const { return convis::remainder(*this, o); }
Tensor Tensor::maximum(const Tensor& o) const { return convis::maximum(*this, o); }
Tensor Tensor::minimum(const Tensor& o) const { return convis::minimum(*this, o); }
Tensor Tensor::max(const Tensor& o) const { return convis::max(*this, o); }
Tensor Tensor::min(const Tensor& o) const { return convis::min(*this, o); }
Tensor Tensor::clamp(const std::optional<Scalar>& min, const std::optional<Scalar>& max) const {
  return convis::clamp(*this, min, max);
}
Tensor Tensor::clamp_min(const Scalar& min) const { return convis::clamp_min(*this, min); }
Tensor Tensor::clamp_max(const Scalar& max) const { return convis::clamp_max(*this, max); }
Tensor Tensor::abs() const { return convis::abs(*this); }
Tensor Tensor::neg() const { return convis::neg(*this); }
Tensor Tensor::sign() const { return convis::sign(*this); }
Tensor Tensor::exp() const { return convis::exp(*this); }
Tensor Tensor::log() const { return convis::log(*this); }
Tensor Tensor::log1p() const { return convis::log1p(*this); }
Tensor Tensor::expm1() const { return convis::expm1(*this); }
Tensor Tensor::sqrt() const { return convis::sqrt(*this); }
Tensor Tensor::rsqrt() const { return convis::rsqrt(*this); }
Tensor Tensor::reciprocal() const { return convis::reciprocal(*this); }
Tensor Tensor::square() const { return convis::square(*this); }
Tensor Tensor::sin() const { return convis::sin(*this); }
Tensor Tensor::cos() const { return convis::cos(*this); }
Tensor Tensor::tanh() const { return convis::tanh(*this); }
Tensor Tensor::sigmoid() const { return convis::sigmoid(*this); }
Tensor Tensor::relu() const { return convis::relu(*this); }
Tensor Tensor::floor() const { return convis::floor(*this); }
Tensor Tensor::ceil() const { return convis::ceil(*this); }
Tensor Tensor::round() const { return convis::round(*this); }

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
Tensor Tensor::where(const Tensor& condition, const Tensor& other) const {
  return convis::where(condition, *this, other);
}
Tensor Tensor::masked_fill(const Tensor& mask, const Scalar& value) const {
  return convis::masked_fill(*this, mask, value);
}
Tensor Tensor::masked_fill(const Tensor& mask, const Tensor& value) const {
  return convis::masked_fill(*this, mask, value);
}
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
Tensor operator-(const Tensor& a) { return neg(a); }
Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator+(const Tensor& a, const Scalar& b) { return add(a, b); }
Tensor operator+(const Scalar& a, const Tensor& b) { return add(b, a); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator-(const Tensor& a, const Scalar& b) { return sub(a, b); }
Tensor operator-(const Scalar& a, const Tensor& b) { return rsub(b, a); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator*(const Tensor& a, const Scalar& b) { return mul(a, b); }
Tensor operator*(const Scalar& a, const Tensor& b) { return mul(b, a); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator/(const Tensor& a, const Scalar& b) { return div(a, b); }
Tensor operator/(const Scalar& a, const Tensor& b) { return div(a, b); }
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
  return a.dtype() == kBool ? logical_not(a) : sub(neg(a), 1);
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
