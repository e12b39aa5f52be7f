// In-place writes through views (Note [In-place on a view], autograd/autograd_meta.h): the
// base's history is rebased as LibTorch's CopySlices, sibling views made before the write
// get their history anew, and a buffer written with a tensor that requires grad starts
// requiring grad.  Expected gradients are worked by hand (and agree with LibTorch 1.13).
#include "convis/autograd/engine.h"
#include "grad_rows.h"
#include "convis/autograd/grad_mode.h"

using namespace convis;
using Catch::Contains;
using convis::autograd::variable_list;
using convis_test::grad_fn_name;
using convis_test::leaf;
using convis_test::values;
using V = std::vector<double>;

TEST_CASE("a write through a view of a non-leaf rebases the base (CopySlices)", "[autograd][grad]") {
  Tensor v = leaf({1, 1, 1, 1});
  Tensor acc = v * 1.0;
  Tensor head = acc.slice(0, 0, 2);
  head.mul_(3);
  CHECK(grad_fn_name(acc) == "CopySlices");
  CHECK(grad_fn_name(head) == "AsStridedBackward0");
  CHECK(values(acc) == V{3, 3, 1, 1});
  acc.sum().backward();
  CHECK(values(v.grad()) == V{3, 3, 1, 1});
}

TEST_CASE("writes through views: the other input, nested views, the view itself", "[autograd][grad]") {
  Tensor v = leaf({1, 2, 3, 4, 5, 6}), w = leaf({10, 20});
  SECTION("the other operand gets its gradient from inside the view") {
    Tensor acc = v * 1.0;
    acc.slice(0, 1, 5, 2).mul_(w);  // elements 1 and 3
    acc.sum().backward();
    CHECK(values(v.grad()) == V{1, 10, 1, 20, 1, 1});
    CHECK(values(w.grad()) == V{2, 4});
  }
  SECTION("a view of a view of a 2-D base") {
    Tensor acc = (v * 1.0).view({2, 3});
    acc.t().select(0, 1).add_(w);  // column 1
    (acc * acc).sum().backward();  // d/dv of sum(acc^2) = 2 acc
    CHECK(values(acc) == V{1, 12, 3, 4, 25, 6});
    CHECK(values(v.grad()) == V{2, 24, 6, 8, 50, 12});
    CHECK(values(w.grad()) == V{24, 50});
  }
  SECTION("the view used after the write") {
    Tensor acc = v * 2.0;
    Tensor mid = acc.narrow(0, 2, 2);
    mid.exp_();
    mid.sum().backward();  // d/dv exp(2v) = 2 exp(2v) on elements 2, 3 only
    V g = values(v.grad());
    CHECK(g[0] == 0);
    CHECK(g[2] == Approx(2 * std::exp(6.0)));
    CHECK(g[3] == Approx(2 * std::exp(8.0)));
    CHECK(g[5] == 0);
  }
}

TEST_CASE("views made before a write see it", "[autograd][grad]") {
  Tensor v = leaf({1, 1, 1, 1});
  SECTION("a sibling view overlapping the written one") {
    Tensor acc = v * 1.0;
    Tensor first3 = acc.slice(0, 0, 3);
    acc.slice(0, 1, 2).mul_(5);
    first3.sum().backward();
    CHECK(values(v.grad()) == V{1, 5, 1, 0});
  }
  SECTION("a view of a base written as a whole") {
    Tensor acc = v * 1.0;
    Tensor head = acc.slice(0, 0, 2);
    acc.mul_(2);
    (head * 1).sum().backward();
    CHECK(values(v.grad()) == V{2, 2, 0, 0});
  }
}

TEST_CASE("a buffer written through a view with a tensor that requires grad", "[autograd][grad]") {
  Tensor w = leaf({2, 3});
  Tensor out = zeros({4}, dtype(kFloat64));
  Tensor part = out.slice(0, 1, 3);
  CHECK_FALSE(out.requires_grad());
  part.copy_(w * w);
  CHECK(out.requires_grad());
  CHECK(grad_fn_name(out) == "CopySlices");
  out.select(0, 0).fill_(7);  // a constant write: no gradient there
  CHECK(values(out) == V{7, 4, 9, 0});
  (out * out).sum().backward();  // d/dw sum(out^2) = 2 w^2 * 2 w
  CHECK(values(w.grad()) == V{32, 108});
}

TEST_CASE("in-place writes through views pass gradcheck and gradgradcheck", "[autograd][grad][gradcheck]") {
  auto f = [](const variable_list& x) {
    Tensor acc = x[0] * 1.0;                             // [2, 3]
    acc.select(1, 2).mul_(x[1]);                         // column 2 times w
    acc.slice(0, 0, 1).add_(acc.slice(0, 1, 2) * 0.5);  // row 0 += row 1 / 2 (row 1 is not written)
    acc.t().narrow(0, 0, 2).tanh_();                     // columns 0, 1
    return variable_list{acc * acc.sum()};
  };
  Tensor x = convis_test::leaf64({2, 3}), w = convis_test::leaf64({2});
  auto r = autograd::gradcheck(f, {x, w});
  INFO(r.message);
  CHECK(r.ok);
  auto rr = autograd::gradgradcheck(f, {x, w});
  INFO(rr.message);
  CHECK(rr.ok);
}

TEST_CASE("in-place methods are callable on a const Tensor&", "[autograd]") {
  Tensor x = leaf({1, 2});
  (x * x).sum().backward();
  const Tensor& g = x.grad();
  g.zero_();
  x.grad().add_(1).mul_(3);
  CHECK(values(x.grad()) == V{3, 3});
  const Tensor c = zeros({2}, dtype(kFloat64));
  c.fill_(2).sub_(ones({2}, dtype(kFloat64)));
  CHECK(values(c) == V{1, 1});
}

TEST_CASE("in-place writes through views that cannot be recorded throw", "[autograd][grad]") {
  Tensor v = leaf({1, 2, 3});
  Tensor acc = v * 1.0;
  Tensor made_without_grad;
  {
    NoGradGuard no_grad;
    made_without_grad = acc.slice(0, 0, 2);
  }
  CHECK_THROWS_WITH(made_without_grad.mul_(3), Contains("[mul_]") && Contains("made in no_grad mode"));
  CHECK(values(acc) == V{1, 2, 3});
  {
    NoGradGuard no_grad;
    made_without_grad.mul_(3);  // view and write both without grad mode: allowed, not recorded
  }
  CHECK(values(acc) == V{3, 6, 3});
  Tensor row = (v * 1.0).view({1, 3});
  CHECK_THROWS_WITH(row.expand({2, 3}).add_(1), Contains("single memory location"));
}

TEST_CASE("a base whose data is replaced (set_data) no longer has the old views", "[autograd][grad]") {
  Tensor v = leaf({1, 2, 3, 4});
  Tensor acc = v * 1.0;
  Tensor head = acc.slice(0, 0, 2);
  acc.set_data(zeros({3}, dtype(kFloat64)));  // head still reads the old storage
  head.mul_(3);                               // recorded on head alone
  CHECK(values(acc) == V{0, 0, 0});
  head.sum().backward();
  CHECK(values(v.grad()) == V{3, 3, 0, 0});
  CHECK_THROWS_WITH(acc.set_data(Tensor()), Contains("[set_data]") && Contains("undefined"));
}

TEST_CASE("a write that saves a view of its own base holds no reference cycle", "[autograd][grad]") {
  // b is saved by the write into a, whose node joins the base's history; the saved b must not
  // hold the base (the sanitizer build's leak check fails otherwise).  As in LibTorch, a and b
  // share one version counter, so backward reports b as modified.
  Tensor v = leaf({1, 2, 3, 4});
  Tensor acc = v * 1.0;
  Tensor a = acc.slice(0, 0, 2), b = acc.slice(0, 2, 4);
  a.mul_(b);
  CHECK(values(acc) == V{3, 8, 3, 4});
  CHECK_THROWS_WITH(acc.sum().backward(), Contains("modified by mul_"));
  Tensor z = v * 1.0;
  z.mul_(z.slice(0, 0, 1));  // a write to the base that saves a view of it (broadcast)
  CHECK_THROWS_WITH(z.sum().backward(), Contains("modified by mul_"));
}
