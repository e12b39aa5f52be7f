// Elementwise autograd by hand: node names (LibTorch 1.13's), the conventions at the kinks,
// in-place rebasing and its errors, saved tensors modified in place, and the comparisons
// that never require grad.
#include "convis/autograd/autograd_meta.h"
#include "convis/autograd/engine.h"
#include "convis/autograd/grad_mode.h"
#include "helpers.h"

using namespace convis;
using Catch::Contains;
using convis::autograd::variable_list;
using convis_test::grad_fn_name;
using convis_test::leaf;
using convis_test::values;
using V = std::vector<double>;

namespace {

Tensor plain(std::initializer_list<double> v) { return tensor(v, dtype(kFloat64)); }
Tensor bools(std::initializer_list<bool> v) { return tensor(v, dtype(kBool)); }

// d(sum(y))/dx without relying on sum's own gradient (the reduce family).
V grad_of(const Tensor& y, const Tensor& x) { return values(autograd::grad({y}, {x}, {ones_like(y)}, true)[0]); }


}  // namespace

TEST_CASE("elementwise ops record LibTorch's node names, operators included", "[autograd][grad]") {
  Tensor x = leaf({0.5, 1.5}), y = leaf({2, 3});
  Tensor m = bools({true, false});
  CHECK(grad_fn_name(x.exp()) == "ExpBackward0");
  CHECK(grad_fn_name(x.log1p()) == "Log1PBackward0");
  CHECK(grad_fn_name(x.relu()) == "ReluBackward0");
  CHECK(grad_fn_name(x.square()) == "PowBackward0");
  CHECK(grad_fn_name(x + y) == "AddBackward0");
  CHECK(grad_fn_name(x + 1) == "AddBackward1");
  CHECK(grad_fn_name(1 + x) == "AddBackward1");
  CHECK(grad_fn_name(x - y) == "SubBackward0");
  CHECK(grad_fn_name(2 - x) == "RsubBackward1");
  CHECK(grad_fn_name(-x) == "NegBackward0");
  CHECK(grad_fn_name(x * y) == "MulBackward0");
  CHECK(grad_fn_name(x * 2) == "MulBackward1");
  CHECK(grad_fn_name(x / y) == "DivBackward0");
  CHECK(grad_fn_name(x / 2) == "DivBackward1");
  CHECK(grad_fn_name(2 / x) == "DivBackward0");
  CHECK(grad_fn_name(x.pow(2)) == "PowBackward0");
  CHECK(grad_fn_name(x.pow(y)) == "PowBackward1");
  CHECK(grad_fn_name(pow(2, y)) == "PowBackward2");
  CHECK(grad_fn_name(x.remainder(y)) == "RemainderBackward1");
  CHECK(grad_fn_name(x.remainder(2)) == "RemainderBackward0");
  CHECK(grad_fn_name(max(x, y)) == "MaximumBackward0");
  CHECK(grad_fn_name(min(x, y)) == "MinimumBackward0");
  CHECK(grad_fn_name(x.clamp(0, 1)) == "ClampBackward1");
  CHECK(grad_fn_name(x.clamp_min(0)) == "ClampMinBackward0");
  CHECK(grad_fn_name(x.clamp_max(1)) == "ClampMaxBackward0");
  CHECK(grad_fn_name(where(m, x, y)) == "WhereBackward0");
  CHECK(grad_fn_name(x.masked_fill(m, 0)) == "MaskedFillBackward0");
  CHECK(grad_fn_name(x.masked_fill(m, y[0].detach().requires_grad_(true))) == "MaskedFillBackward1");
  Tensor z = x * 1;
  CHECK(grad_fn_name(z.add_(1)) == "AddBackward1");
  CHECK(grad_fn_name(z.mul_(y)) == "MulBackward0");
  CHECK(grad_fn_name(z.sigmoid_()) == "SigmoidBackward0");
  CHECK(z.grad_fn()->next_edges()[0].function->name() == "MulBackward0");
}

TEST_CASE("comparisons and logic give tensors that do not require grad", "[autograd][grad]") {
  Tensor x = leaf({-1, 0, 2}), y = leaf({0, 0, 1});
  for (const Tensor& t : {x == y, x != y, x<y, x <= 0, x> y, x >= 0, logical_not(x), logical_and(x, y),
                          logical_or(x, y), logical_xor(x, y), isnan(x), isinf(x), isfinite(x), isclose(x, y)}) {
    CHECK(t.dtype() == kBool);
    CHECK_FALSE(t.requires_grad());
  }
  CHECK_FALSE(where(x > 0, 1.0, 2.0).requires_grad());
  NoGradGuard g;
  CHECK_FALSE((x * y).requires_grad());
  CHECK_FALSE(x.exp().requires_grad());
}

TEST_CASE("gradients at the kinks follow LibTorch 1.13", "[autograd][grad]") {
  SECTION("maximum and minimum split a tie half and half") {
    Tensor a = leaf({1, 2, 3}), b = leaf({2, 2, 1});
    variable_list g = autograd::grad({maximum(a, b)}, {a, b}, {ones({3}, kFloat64)});
    CHECK(values(g[0]) == V{0, 0.5, 1});
    CHECK(values(g[1]) == V{1, 0.5, 0});
    g = autograd::grad({minimum(a, b)}, {a, b}, {ones({3}, kFloat64)});
    CHECK(values(g[0]) == V{1, 0.5, 0});
    CHECK(values(g[1]) == V{0, 0.5, 1});
  }
  SECTION("clamp passes the gradient where min <= x <= max, bounds included") {
    Tensor x = leaf({-1, 0, 0.5, 1, 2});
    CHECK(grad_of(x.clamp(0, 1), x) == V{0, 1, 1, 1, 0});
    CHECK(grad_of(x.clamp_min(0), x) == V{0, 1, 1, 1, 1});
    CHECK(grad_of(x.clamp_max(1), x) == V{1, 1, 1, 1, 0});
  }
  SECTION("relu, abs and sign at 0; floor, ceil, round are flat") {
    Tensor x = leaf({-2, 0, 3});
    CHECK(grad_of(x.relu(), x) == V{0, 0, 1});
    CHECK(grad_of(x.abs(), x) == V{-1, 0, 1});
    CHECK(grad_of(x.sign(), x) == V{0, 0, 0});
    CHECK(grad_of(x.floor() + x.ceil() + x.round(), x) == V{0, 0, 0});
  }
  SECTION("pow at 0: exponent 0 gives 0, base 0 gives no exponent gradient for exponents >= 0") {
    Tensor x = leaf({0, 2});
    CHECK(grad_of(x.pow(0), x) == V{0, 0});
    CHECK(grad_of(x.pow(2), x) == V{0, 4});
    Tensor e = leaf({0, 2});
    variable_list g = autograd::grad({pow(plain({0, 0}), e)}, {e}, {ones({2}, kFloat64)});
    CHECK(values(g[0]) == V{0, 0});
    Tensor b = leaf({0, 3}), p = leaf({0, 2});
    g = autograd::grad({b.pow(p)}, {b, p}, {ones({2}, kFloat64)});
    CHECK(values(g[0]) == V{0, 6});
    CHECK(values(g[1])[0] == 0);
  }
  SECTION("sqrt at 0 is infinite, as LibTorch") {
    Tensor x = leaf({0, 4});
    V g = grad_of(x.sqrt(), x);
    CHECK(std::isinf(g[0]));
    CHECK(g[1] == 0.25);
  }
  SECTION("where and masked_fill route the gradient; the condition and mask get none") {
    Tensor a = leaf({1, 2, 3}), b = leaf({4, 5, 6}), v = tensor(7.0, dtype(kFloat64).requires_grad(true));
    Tensor c = bools({true, false, true});
    variable_list g = autograd::grad({where(c, a, b)}, {a, b}, {plain({1, 2, 3})});
    CHECK(values(g[0]) == V{1, 0, 3});
    CHECK(values(g[1]) == V{0, 2, 0});
    g = autograd::grad({a.masked_fill(c, v)}, {a, v}, {plain({1, 2, 3})});
    CHECK(values(g[0]) == V{0, 2, 0});
    CHECK(values(g[1]) == V{4});
  }
  SECTION("broadcast inputs get gradients of their own shape") {
    Tensor a = leaf({1, 2, 3}), s = tensor(2.0, dtype(kFloat64).requires_grad(true));
    variable_list g = autograd::grad({a * s}, {a, s}, {ones({3}, kFloat64)});
    CHECK(values(g[0]) == V{2, 2, 2});
    CHECK(g[1].dim() == 0);
    CHECK(values(g[1]) == V{6});
  }
}

TEST_CASE("in-place ops rebase the history of what they write", "[autograd][grad]") {
  Tensor x = leaf({1, 2, 3});
  SECTION("y = x * 2; y.add_(1) gives dy/dx = 2") {
    Tensor y = x * 2;
    y.add_(1);
    CHECK(grad_fn_name(y) == "AddBackward1");
    CHECK(values(y) == V{3, 5, 7});
    autograd::backward({y}, {ones({3}, kFloat64)});
    CHECK(values(x.grad()) == V{2, 2, 2});
    if (y.sum().requires_grad()) {  // once sum records (the reduce family)
      y.sum().backward();
      CHECK(values(x.grad()) == V{4, 4, 4});
    }
  }
  SECTION("a self-reading formula uses self's old value") {
    Tensor y = x * 1;
    y.log_();
    CHECK(grad_of(y, x) == V{1, 0.5, 1.0 / 3});
    Tensor z = x * 1;
    z.mul_(z);  // z = x^2, both factors the old z
    CHECK(grad_of(z, x) == V{2, 4, 6});
  }
  SECTION("a plain tensor written with one that requires grad starts requiring grad") {
    Tensor p = plain({1, 1, 1});
    p.mul_(x);
    CHECK(grad_fn_name(p) == "MulBackward0");
    CHECK(grad_of(p, x) == V{1, 1, 1});
  }
  SECTION("operators += and *= record too") {
    Tensor y = x * 1;
    y *= 3;
    y += x;
    CHECK(grad_of(y, x) == V{4, 4, 4});
  }
}

TEST_CASE("in-place ops refuse a leaf that requires grad and a view of one", "[autograd][grad]") {
  Tensor x = leaf({1, 2, 3});
  CHECK_THROWS_WITH(x.add_(1), Contains("[add_]") && Contains("a leaf tensor that requires grad"));
  CHECK_THROWS_WITH(x.exp_(), Contains("[exp_]") && Contains("a leaf tensor that requires grad"));
  CHECK_THROWS_WITH(x.masked_fill_(bools({true, false, true}), 0), Contains("[masked_fill_]"));
  CHECK(x._version() == 0);  // refused before writing
  {
    NoGradGuard g;  // allowed without grad mode (an optimizer step)
    x.mul_(2);
  }
  CHECK(values(x) == V{2, 4, 6});
  CHECK_THROWS_WITH(x.slice(0, 0, 2).relu_(), Contains("[relu_]") && Contains("a view of a leaf tensor"));
  CHECK_THROWS_WITH(x.view({3, 1}).t().sub_(1), Contains("[sub_]") && Contains("into a leaf of shape [3]"));
  CHECK(x._version() == 1);  // refused before writing
  // A view of a non-leaf is written through: tests/autograd/test_grad_inplace_view.cpp.
}

TEST_CASE("a view made a leaf by requires_grad_ refuses in-place ops like any leaf", "[autograd][grad]") {
  // Its base does not require grad, so the view is a leaf of its own (LibTorch throws too).
  Tensor base = arange(6, kFloat64);
  Tensor v = base.reshape({2, 3}).requires_grad_(true);
  REQUIRE(v.is_leaf());
  REQUIRE(v.requires_grad());
  CHECK_THROWS_WITH(v.add_(1), Contains("[add_]") && Contains("a leaf tensor that requires grad"));
  CHECK(values(base) == V{0, 1, 2, 3, 4, 5});  // refused before writing
  {
    NoGradGuard g;  // allowed without grad mode, and written through to the base
    v.add_(1);
  }
  CHECK(values(base) == V{1, 2, 3, 4, 5, 6});
  // The base itself still takes in-place ops: it does not require grad.
  base.mul_(2);
  CHECK(values(v.reshape({6})) == V{2, 4, 6, 8, 10, 12});
}

TEST_CASE("a saved tensor modified in place is caught at backward", "[autograd][grad]") {
  Tensor x = leaf({1, 2});
  SECTION("the saved output of exp") {
    Tensor y = x.exp();
    y.add_(1);
    CHECK_THROWS_WITH(autograd::backward({y}, {ones({2}, kFloat64)}), Contains("saved by ExpBackward0 at version 0") &&
                                                                          Contains("modified by add_") &&
                                                                          Contains("now at version 1"));
    if (y.sum().requires_grad())  // once sum records (the reduce family)
      CHECK_THROWS_WITH(y.sum().backward(), Contains("saved by ExpBackward0"));
  }
  SECTION("a saved input of mul, even written by the very op that saved it") {
    Tensor c = plain({3, 4});
    Tensor y = c * x;  // c is saved for x's gradient
    c.add_(1);
    CHECK_THROWS_WITH(autograd::backward({y}, {ones({2}, kFloat64)}), Contains("saved by MulBackward0"));
    Tensor z = x * 1, zt = z.view({2, 1}).t();  // a second handle on z's storage
    z.mul_(zt.squeeze(0));
    CHECK_THROWS_WITH(autograd::backward({z}, {ones({2}, kFloat64)}), Contains("modified by mul_"));
  }
  SECTION("an input no gradient needs is not saved") {
    Tensor c = plain({3, 4});
    Tensor y = x * c;  // x is needed only for c's gradient, which nobody wants
    {
      NoGradGuard g;
      x.add_(1);
    }
    autograd::backward({y}, {ones({2}, kFloat64)});
    CHECK(values(x.grad()) == V{3, 4});
  }
}

TEST_CASE("create_graph through elementwise ops gives second derivatives", "[autograd][grad]") {
  Tensor x = leaf({0.5, 1.0});
  Tensor y = x * x * x;  // y' = 3x^2, y'' = 6x
  Tensor g = autograd::grad({y}, {x}, {ones({2}, kFloat64)}, true, true)[0];
  CHECK(g.requires_grad());
  CHECK(values(g) == V{0.75, 3});
  CHECK(grad_of(g, x) == V{3, 6});
  Tensor s = x.sigmoid();
  Tensor gs = autograd::grad({s}, {x}, {ones({2}, kFloat64)}, true, true)[0];  // s' = s(1-s)
  V want;
  for (double v : values(s)) want.push_back(v * (1 - v) * (1 - 2 * v));
  V got = grad_of(gs, x);
  CHECK(got[0] == Approx(want[0]));
  CHECK(got[1] == Approx(want[1]));
}
