// autograd/ops/elementwise_methods.cpp: the Tensor methods and operators of the differentiable
// elementwise ops.  Each forwards to the free function of autograd/ops/elementwise.cpp or
// elementwise_more.cpp, so the logic lives in one place; the in-place methods (add_, exp_, ...)
// are defined next to their op, since they record differently.  The comparisons, which never
// record, have their methods in core/native/compare.cpp.
#include "convis/core/ops.h"

namespace convis {

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
Tensor Tensor::where(const Tensor& condition, const Tensor& other) const {
  return convis::where(condition, *this, other);
}
Tensor Tensor::masked_fill(const Tensor& mask, const Scalar& value) const {
  return convis::masked_fill(*this, mask, value);
}
Tensor Tensor::masked_fill(const Tensor& mask, const Tensor& value) const {
  return convis::masked_fill(*this, mask, value);
}
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
Tensor max(const Tensor& a, const Tensor& b) { return maximum(a, b); }
Tensor min(const Tensor& a, const Tensor& b) { return minimum(a, b); }

}  // namespace convis
