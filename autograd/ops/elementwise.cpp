// autograd/ops/elementwise.cpp: the public differentiable elementwise arithmetic, forward and
// backward side by side (the rest of the family is in elementwise_more.cpp; how they record
// is Note [Recording an elementwise op] in elementwise_common.h).
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

using autograd::FunctionNode;
using autograd::SavedTensor;
using autograd::variable_list;
using autograd::elementwise::InPlace;
using autograd::elementwise::Recipe;
using autograd::elementwise::recorded;
using autograd::elementwise::saved_if;
using autograd::elementwise::scaled;

namespace autograd::elementwise {

saved_list save_now(const Recipe& r, const Tensor* self) {
  saved_list saved;
  saved.reserve(r.saves.size() + 1);
  Tensor old_self;  // self's value before the write, when the backward reads it
  for (const Tensor* t : r.saves) {
    if (t == nullptr) {
      saved.emplace_back();
    } else if (self != nullptr && t->unsafeGetTensorImpl() == self->unsafeGetTensorImpl()) {
      if (!old_self.defined()) old_self = self->clone();
      saved.emplace_back(old_self, false);
    } else {
      saved.emplace_back(*t, false);
    }
  }
  return saved;
}

void attach(Recipe&& r, saved_list saved, Tensor& out) {
  auto node = detail::make_pooled<FunctionNode>(r.name, std::move(r.backward));  // as record(), without a vector of inputs
  auto& edges = node->mutable_next_edges();
  edges.reserve(r.inputs.size());
  for (const Tensor* t : r.inputs) edges.push_back(gradient_edge(*t));  // before out's history changes
  set_history({&out}, node);
  node->saved() = std::move(saved);
  if (r.save_result) node->saved().emplace_back(out, /*is_output=*/true);
}

Tensor scaled(const Tensor& g, const Scalar& s) { return s.toDouble() == 1.0 ? g : g * s; }

}  // namespace autograd::elementwise

// Gradient slot i: f() when input i wants a gradient, else undefined.
template <typename F>
static Tensor grad_if(FunctionNode& n, size_t i, F f) {
  return n.needs_input_grad(i) ? f() : Tensor();
}

// A node whose one input gets `grad` times a constant (the Scalar overloads).
static Recipe pass_through(const char* name, const Tensor& a, const Scalar& factor = 1) {
  return Recipe(name, {&a}, {}, false,
                [factor](FunctionNode&, const variable_list& g) { return variable_list{scaled(g[0], factor)}; });
}

// ---- add, sub, rsub ----

static Recipe add_recipe(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return Recipe("AddBackward0", {&a, &b}, {}, false, [alpha](FunctionNode& n, const variable_list& g) {
    return variable_list{g[0], grad_if(n, 1, [&] { return scaled(g[0], alpha); })};
  });
}
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return recorded(native::add(a, b, alpha), {&a, &b}, [&] { return add_recipe(a, b, alpha); });
}
Tensor add(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return recorded(native::add(a, b, alpha), {&a}, [&] { return pass_through("AddBackward1", a); });
}
Tensor& Tensor::add_(const Tensor& o, const Scalar& alpha) {
  InPlace w(*this, "add_", {&o}, [&] { return add_recipe(*this, o, alpha); });
  native::add_(*this, o, alpha);
  return w.record();
}
Tensor& Tensor::add_(const Scalar& o, const Scalar& alpha) {
  InPlace w(*this, "add_", {}, [&] { return pass_through("AddBackward1", *this); });
  native::add_(*this, o, alpha);
  return w.record();
}

static Recipe sub_recipe(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return Recipe("SubBackward0", {&a, &b}, {}, false, [alpha](FunctionNode& n, const variable_list& g) {
    return variable_list{g[0], grad_if(n, 1, [&] { return scaled(-g[0], alpha); })};
  });
}
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return recorded(native::sub(a, b, alpha), {&a, &b}, [&] { return sub_recipe(a, b, alpha); });
}
Tensor sub(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return recorded(native::sub(a, b, alpha), {&a}, [&] { return pass_through("SubBackward1", a); });
}
Tensor& Tensor::sub_(const Tensor& o, const Scalar& alpha) {
  InPlace w(*this, "sub_", {&o}, [&] { return sub_recipe(*this, o, alpha); });
  native::sub_(*this, o, alpha);
  return w.record();
}
Tensor& Tensor::sub_(const Scalar& o, const Scalar& alpha) {
  InPlace w(*this, "sub_", {}, [&] { return pass_through("SubBackward1", *this); });
  native::sub_(*this, o, alpha);
  return w.record();
}

Tensor rsub(const Tensor& a, const Scalar& b) {
  return recorded(native::rsub(a, b), {&a}, [&] { return pass_through("RsubBackward1", a, -1); });
}

// ---- mul, div ----

static Recipe mul_recipe(const Tensor& a, const Tensor& b) {
  return Recipe("MulBackward0", {&a, &b}, {saved_if(b, a), saved_if(a, b)}, false,
                [](FunctionNode& n, const variable_list& g) {
                  return variable_list{grad_if(n, 0, [&] { return g[0] * n.saved_at(1); }),
                                       grad_if(n, 1, [&] { return g[0] * n.saved_at(0); })};
                });
}
Tensor mul(const Tensor& a, const Tensor& b) {
  return recorded(native::mul(a, b), {&a, &b}, [&] { return mul_recipe(a, b); });
}
Tensor mul(const Tensor& a, const Scalar& b) {
  return recorded(native::mul(a, b), {&a}, [&] { return pass_through("MulBackward1", a, b); });
}
Tensor& Tensor::mul_(const Tensor& o) {
  InPlace w(*this, "mul_", {&o}, [&] { return mul_recipe(*this, o); });
  native::mul_(*this, o);
  return w.record();
}
Tensor& Tensor::mul_(const Scalar& o) {
  InPlace w(*this, "mul_", {}, [&] { return pass_through("MulBackward1", *this, o); });
  native::mul_(*this, o);
  return w.record();
}

static Recipe div_recipe(const Tensor& a, const Tensor& b) {
  return Recipe("DivBackward0", {&a, &b}, {saved_if(b, a), &b}, false, [](FunctionNode& n, const variable_list& g) {
    Tensor bb = n.saved_at(1);
    return variable_list{grad_if(n, 0, [&] { return g[0] / bb; }),
                         grad_if(n, 1, [&] { return -g[0] * ((n.saved_at(0) / bb) / bb); })};
  });
}
static Recipe div_scalar_recipe(const Tensor& a, const Scalar& s) {
  return Recipe("DivBackward1", {&a}, {}, false,
                [s](FunctionNode&, const variable_list& g) { return variable_list{g[0] / s}; });
}
static Recipe rdiv_recipe(const Scalar& s, const Tensor& b) {
  return Recipe("DivBackward0", {&b}, {&b}, false, [s](FunctionNode& n, const variable_list& g) {
    Tensor bb = n.saved_at(0);
    return variable_list{-g[0] * s / (bb * bb)};
  });
}
Tensor div(const Tensor& a, const Tensor& b) {
  return recorded(native::div(a, b), {&a, &b}, [&] { return div_recipe(a, b); });
}
Tensor div(const Tensor& a, const Scalar& b) {
  return recorded(native::div(a, b), {&a}, [&] { return div_scalar_recipe(a, b); });
}
Tensor div(const Scalar& a, const Tensor& b) {
  return recorded(native::div(a, b), {&b}, [&] { return rdiv_recipe(a, b); });
}
Tensor& Tensor::div_(const Tensor& o) {
  InPlace w(*this, "div_", {&o}, [&] { return div_recipe(*this, o); });
  native::div_(*this, o);
  return w.record();
}
Tensor& Tensor::div_(const Scalar& o) {
  InPlace w(*this, "div_", {}, [&] { return div_scalar_recipe(*this, o); });
  native::div_(*this, o);
  return w.record();
}

// ---- pow ----

static Recipe pow_recipe(const Tensor& a, const Tensor& b) {
  return Recipe("PowBackward1", {&a, &b}, {&a, &b}, true, [](FunctionNode& n, const variable_list& g) {
    Tensor x = n.saved_at(0), e = n.saved_at(1);
    Tensor ga = grad_if(n, 0, [&] { return where(e == 0, Scalar(0.0), g[0] * (e * x.pow(e - 1))); });
    Tensor gb = grad_if(n, 1, [&] { return g[0] * where((x == 0) & (e >= 0), Scalar(0.0), n.saved_at(2) * log(x)); });
    return variable_list{ga, gb};
  });
}
static Scalar minus_one(const Scalar& s) {
  return s.is_floating_point() ? Scalar(s.toDouble() - 1) : Scalar(s.toLong() - 1);
}
static Recipe pow_scalar_recipe(const Tensor& a, const Scalar& e) {
  return Recipe("PowBackward0", {&a}, {&a}, false, [e](FunctionNode& n, const variable_list& g) {
    if (e.toDouble() == 0.0) return variable_list{zeros_like(g[0])};
    return variable_list{g[0] * (n.saved_at(0).pow(minus_one(e)) * e)};
  });
}
static Recipe rpow_recipe(const Scalar& s, const Tensor& b) {
  bool zero_base = s.toDouble() == 0.0;
  return Recipe("PowBackward2", {&b}, {zero_base ? &b : nullptr}, true,
                [s, zero_base](FunctionNode& n, const variable_list& g) {
                  Tensor result = n.saved_at(1);
                  if (!zero_base) return variable_list{g[0] * (result * std::log(s.toDouble()))};
                  double log0 = -std::numeric_limits<double>::infinity();
                  return variable_list{g[0] * where(n.saved_at(0) >= 0, Scalar(0.0), result * log0)};
                });
}
Tensor pow(const Tensor& a, const Tensor& b) {
  return recorded(native::pow(a, b), {&a, &b}, [&] { return pow_recipe(a, b); });
}
Tensor pow(const Tensor& a, const Scalar& b) {
  return recorded(native::pow(a, b), {&a}, [&] { return pow_scalar_recipe(a, b); });
}
Tensor pow(const Scalar& a, const Tensor& b) {
  return recorded(native::pow(a, b), {&b}, [&] { return rpow_recipe(a, b); });
}
Tensor& Tensor::pow_(const Tensor& e) {
  InPlace w(*this, "pow_", {&e}, [&] { return pow_recipe(*this, e); });
  native::pow_(*this, e);
  return w.record();
}
Tensor& Tensor::pow_(const Scalar& e) {
  InPlace w(*this, "pow_", {}, [&] { return pow_scalar_recipe(*this, e); });
  native::pow_(*this, e);
  return w.record();
}

// ---- remainder ----

static Recipe remainder_recipe(const Tensor& a, const Tensor& b) {
  return Recipe("RemainderBackward1", {&a, &b}, {saved_if(b, a), saved_if(b, b)}, false,
                [](FunctionNode& n, const variable_list& g) {
                  Tensor quotient = grad_if(n, 1, [&] { return floor(n.saved_at(0) / n.saved_at(1)); });
                  return variable_list{g[0], quotient.defined() ? -g[0] * quotient : Tensor()};
                });
}
Tensor remainder(const Tensor& a, const Tensor& b) {
  return recorded(native::remainder(a, b), {&a, &b}, [&] { return remainder_recipe(a, b); });
}
Tensor remainder(const Tensor& a, const Scalar& b) {
  return recorded(native::remainder(a, b), {&a}, [&] { return pass_through("RemainderBackward0", a); });
}
Tensor& Tensor::remainder_(const Tensor& o) {
  InPlace w(*this, "remainder_", {&o}, [&] { return remainder_recipe(*this, o); });
  native::remainder_(*this, o);
  return w.record();
}
Tensor& Tensor::remainder_(const Scalar& o) {
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
