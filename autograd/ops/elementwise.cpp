// autograd/ops/elementwise.cpp: the public differentiable elementwise arithmetic, forward and
// backward side by side (the rest of the family is in elementwise_more.cpp; how they record
// is Note [Recording an op] in autograd/record.h).
//
//   op                     gradient of each input (s: a plain number, never differentiated)
//   add(a, b, alpha)       a: grad                         b: grad * alpha
//   add(a, s, alpha)       a: grad
//   sub(a, b, alpha)       a: grad                         b: -grad * alpha
//   sub(a, s, alpha)       a: grad
//   rsub(a, s) = s - a     a: -grad
//   mul(a, b)              a: grad * b                     b: grad * a
//   mul(a, s)              a: grad * s
//   div(a, b)              a: grad / b                     b: -grad * a / b^2
//   div(a, s)              a: grad / s
//   div(s, b)              b: -grad * s / b^2
//   pow(a, b)              a: b == 0 ? 0 : grad * b * a^(b - 1)
//                          b: a == 0 && b >= 0 ? 0 : grad * result * log(a)
//   pow(a, s)              a: s == 0 ? 0 : grad * s * a^(s - 1)
//   pow(s, b)              b: grad * result * log(s), but 0 where s == 0 and b >= 0
//   remainder(a, b)        a: grad                         b: -grad * floor(a / b)
//   remainder(a, s)        a: grad
//
// Node names are LibTorch 1.13's: the Tensor overload is ...Backward0 and the Scalar one
// ...Backward1 (RemainderBackward0 is the Scalar one there, PowBackward0/1/2 are
// Tensor^Scalar, Tensor^Tensor, Scalar^Tensor).  div(s, b) has no LibTorch overload; it
// records DivBackward0, as LibTorch's s / b (a filled tensor divided by b) does.
#include <cmath>
#include <limits>

#include "convis/autograd/ops/elementwise_common.h"
#include "convis/autograd/ops/op_list.h"

namespace convis {

using autograd::ForGradOf;
using autograd::FunctionNode;
using autograd::InPlace;
using autograd::OpRecord;
using autograd::recorded;
using autograd::variable_list;
using autograd::elementwise::grad_if;
using autograd::elementwise::scaled;

Tensor autograd::elementwise::scaled(const Tensor& g, const Scalar& s) { return s.toDouble() == 1.0 ? g : g * s; }

// A node whose one input gets `grad` times a constant (the Scalar overloads).
static OpRecord pass_through(const char* name, const Tensor& a, const Scalar& factor = 1) {
  return {name, {&a}, {}, [factor](FunctionNode&, const variable_list& g) {
            return variable_list{scaled(g[0], factor)};
          }};
}

// ---- add, sub, rsub ----

static OpRecord add_record(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return {"AddBackward0", {&a, &b}, {}, [alpha](FunctionNode& n, const variable_list& g) {
            return variable_list{g[0], grad_if(n, 1, [&] { return scaled(g[0], alpha); })};
          }};
}
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return recorded(native::add(a, b, alpha), {&a, &b}, [&] { return add_record(a, b, alpha); });
}
Tensor add(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return recorded(native::add(a, b, alpha), {&a}, [&] { return pass_through("AddBackward1", a); });
}
Tensor& Tensor::add_(const Tensor& o, const Scalar& alpha) const {
  InPlace w(*this, "add_", {&o}, [&] { return add_record(*this, o, alpha); });
  native::add_(*this, o, alpha);
  return w.record();
}
Tensor& Tensor::add_(const Scalar& o, const Scalar& alpha) const {
  InPlace w(*this, "add_", {}, [&] { return pass_through("AddBackward1", *this); });
  native::add_(*this, o, alpha);
  return w.record();
}

static OpRecord sub_record(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return {"SubBackward0", {&a, &b}, {}, [alpha](FunctionNode& n, const variable_list& g) {
            return variable_list{g[0], grad_if(n, 1, [&] { return scaled(-g[0], alpha); })};
          }};
}
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return recorded(native::sub(a, b, alpha), {&a, &b}, [&] { return sub_record(a, b, alpha); });
}
Tensor sub(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return recorded(native::sub(a, b, alpha), {&a}, [&] { return pass_through("SubBackward1", a); });
}
Tensor& Tensor::sub_(const Tensor& o, const Scalar& alpha) const {
  InPlace w(*this, "sub_", {&o}, [&] { return sub_record(*this, o, alpha); });
  native::sub_(*this, o, alpha);
  return w.record();
}
Tensor& Tensor::sub_(const Scalar& o, const Scalar& alpha) const {
  InPlace w(*this, "sub_", {}, [&] { return pass_through("SubBackward1", *this); });
  native::sub_(*this, o, alpha);
  return w.record();
}

Tensor rsub(const Tensor& a, const Scalar& b) {
  return recorded(native::rsub(a, b), {&a}, [&] { return pass_through("RsubBackward1", a, -1); });
}

// ---- mul, div ----

static OpRecord mul_record(const Tensor& a, const Tensor& b) {
  return {"MulBackward0", {&a, &b}, {{"self", a, ForGradOf{1}}, {"other", b, ForGradOf{0}}},
          [](FunctionNode& n, const variable_list& g) {
            return variable_list{grad_if(n, 0, [&] { return g[0] * n.saved("other"); }),
                                 grad_if(n, 1, [&] { return g[0] * n.saved("self"); })};
          }};
}
Tensor mul(const Tensor& a, const Tensor& b) {
  return recorded(native::mul(a, b), {&a, &b}, [&] { return mul_record(a, b); });
}
Tensor mul(const Tensor& a, const Scalar& b) {
  return recorded(native::mul(a, b), {&a}, [&] { return pass_through("MulBackward1", a, b); });
}
Tensor& Tensor::mul_(const Tensor& o) const {
  InPlace w(*this, "mul_", {&o}, [&] { return mul_record(*this, o); });
  native::mul_(*this, o);
  return w.record();
}
Tensor& Tensor::mul_(const Scalar& o) const {
  InPlace w(*this, "mul_", {}, [&] { return pass_through("MulBackward1", *this, o); });
  native::mul_(*this, o);
  return w.record();
}

static OpRecord div_record(const Tensor& a, const Tensor& b) {
  return {"DivBackward0", {&a, &b}, {{"self", a, ForGradOf{1}}, {"other", b}},
          [](FunctionNode& n, const variable_list& g) {
            Tensor other = n.saved("other");
            return variable_list{grad_if(n, 0, [&] { return g[0] / other; }),
                                 grad_if(n, 1, [&] { return -g[0] * ((n.saved("self") / other) / other); })};
          }};
}
static OpRecord div_scalar_record(const Tensor& a, const Scalar& s) {
  return {"DivBackward1", {&a}, {}, [s](FunctionNode&, const variable_list& g) { return variable_list{g[0] / s}; }};
}
static OpRecord rdiv_record(const Scalar& s, const Tensor& b) {
  return {"DivBackward0", {&b}, {{"other", b}}, [s](FunctionNode& n, const variable_list& g) {
            Tensor other = n.saved("other");
            return variable_list{-g[0] * s / (other * other)};
          }};
}
Tensor div(const Tensor& a, const Tensor& b) {
  return recorded(native::div(a, b), {&a, &b}, [&] { return div_record(a, b); });
}
Tensor div(const Tensor& a, const Scalar& b) {
  return recorded(native::div(a, b), {&a}, [&] { return div_scalar_record(a, b); });
}
Tensor div(const Scalar& a, const Tensor& b) {
  return recorded(native::div(a, b), {&b}, [&] { return rdiv_record(a, b); });
}
Tensor& Tensor::div_(const Tensor& o) const {
  InPlace w(*this, "div_", {&o}, [&] { return div_record(*this, o); });
  native::div_(*this, o);
  return w.record();
}
Tensor& Tensor::div_(const Scalar& o) const {
  InPlace w(*this, "div_", {}, [&] { return div_scalar_record(*this, o); });
  native::div_(*this, o);
  return w.record();
}

// ---- pow ----

static OpRecord pow_record(const Tensor& a, const Tensor& b) {
  return {"PowBackward1", {&a, &b}, {{"self", a}, {"exponent", b}},
          [](FunctionNode& n, const variable_list& g) {
            Tensor x = n.saved("self"), e = n.saved("exponent");
            Tensor ga = grad_if(n, 0, [&] { return where(e == 0, Scalar(0.0), g[0] * (e * x.pow(e - 1))); });
            Tensor gb = grad_if(n, 1, [&] {
              return g[0] * where((x == 0) & (e >= 0), Scalar(0.0), n.saved("result") * log(x));
            });
            return variable_list{ga, gb};
          },
          "result"};
}
static Scalar minus_one(const Scalar& s) {
  return s.is_floating_point() ? Scalar(s.toDouble() - 1) : Scalar(s.toLong() - 1);
}
static OpRecord pow_scalar_record(const Tensor& a, const Scalar& e) {
  return {"PowBackward0", {&a}, {{"self", a}}, [e](FunctionNode& n, const variable_list& g) {
            if (e.toDouble() == 0.0) return variable_list{zeros_like(g[0])};
            return variable_list{g[0] * (n.saved("self").pow(minus_one(e)) * e)};
          }};
}
static OpRecord rpow_record(const Scalar& s, const Tensor& b) {
  bool zero_base = s.toDouble() == 0.0;
  return {"PowBackward2", {&b}, {{"exponent", b, zero_base}},
          [s, zero_base](FunctionNode& n, const variable_list& g) {
            Tensor result = n.saved("result");
            if (!zero_base) return variable_list{g[0] * (result * std::log(s.toDouble()))};
            double log0 = -std::numeric_limits<double>::infinity();
            return variable_list{g[0] * where(n.saved("exponent") >= 0, Scalar(0.0), result * log0)};
          },
          "result"};
}
Tensor pow(const Tensor& a, const Tensor& b) {
  return recorded(native::pow(a, b), {&a, &b}, [&] { return pow_record(a, b); });
}
Tensor pow(const Tensor& a, const Scalar& b) {
  return recorded(native::pow(a, b), {&a}, [&] { return pow_scalar_record(a, b); });
}
Tensor pow(const Scalar& a, const Tensor& b) {
  return recorded(native::pow(a, b), {&b}, [&] { return rpow_record(a, b); });
}
Tensor& Tensor::pow_(const Tensor& e) const {
  InPlace w(*this, "pow_", {&e}, [&] { return pow_record(*this, e); });
  native::pow_(*this, e);
  return w.record();
}
Tensor& Tensor::pow_(const Scalar& e) const {
  InPlace w(*this, "pow_", {}, [&] { return pow_scalar_record(*this, e); });
  native::pow_(*this, e);
  return w.record();
}

// ---- remainder ----

static OpRecord remainder_record(const Tensor& a, const Tensor& b) {
  return {"RemainderBackward1", {&a, &b}, {{"self", a, ForGradOf{1}}, {"other", b, ForGradOf{1}}},
          [](FunctionNode& n, const variable_list& g) {
            Tensor quotient = grad_if(n, 1, [&] { return floor(n.saved("self") / n.saved("other")); });
            return variable_list{g[0], quotient.defined() ? -g[0] * quotient : Tensor()};
          }};
}
Tensor remainder(const Tensor& a, const Tensor& b) {
  return recorded(native::remainder(a, b), {&a, &b}, [&] { return remainder_record(a, b); });
}
Tensor remainder(const Tensor& a, const Scalar& b) {
  return recorded(native::remainder(a, b), {&a}, [&] { return pass_through("RemainderBackward0", a); });
}
Tensor& Tensor::remainder_(const Tensor& o) const {
  InPlace w(*this, "remainder_", {&o}, [&] { return remainder_record(*this, o); });
  native::remainder_(*this, o);
  return w.record();
}
Tensor& Tensor::remainder_(const Scalar& o) const {
  InPlace w(*this, "remainder_", {}, [&] { return pass_through("RemainderBackward0", *this); });
  native::remainder_(*this, o);
  return w.record();
}

namespace autograd {

const std::vector<std::string>& elementwise_differentiable_ops() {
  static const std::vector<std::string> ops = {
      "add", "sub", "rsub", "mul", "div", "pow", "remainder", "maximum", "minimum", "max(a, b)", "min(a, b)", "clamp", "clamp_min",
      "clamp_max", "abs", "neg", "sign", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "reciprocal", "square", "sin",
      "cos", "tanh", "sigmoid", "relu", "floor", "ceil", "round", "where", "masked_fill",
      // in place
      "add_", "sub_", "mul_", "div_", "pow_", "remainder_", "clamp_", "clamp_min_", "clamp_max_", "abs_", "neg_",
      "sign_", "exp_", "log_", "log1p_", "expm1_", "sqrt_", "rsqrt_", "reciprocal_", "square_", "sin_", "cos_", "tanh_",
      "sigmoid_", "relu_", "floor_", "ceil_", "round_", "masked_fill_"};
  return ops;
}

}  // namespace autograd

}  // namespace convis
