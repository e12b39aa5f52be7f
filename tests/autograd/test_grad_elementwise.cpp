// Gradchecks of the elementwise ops (rows used by test_grad_coverage.cpp too); value, node-name
// and in-place tests are in test_grad_elementwise_values.cpp.
#include "grad_rows.h"

using convis::Scalar;
using convis::Shape;
using convis::Tensor;
using convis::autograd::variable_list;

namespace convis_test {

namespace {

// Non-contiguous leaves that require grad: a transposed one and one with a stepped last dim.
Tensor transposed(const Shape& shape, double lo = -1.0, double hi = 1.0) {
  return leaf64({shape[1], shape[0]}, lo, hi).t().detach().requires_grad_(true);
}
Tensor stepped(const Shape& shape, double lo = -1.0, double hi = 1.0) {
  return leaf64({shape[0], shape[1] * 2}, lo, hi).slice(1, 0, shape[1] * 2, 2).detach().requires_grad_(true);
}
// A plain mask, different from `x > 0` of any leaf.
Tensor mask(const Shape& shape) { return leaf64(shape).detach().remainder(0.3) > 0.15; }
// A fresh non-leaf copy of x (to write in place); x * 1 records MulBackward1.
Tensor fresh(const Tensor& x) { return x * 1; }

// Whether clone() records (the shape family).  An in-place op that reads self's old value
// saves a clone of it, so its second derivative needs clone's gradient.
bool clone_records() { return leaf64({1}).clone().requires_grad(); }
// Whether sum() records (the reduce family).  The engine sums a broadcast input's gradient
// with sum(), so second derivatives through broadcasting need sum's gradient.
bool sum_records() { return leaf64({1}).sum().requires_grad(); }

using Fn = std::function<Tensor(const variable_list&)>;
GradRow row(const std::string& op, const std::string& what, Fn f, variable_list inputs, bool gradgrad = true) {
  return {op, what, [f](const variable_list& x) { return variable_list{f(x)}; }, std::move(inputs), gradgrad};
}

void binary_rows(std::vector<GradRow>& r) {
  const bool sr = sum_records();
  r.push_back(row("add", "broadcast, alpha 2", [](auto& x) { return convis::add(x[0], x[1], 2); },
                  {leaf64({3, 4}), leaf64({4})}));
  r.push_back(row("add", "scalar, transposed", [](auto& x) { return x[0] + 1.5; }, {transposed({3, 4})}));
  r.push_back(row("sub", "broadcast, alpha 3", [](auto& x) { return convis::sub(x[0], x[1], 3); },
                  {leaf64({2, 1, 3}), stepped({4, 3})}));
  r.push_back(row("sub", "scalar", [](auto& x) { return x[0] - 2; }, {leaf64({5})}));
  r.push_back(row("rsub", "scalar", [](auto& x) { return convis::rsub(x[0], 2.5); }, {leaf64({2, 3})}));
  r.push_back(row(
      "mul", "broadcast", [](auto& x) { return x[0] * x[1]; }, {leaf64({3, 1}), transposed({3, 4})}, sr));
  r.push_back(row("mul", "transposed", [](auto& x) { return x[0] * x[1]; }, {leaf64({3, 4}), transposed({3, 4})}));
  r.push_back(row("mul", "same input twice", [](auto& x) { return x[0] * x[0]; }, {leaf64({4})}));
  r.push_back(row("mul", "scalar", [](auto& x) { return x[0] * 3; }, {stepped({2, 3})}));
  r.push_back(row(
      "div", "broadcast", [](auto& x) { return x[0] / x[1]; }, {leaf64({2, 3}), leaf64({3}, 0.5, 2)}, sr));
  r.push_back(row("div", "stepped", [](auto& x) { return x[0] / x[1]; }, {leaf64({2, 3}), stepped({2, 3}, 0.5, 2)}));
  r.push_back(row("div", "scalar", [](auto& x) { return x[0] / 4; }, {leaf64({3})}));
  r.push_back(row("div", "scalar by tensor", [](auto& x) { return convis::div(Scalar(2.0), x[0]); },
                  {transposed({2, 3}, 0.5, 2)}));
  r.push_back(row(
      "pow", "tensor ^ tensor, broadcast", [](auto& x) { return x[0].pow(x[1]); },
      {leaf64({2, 3}, 0.5, 2), leaf64({3}, -1.5, 2)}, sr));
  r.push_back(row("pow", "tensor ^ tensor", [](auto& x) { return x[0].pow(x[1]); },
                  {transposed({2, 3}, 0.5, 2), leaf64({2, 3}, -1.5, 2)}));
  r.push_back(row("pow", "tensor ^ 2.5", [](auto& x) { return x[0].pow(2.5); }, {stepped({2, 2}, 0.5, 2)}));
  r.push_back(row("pow", "tensor ^ 3", [](auto& x) { return x[0].pow(3); }, {leaf64({5})}));
  r.push_back(row("pow", "tensor ^ 0", [](auto& x) { return x[0].pow(0); }, {leaf64({3})}));
  r.push_back(row("pow", "2 ^ tensor", [](auto& x) { return convis::pow(Scalar(2.0), x[0]); }, {leaf64({2, 3})}));
  r.push_back(row("remainder", "tensor, broadcast", [](auto& x) { return x[0].remainder(x[1]); },
                  {leaf64({2, 3}, 2.2, 2.8), leaf64({3}, 1.0, 1.05)}));
  r.push_back(row("remainder", "scalar", [](auto& x) { return x[0].remainder(0.7); }, {leaf64({4}, 0.1, 0.6)}));
  r.push_back(row("maximum", "broadcast", [](auto& x) { return convis::maximum(x[0], x[1]); },
                  {leaf64({2, 3}), transposed({1, 3})}));
  r.push_back(
      row("minimum", "broadcast", [](auto& x) { return convis::minimum(x[0], x[1]); }, {leaf64({3, 1}), leaf64({3})}));
  r.push_back(
      row("max(a, b)", "two tensors", [](auto& x) { return convis::max(x[0], x[1]); }, {leaf64({4}), stepped({1, 4})}));
  r.push_back(
      row("min(a, b)", "two tensors", [](auto& x) { return convis::min(x[0], x[1]); }, {leaf64({4}), stepped({1, 4})}));
  r.push_back(row("clamp", "both bounds", [](auto& x) { return x[0].clamp(-0.5, 0.5); }, {transposed({3, 4})}));
  r.push_back(row("clamp", "min only", [](auto& x) { return x[0].clamp(0.0); }, {leaf64({6})}));
  r.push_back(row("clamp_min", "", [](auto& x) { return x[0].clamp_min(-0.2); }, {leaf64({6})}));
  r.push_back(row("clamp_max", "", [](auto& x) { return x[0].clamp_max(0.3); }, {stepped({2, 3})}));
}

void unary_rows(std::vector<GradRow>& r) {
  using U = Tensor (*)(const Tensor&);
  struct Case {
    const char* op;
    U f;
    double lo, hi;
  };
  const Case cases[] = {
      {"abs", convis::abs, -1, 1},         {"neg", convis::neg, -1, 1},
      {"sign", convis::sign, -1, 1},       {"exp", convis::exp, -1, 1},
      {"log", convis::log, 0.5, 2},        {"log1p", convis::log1p, -0.5, 1},
      {"expm1", convis::expm1, -1, 1},     {"sqrt", convis::sqrt, 0.5, 2},
      {"rsqrt", convis::rsqrt, 0.5, 2},    {"reciprocal", convis::reciprocal, 0.5, 2},
      {"square", convis::square, -1, 1},   {"sin", convis::sin, -2, 2},
      {"cos", convis::cos, -2, 2},         {"tanh", convis::tanh, -2, 2},
      {"sigmoid", convis::sigmoid, -2, 2}, {"relu", convis::relu, -1, 1},
      {"floor", convis::floor, -2, 2},     {"ceil", convis::ceil, -2, 2},
      {"round", convis::round, -2, 2},
  };
  for (const Case& c : cases) {
    U f = c.f;
    r.push_back(row(c.op, "contiguous", [f](auto& x) { return f(x[0]); }, {leaf64({2, 3}, c.lo, c.hi)}));
    r.push_back(row(c.op, "transposed", [f](auto& x) { return f(x[0]); }, {transposed({3, 2}, c.lo, c.hi)}));
  }
}

void select_rows(std::vector<GradRow>& r) {
  Tensor c = mask({3, 4}), c1 = mask({4});
  r.push_back(row("where", "broadcast", [c](auto& x) { return convis::where(c, x[0], x[1]); },
                  {leaf64({4}), transposed({3, 4})}));
  r.push_back(row("where", "scalar other", [c1](auto& x) { return convis::where(c1, x[0], 2.0); }, {leaf64({2, 4})}));
  r.push_back(row("where", "scalar self", [c](auto& x) { return convis::where(c, -1.0, x[0]); }, {stepped({3, 4})}));
  r.push_back(row("masked_fill", "scalar value, broadcast mask", [c1](auto& x) { return x[0].masked_fill(c1, 0.5); },
                  {transposed({3, 4})}));
  r.push_back(row("masked_fill", "0-dim tensor value", [c](auto& x) { return x[0].masked_fill(c, x[1]); },
                  {leaf64({3, 4}), leaf64({})}));
}

// y = fresh(x0); y.op_(...): the gradient flows to x0 through y's rebased history.
void inplace_rows(std::vector<GradRow>& r) {
  const bool cl = clone_records(), cl_sr = cl && sum_records();  // cl_sr: also broadcast
  Tensor c = mask({2, 3});
  r.push_back(row("add_", "tensor, broadcast, alpha 2", [](auto& x) { return fresh(x[0]).add_(x[1], 2); },
                  {leaf64({2, 3}), leaf64({3})}));
  r.push_back(row("add_", "scalar", [](auto& x) { return fresh(x[0]).add_(1.5); }, {leaf64({2, 3})}));
  r.push_back(row("sub_", "tensor, alpha 0.5", [](auto& x) { return fresh(x[0]).sub_(x[1], 0.5); },
                  {leaf64({2, 3}), transposed({2, 3})}));
  r.push_back(row("sub_", "scalar", [](auto& x) { return fresh(x[0]).sub_(1); }, {leaf64({4})}));
  r.push_back(row(
      "mul_", "tensor", [](auto& x) { return fresh(x[0]).mul_(x[1]); }, {leaf64({2, 3}), leaf64({3})}, cl_sr));
  r.push_back(row(
      "mul_", "itself",
      [](auto& x) {
        Tensor y = fresh(x[0]);
        return y.mul_(y);
      },
      {leaf64({4})}, cl));
  r.push_back(row("mul_", "scalar", [](auto& x) { return fresh(x[0]).mul_(-2); }, {leaf64({4})}));
  r.push_back(row(
      "div_", "tensor", [](auto& x) { return fresh(x[0]).div_(x[1]); }, {leaf64({2, 3}), leaf64({2, 3}, 0.5, 2)}, cl));
  r.push_back(row("div_", "scalar", [](auto& x) { return fresh(x[0]).div_(3); }, {leaf64({4})}));
  r.push_back(row(
      "pow_", "tensor", [](auto& x) { return fresh(x[0]).pow_(x[1]); }, {leaf64({2, 3}, 0.5, 2), leaf64({3})}, cl_sr));
  r.push_back(row(
      "pow_", "scalar", [](auto& x) { return fresh(x[0]).pow_(3); }, {leaf64({4})}, cl));
  r.push_back(row(
      "remainder_", "tensor", [](auto& x) { return fresh(x[0]).remainder_(x[1]); },
      {leaf64({3}, 2.2, 2.8), leaf64({3}, 1.0, 1.05)}, cl));
  r.push_back(
      row("remainder_", "scalar", [](auto& x) { return fresh(x[0]).remainder_(1.5); }, {leaf64({4}, 0.1, 1.4)}));
  r.push_back(row("clamp_", "", [](auto& x) { return fresh(x[0]).clamp_(-0.4, 0.4); }, {leaf64({2, 3})}));
  r.push_back(row("clamp_min_", "", [](auto& x) { return fresh(x[0]).clamp_min_(0.1); }, {leaf64({2, 3})}));
  r.push_back(row("clamp_max_", "", [](auto& x) { return fresh(x[0]).clamp_max_(0.1); }, {leaf64({2, 3})}));
  r.push_back(
      row("masked_fill_", "scalar value", [c](auto& x) { return fresh(x[0]).masked_fill_(c, 2.0); }, {leaf64({2, 3})}));
  r.push_back(row("masked_fill_", "0-dim tensor value", [c](auto& x) { return fresh(x[0]).masked_fill_(c, x[1]); },
                  {leaf64({2, 3}), leaf64({})}));
  using M = Tensor& (Tensor::*)() const;
  struct Case {
    const char* op;
    M f;
    double lo, hi;
    bool reads_old_self;  // its formula reads self's value before the write (a clone)
  };
  const Case cases[] = {
      {"abs_", &Tensor::abs_, -1, 1, true},          {"neg_", &Tensor::neg_, -1, 1, false},
      {"sign_", &Tensor::sign_, -1, 1, false},       {"exp_", &Tensor::exp_, -1, 1, false},
      {"log_", &Tensor::log_, 0.5, 2, true},         {"log1p_", &Tensor::log1p_, -0.5, 1, true},
      {"expm1_", &Tensor::expm1_, -1, 1, false},     {"sqrt_", &Tensor::sqrt_, 0.5, 2, false},
      {"rsqrt_", &Tensor::rsqrt_, 0.5, 2, false},    {"reciprocal_", &Tensor::reciprocal_, 0.5, 2, false},
      {"square_", &Tensor::square_, -1, 1, true},    {"sin_", &Tensor::sin_, -2, 2, true},
      {"cos_", &Tensor::cos_, -2, 2, true},          {"tanh_", &Tensor::tanh_, -2, 2, false},
      {"sigmoid_", &Tensor::sigmoid_, -2, 2, false}, {"relu_", &Tensor::relu_, -1, 1, false},
      {"floor_", &Tensor::floor_, -2, 2, false},     {"ceil_", &Tensor::ceil_, -2, 2, false},
      {"round_", &Tensor::round_, -2, 2, false},
  };
  for (const Case& k : cases) {
    M f = k.f;
    r.push_back(row(
        k.op, "",
        [f](auto& x) {
          Tensor y = fresh(x[0]);
          return (y.*f)();
        },
        {leaf64({2, 3}, k.lo, k.hi)}, cl || !k.reads_old_self));
  }
}

}  // namespace

std::vector<GradRow> elementwise_grad_rows() {
  std::vector<GradRow> r;
  binary_rows(r);
  unary_rows(r);
  select_rows(r);
  inplace_rows(r);
  return r;
}

}  // namespace convis_test

TEST_CASE("elementwise ops pass gradcheck and gradgradcheck", "[autograd][grad]") {
  convis_test::run_grad_rows(convis_test::elementwise_grad_rows());
}
