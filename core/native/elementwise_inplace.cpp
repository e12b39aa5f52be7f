// core/native/elementwise_inplace.cpp: the in-place forms of the elementwise ops, compute-only:
// native::add_(self, ...) runs the op with `&self` as the output (see Note [In-place
// elementwise]).  The methods Tensor::add_ etc., which also record for autograd, are in
// autograd/ops/elementwise*.cpp.
#include "convis/core/native/elementwise.h"
#include "convis/core/native/elementwise_impl.h"

namespace convis {

using detail::UnaryKind;

// ---- arithmetic ----

const Tensor& native::add_(const Tensor& self, const Tensor& o, const Scalar& alpha) {
  detail::add_impl("add_", self, o, alpha, &self);
  return self;
}
const Tensor& native::add_(const Tensor& self, const Scalar& o, const Scalar& alpha) {
  detail::add_impl("add_", self, o, alpha, &self);
  return self;
}
const Tensor& native::sub_(const Tensor& self, const Tensor& o, const Scalar& alpha) {
  detail::sub_impl("sub_", self, o, alpha, &self);
  return self;
}
const Tensor& native::sub_(const Tensor& self, const Scalar& o, const Scalar& alpha) {
  detail::sub_impl("sub_", self, o, alpha, &self);
  return self;
}
const Tensor& native::mul_(const Tensor& self, const Tensor& o) {
  detail::binary_impl("mul_", OpKind::mul, self, o, &self);
  return self;
}
const Tensor& native::mul_(const Tensor& self, const Scalar& o) {
  detail::binary_impl("mul_", OpKind::mul, self, o, &self);
  return self;
}
const Tensor& native::div_(const Tensor& self, const Tensor& o) {
  detail::div_impl("div_", self, o, &self);
  return self;
}
const Tensor& native::div_(const Tensor& self, const Scalar& o) {
  detail::div_impl("div_", self, o, &self);
  return self;
}
const Tensor& native::pow_(const Tensor& self, const Tensor& e) {
  detail::pow_impl("pow_", self, e, &self);
  return self;
}
const Tensor& native::pow_(const Tensor& self, const Scalar& e) {
  detail::pow_impl("pow_", self, e, &self);
  return self;
}
const Tensor& native::remainder_(const Tensor& self, const Tensor& o) {
  detail::remainder_impl("remainder_", self, o, &self);
  return self;
}
const Tensor& native::remainder_(const Tensor& self, const Scalar& o) {
  detail::remainder_impl("remainder_", self, o, &self);
  return self;
}
const Tensor& native::clamp_(const Tensor& self, const std::optional<Scalar>& min, const std::optional<Scalar>& max) {
  detail::clamp_impl("clamp_", self, min, max, &self);
  return self;
}
const Tensor& native::clamp_min_(const Tensor& self, const Scalar& min) {
  detail::clamp_impl("clamp_min_", self, min, {}, &self);
  return self;
}
const Tensor& native::clamp_max_(const Tensor& self, const Scalar& max) {
  detail::clamp_impl("clamp_max_", self, {}, max, &self);
  return self;
}
const Tensor& native::abs_(const Tensor& self) {
  detail::unary_impl("abs_", OpKind::abs, UnaryKind::keep, self, &self);
  return self;
}
const Tensor& native::neg_(const Tensor& self) {
  detail::unary_impl("neg_", OpKind::neg, UnaryKind::keep, self, &self);
  return self;
}
const Tensor& native::sign_(const Tensor& self) {
  detail::unary_impl("sign_", OpKind::sign, UnaryKind::keep, self, &self);
  return self;
}
const Tensor& native::exp_(const Tensor& self) {
  detail::unary_impl("exp_", OpKind::exp, UnaryKind::floating, self, &self);
  return self;
}
const Tensor& native::log_(const Tensor& self) {
  detail::unary_impl("log_", OpKind::log, UnaryKind::floating, self, &self);
  return self;
}
const Tensor& native::log1p_(const Tensor& self) {
  detail::unary_impl("log1p_", OpKind::log1p, UnaryKind::floating, self, &self);
  return self;
}
const Tensor& native::expm1_(const Tensor& self) {
  detail::unary_impl("expm1_", OpKind::expm1, UnaryKind::floating, self, &self);
  return self;
}
const Tensor& native::sqrt_(const Tensor& self) {
  detail::unary_impl("sqrt_", OpKind::sqrt, UnaryKind::floating, self, &self);
  return self;
}
const Tensor& native::rsqrt_(const Tensor& self) {
  detail::unary_impl("rsqrt_", OpKind::rsqrt, UnaryKind::floating, self, &self);
  return self;
}
const Tensor& native::reciprocal_(const Tensor& self) {
  detail::unary_impl("reciprocal_", OpKind::reciprocal, UnaryKind::floating, self, &self);
  return self;
}
const Tensor& native::square_(const Tensor& self) {
  detail::unary_impl("square_", OpKind::square, UnaryKind::square, self, &self);
  return self;
}
const Tensor& native::sin_(const Tensor& self) {
  detail::unary_impl("sin_", OpKind::sin, UnaryKind::floating, self, &self);
  return self;
}
const Tensor& native::cos_(const Tensor& self) {
  detail::unary_impl("cos_", OpKind::cos, UnaryKind::floating, self, &self);
  return self;
}
const Tensor& native::tanh_(const Tensor& self) {
  detail::unary_impl("tanh_", OpKind::tanh, UnaryKind::floating, self, &self);
  return self;
}
const Tensor& native::sigmoid_(const Tensor& self) {
  detail::unary_impl("sigmoid_", OpKind::sigmoid, UnaryKind::floating, self, &self);
  return self;
}
const Tensor& native::relu_(const Tensor& self) {
  detail::unary_impl("relu_", OpKind::relu, UnaryKind::keep, self, &self);
  return self;
}
const Tensor& native::floor_(const Tensor& self) {
  detail::unary_impl("floor_", OpKind::floor, UnaryKind::keep, self, &self);
  return self;
}
const Tensor& native::ceil_(const Tensor& self) {
  detail::unary_impl("ceil_", OpKind::ceil, UnaryKind::keep, self, &self);
  return self;
}
const Tensor& native::round_(const Tensor& self) {
  detail::unary_impl("round_", OpKind::round, UnaryKind::keep, self, &self);
  return self;
}

// ---- selection ----
const Tensor& native::masked_fill_(const Tensor& self, const Tensor& mask, const Scalar& value) {
  detail::masked_fill_impl("masked_fill_", self, mask, value, &self);
  return self;
}
const Tensor& native::masked_fill_(const Tensor& self, const Tensor& mask, const Tensor& value) {
  CONVIS_CHECK(value.defined() && value.dim() == 0, "masked_fill_",
               "expected a 0-dim value tensor, got one with {} dimension(s) (masked_fill_ only supports a "
               "0-dimensional value tensor)",
               value.defined() ? value.dim() : -1);
  return native::masked_fill_(self, mask, value.item());
}

}  // namespace convis
