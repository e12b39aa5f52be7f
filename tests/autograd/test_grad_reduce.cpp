// Gradchecks of the reduce family (rows used by test_grad_coverage.cpp too): the reductions
// here, the indexing ops in test_grad_reduce_index.cpp; hand-checked gradients, node names
// and the non-differentiable ops.
#include "grad_rows.h"

#include "convis/autograd/autograd_meta.h"
#include "convis/autograd/engine.h"

using namespace convis;
using convis::autograd::variable_list;
using convis_test::values;
using V = std::vector<double>;

namespace convis_test {

// Leaves for the rows of both files of this family (defined below).
Tensor transposed_leaf(int64_t a, int64_t b);          // [a, b], the transpose of a [b, a] leaf
Tensor stepped_leaf(Shape shape);                       // every other element of the last dim
Tensor values_leaf(std::initializer_list<double> v, const Shape& shape);
Tensor stepped_values_leaf(std::initializer_list<double> v, const Shape& shape);  // v: twice the elements
std::vector<GradRow> reduce_index_grad_rows();          // tests/autograd/test_grad_reduce_index.cpp
bool elementwise_records();                             // whether mul records (the elementwise family)
bool views_record();                                    // whether unsqueeze records (the shape family)

namespace {

GradRow row(std::string op, std::string what, std::function<Tensor(const variable_list&)> f, variable_list in,
            bool gradgrad = true) {
  return {std::move(op), std::move(what), [f](const variable_list& x) { return variable_list{f(x)}; }, std::move(in),
          gradgrad};
}

std::vector<GradRow> sum_mean_prod_rows() {
  return {
      row("sum", "all", [](auto& x) { return x[0].sum(); }, {leaf64({3, 4})}),
      row("sum", "dim 1, transposed input", [](auto& x) { return x[0].sum({1}); }, {transposed_leaf(3, 4)}),
      row("sum", "dims {0, -1}, keepdim, stepped input", [](auto& x) { return x[0].sum({0, -1}, true); },
          {stepped_leaf({2, 3, 2})}),
      row("sum", "0-dim", [](auto& x) { return x[0].sum(); }, {leaf64({})}),
      row("mean", "all", [](auto& x) { return x[0].mean(); }, {leaf64({3, 4})}),
      row("mean", "dim 0, keepdim, transposed", [](auto& x) { return x[0].mean({0}, true); }, {transposed_leaf(3, 4)}),
      row("prod", "all, no zeros", [](auto& x) { return x[0].prod(); }, {leaf64({2, 3}, 0.5, 1.5)}),
      row("prod", "all, one zero", [](auto& x) { return x[0].prod(); }, {values_leaf({1.5, 0, -2, 0.5, 3}, {5})}),
      row("prod", "all, two zeros", [](auto& x) { return x[0].prod(); }, {values_leaf({1.5, 0, -2, 0, 3}, {5})}),
      row("prod", "dim 1, zeros in some rows", [](auto& x) { return x[0].prod(1); },
          {values_leaf({1, 0, 3, 0.5, 2, -1, 0.7, 1.2, 0, 0, 2, 3, 1, 1, 1}, {3, 5})}),
      row("prod", "dim 0, keepdim, transposed", [](auto& x) { return x[0].prod(0, true); }, {transposed_leaf(3, 2)}),
      row("prod", "dim -1, stepped, one zero", [](auto& x) { return x[0].prod(-1); },
          {stepped_values_leaf({2, 9, 0, 9, 3, 9, -1, 9, 0.5, 9, 2, 9}, {2, 3})}),
  };
}

std::vector<GradRow> extreme_rows() {
  Tensor ties = values_leaf({1, 3, 3, 2, 0, 0.5}, {2, 3});  // two equal maxima in row 0
  Tensor low = values_leaf({1, -3, -3, 2, 0, 0.5}, {2, 3});
  return {
      // at a tie the first derivative jumps: no second derivative (gradgrad = false)
      row("amax", "dim 1, two tied maxima", [](auto& x) { return x[0].amax({1}); }, {ties}, false),
      row("amax", "all, keepdim, transposed", [](auto& x) { return x[0].amax({}, true); }, {transposed_leaf(3, 4)}),
      row("amin", "dims {0, 1}, two tied minima", [](auto& x) { return x[0].amin({0, 1}); }, {low}, false),
      row("amin", "dim 0, stepped", [](auto& x) { return x[0].amin({0}); }, {stepped_leaf({3, 4})}),
      row("max", "all", [](auto& x) { return x[0].max(); }, {leaf64({3, 4})}),
      row("max", "all, two tied maxima", [](auto& x) { return x[0].max(); }, {ties}, false),
      row("max", "dim 1 values", [](auto& x) { return std::get<0>(x[0].max(1)); }, {leaf64({3, 4})}),
      row("max", "dim 0 values, keepdim, transposed", [](auto& x) { return std::get<0>(x[0].max(0, true)); },
          {transposed_leaf(3, 4)}),
      row("min", "all", [](auto& x) { return x[0].min(); }, {leaf64({3, 4})}),
      row("min", "dim -1 values, stepped", [](auto& x) { return std::get<0>(x[0].min(-1)); }, {stepped_leaf({3, 4})}),
  };
}

std::vector<GradRow> moment_rows() {
  return {
      row("var", "all, unbiased", [](auto& x) { return x[0].var(); }, {leaf64({3, 4})}),
      row("var", "dim 1, biased, transposed", [](auto& x) { return x[0].var({1}, false); }, {transposed_leaf(3, 4)}),
      row("var", "dims {0, 2}, keepdim", [](auto& x) { return x[0].var({0, 2}, true, true); }, {leaf64({2, 3, 2})}),
      row("std", "all", [](auto& x) { return x[0].std(); }, {leaf64({3, 4})}),
      row("std", "dim 0, keepdim, stepped", [](auto& x) { return x[0].std({0}, true, true); }, {stepped_leaf({3, 4})}),
      row("norm", "p = 2, all", [](auto& x) { return x[0].norm(); }, {leaf64({3, 4})}),
      row("norm", "p = 2, dim 1, transposed", [](auto& x) { return x[0].norm(2, {1}); }, {transposed_leaf(3, 4)}),
      row("norm", "p = 1, dim 0", [](auto& x) { return x[0].norm(1, {0}); }, {leaf64({3, 4})}),
      row("norm", "p = inf, dim 1", [](auto& x) { return x[0].norm(INFINITY, {1}); }, {leaf64({3, 4})}),
      row("norm", "p = -inf, all", [](auto& x) { return x[0].norm(-INFINITY); }, {leaf64({3, 4})}),
      row("norm", "p = 3, dim 1, keepdim, stepped", [](auto& x) { return x[0].norm(3, {1}, true); },
          {stepped_leaf({3, 4})}),
      row("norm", "p = 1.5, all", [](auto& x) { return x[0].norm(1.5); }, {leaf64({3, 4})}),
      row("norm", "p = 0.5, dim 0", [](auto& x) { return x[0].norm(0.5, {0}); }, {leaf64({3, 4}, 0.2, 1.0)}),
      row("norm", "p = 0 (no gradient)", [](auto& x) { return x[0].norm(0); }, {leaf64({3, 4})}),
      row("logsumexp", "dim 1", [](auto& x) { return x[0].logsumexp({1}); }, {leaf64({3, 4})}),
      row("logsumexp", "all dims, keepdim, transposed", [](auto& x) { return x[0].logsumexp({0, 1}, true); },
          {transposed_leaf(3, 4)}),
      row("softmax", "dim 1", [](auto& x) { return x[0].softmax(1); }, {leaf64({3, 4})}),
      row("softmax", "dim 0, transposed", [](auto& x) { return x[0].softmax(0); }, {transposed_leaf(3, 4)}),
      row("log_softmax", "dim -1", [](auto& x) { return x[0].log_softmax(-1); }, {leaf64({3, 4})}),
      row("log_softmax", "dim 0, stepped", [](auto& x) { return x[0].log_softmax(0); }, {stepped_leaf({3, 4})}),
      row("cumsum", "dim 1", [](auto& x) { return x[0].cumsum(1); }, {leaf64({3, 4})}),
      row("cumsum", "dim 0, transposed", [](auto& x) { return x[0].cumsum(0); }, {transposed_leaf(3, 4)}),
  };
}

}  // namespace

Tensor transposed_leaf(int64_t a, int64_t b) { return leaf64({b, a}).detach().t().requires_grad_(true); }

Tensor stepped_leaf(Shape shape) {
  shape[shape.size() - 1] *= 2;
  return leaf64(shape).detach().slice(-1, 0, shape.back(), 2).requires_grad_(true);
}

Tensor values_leaf(std::initializer_list<double> v, const Shape& shape) {
  return tensor(v, kFloat64).view(shape).requires_grad_(true);
}

Tensor stepped_values_leaf(std::initializer_list<double> v, const Shape& shape) {
  Shape wide = shape;
  wide[wide.size() - 1] *= 2;
  return tensor(v, kFloat64).view(wide).slice(-1, 0, wide.back(), 2).requires_grad_(true);
}

// Note [Rows that need the other families]
// Several backward formulas here are built from other families' ops (prod's from mul and
// div, softmax's from mul and sum, ...), and some rows index through views (slice, select).
// Gradients of the first order only need those ops to compute; second derivatives and
// gradients through a view need them to record.  In a tree where those families are not yet
// differentiable, the checks that need them are skipped with a warning instead of failing.
bool elementwise_records() { return (leaf64({2}) * 2.0).requires_grad(); }
bool views_record() { return leaf64({2}).unsqueeze(0).requires_grad(); }

std::vector<GradRow> reduce_grad_rows() {
  std::vector<GradRow> rows;
  for (auto part : {sum_mean_prod_rows(), extreme_rows(), moment_rows(), reduce_index_grad_rows()})
    rows.insert(rows.end(), part.begin(), part.end());
  return rows;
}

}  // namespace convis_test

using convis_test::values_leaf;

TEST_CASE("reduce family: gradcheck and gradgradcheck rows", "[autograd][grad]") {
  const bool elementwise = convis_test::elementwise_records(), views = convis_test::views_record();
  if (!elementwise) WARN("elementwise ops do not record here: gradgradcheck skipped");
  if (!views) WARN("view ops do not record here: rows marked [views] skipped");
  std::vector<convis_test::GradRow> rows;
  for (convis_test::GradRow r : convis_test::reduce_grad_rows()) {
    if (!views && r.what.find("[views]") != std::string::npos) continue;
    r.gradgrad = r.gradgrad && elementwise;
    rows.push_back(std::move(r));
  }
  convis_test::run_grad_rows(rows);
}

namespace {
V grad_of(const Tensor& y, const Tensor& x) {
  return values(autograd::grad({y.sum()}, {x})[0]);
}
}  // namespace

TEST_CASE("reductions record LibTorch's node names", "[autograd][grad]") {
  Tensor x = convis_test::leaf64({2, 3});
  CHECK(x.sum().grad_fn()->name() == "SumBackward0");
  CHECK(x.sum({1}).grad_fn()->name() == "SumBackward1");
  CHECK(x.mean().grad_fn()->name() == "MeanBackward0");
  CHECK(x.mean({0}).grad_fn()->name() == "MeanBackward1");
  CHECK(x.prod().grad_fn()->name() == "ProdBackward0");
  CHECK(x.prod(1).grad_fn()->name() == "ProdBackward1");
  CHECK(x.amax({1}).grad_fn()->name() == "AmaxBackward0");
  CHECK(x.amin().grad_fn()->name() == "AminBackward0");
  CHECK(x.max().grad_fn()->name() == "MaxBackward1");
  CHECK(x.min().grad_fn()->name() == "MinBackward1");
  CHECK(std::get<0>(x.max(1)).grad_fn()->name() == "MaxBackward0");
  CHECK(std::get<0>(x.min(0)).grad_fn()->name() == "MinBackward0");
  CHECK(x.var().grad_fn()->name() == "VarBackward0");
  CHECK(x.std({1}).grad_fn()->name() == "StdBackward0");
  CHECK(x.norm().grad_fn()->name() == "NormBackward0");
  CHECK(x.norm(1, {1}).grad_fn()->name() == "NormBackward1");
  CHECK(x.logsumexp({1}).grad_fn()->name() == "LogsumexpBackward0");
  CHECK(x.softmax(1).grad_fn()->name() == "SoftmaxBackward0");
  CHECK(x.log_softmax(1).grad_fn()->name() == "LogSoftmaxBackward0");
  CHECK(x.cumsum(0).grad_fn()->name() == "CumsumBackward0");
}

TEST_CASE("prod's gradient is right with zeros (values as torch 1.13)", "[autograd][grad]") {
  Tensor x = values_leaf({1, 3, 3, 2, 0, 3}, {2, 3});
  CHECK(grad_of(x.prod(1), x) == V{9, 3, 3, 0, 6, 0});
  CHECK(grad_of(x.prod(), x) == V{0, 0, 0, 0, 54, 0});
  Tensor two = values_leaf({0, 0, 2}, {3});
  CHECK(grad_of(two.prod(), two) == V{0, 0, 0});
  Tensor none = values_leaf({2, 4, 0.5}, {3});
  CHECK(grad_of(none.prod(), none) == V{2, 1, 8});
  if (!convis_test::elementwise_records()) return;  // Note [Rows that need the other families]
  // the second derivative at a zero: d2 prod / dx0 dx1 = x2 = 2 (torch's formula says 0 here)
  Tensor one = values_leaf({0, 5, 2}, {3});
  Tensor g = autograd::grad({one.prod()}, {one}, {}, true, true)[0];
  CHECK(values(autograd::grad({g.select(0, 0)}, {one})[0]) == V{0, 2, 5});
}

TEST_CASE("max, amax and norm share the gradient among ties as torch 1.13", "[autograd][grad]") {
  Tensor x = values_leaf({1, 3, 3, 2, 0, 3}, {2, 3});
  const double third = 1.0 / 3;
  CHECK(grad_of(x.max(), x) == V{0, third, third, 0, 0, third});
  CHECK(grad_of(x.amax({1}), x) == V{0, 0.5, 0.5, 0, 0, 1});
  CHECK(grad_of(std::get<0>(x.max(1)), x) == V{0, 1, 0, 0, 0, 1});  // the returned index only
  CHECK(grad_of(x.norm(INFINITY), x) == V{0, third, third, 0, 0, third});
  Tensor z = convis::zeros({3}, dtype(kFloat64).requires_grad(true));
  CHECK(grad_of(z.norm(), z) == V{0, 0, 0});  // the subgradient 0 at 0
  CHECK(grad_of(z.std(), z) == V{0, 0, 0});
  Tensor w = values_leaf({0, 0, 2}, {3});
  CHECK(grad_of(w.norm(1), w) == V{0, 0, 1});
  Tensor m = values_leaf({1, -2, 2}, {3});
  CHECK(grad_of(m.norm(-INFINITY), m) == V{1, 0, 0});
  CHECK(!autograd::grad({m.norm(0)}, {m}, {}, std::nullopt, false, true)[0].defined());
}

TEST_CASE("softmax, cumsum and the moments: hand-checked gradients", "[autograd][grad]") {
  Tensor x = values_leaf({1, 2, 3, 4}, {4});
  CHECK(grad_of(x.cumsum(0), x) == V{4, 3, 2, 1});
  CHECK(grad_of(x.mean(), x) == V{0.25, 0.25, 0.25, 0.25});
  CHECK(grad_of(x.var(), x) == V{-1, -1.0 / 3, 1.0 / 3, 1});  // 2 (x - 2.5) / 3
  // softmax rows sum to 1, so the gradient of their sum is 0
  for (double v : grad_of(x.softmax(0), x)) CHECK(std::abs(v) < 1e-12);
  Tensor y = values_leaf({0, 0}, {2});
  CHECK(grad_of(y.logsumexp({0}), y) == V{0.5, 0.5});
}

TEST_CASE("argmax, argmin, all, any and max's indices never require grad", "[autograd][grad]") {
  Tensor x = convis_test::leaf64({2, 3});
  CHECK(!x.argmax().requires_grad());
  CHECK(!x.argmin(1).requires_grad());
  CHECK(!x.all().requires_grad());
  CHECK(!x.any(0).requires_grad());
  auto [v, i] = x.max(1);
  CHECK(v.requires_grad());
  CHECK(!i.requires_grad());
  CHECK(!std::get<1>(x.min(0)).requires_grad());
  CHECK(!x.sum(kInt64).requires_grad());  // an integer result is not differentiable
  CHECK(x.sum(kFloat32).requires_grad());
  CHECK(x.sum(kFloat32).grad_fn()->name() == "SumBackward0");
}

TEST_CASE("a reduction's gradient takes the input's dtype; saved inputs are version-checked", "[autograd][grad]") {
  Tensor x = convis::ones({4}, dtype(kFloat32).requires_grad(true));
  x.mean(kFloat64).backward();
  CHECK(x.grad().dtype() == kFloat32);
  CHECK(values(x.grad()) == V{0.25, 0.25, 0.25, 0.25});
  Tensor leaf = convis_test::leaf64({3});
  Tensor z = leaf.index_select(0, arange(3));  // a non-leaf copy
  Tensor p = z.prod();
  z.index_put_({0}, 5.0);
  CHECK_THROWS_WITH(p.backward(), Catch::Contains("ProdBackward0"));
}
