// Gradchecks of the indexing ops of the reduce family (index_select, gather, scatter,
// scatter_add, index_add, Tensor::index, index_put_ and the in-place forms), hand-checked
// gradients, node names and the in-place rules.
#include "grad_rows.h"

#include "convis/autograd/engine.h"
#include "convis/autograd/grad_mode.h"

using namespace convis;
using namespace convis::indexing;
using convis::autograd::variable_list;
using convis_test::values;
using V = std::vector<double>;

namespace convis_test {

Tensor transposed_leaf(int64_t a, int64_t b);  // tests/autograd/test_grad_reduce.cpp
Tensor values_leaf(std::initializer_list<double> v, const Shape& shape);
bool views_record();

namespace {

GradRow row(std::string op, std::string what, std::function<Tensor(const variable_list&)> f, variable_list in,
            bool gradgrad = true) {
  return {std::move(op), std::move(what), [f](const variable_list& x) { return variable_list{f(x)}; }, std::move(in),
          gradgrad};
}

Tensor idx(std::vector<int64_t> v, const Shape& shape = {}) {
  Tensor t = tensor(v);
  return shape.empty() ? t : t.view(shape);
}

// A non-leaf copy of x (a target for the in-place ops), made by an op of this family.
Tensor copy_of(const Tensor& x) { return x.index_select(0, arange(x.size(0))); }

std::vector<GradRow> select_rows() {
  Tensor rows3 = idx({0, 2, 0});
  Tensor g2 = idx({0, 0, 3, 1, 2, 1, 3, 3, 3}, {3, 3});
  return {
      row("index_select", "dim 0, repeated indices", [=](auto& x) { return x[0].index_select(0, rows3); },
          {leaf64({4, 3})}),
      row("index_select", "dim 1, transposed", [](auto& x) { return x[0].index_select(1, idx({3, 1})); },
          {transposed_leaf(3, 4)}),
      row("gather", "dim 1, repeated indices", [=](auto& x) { return x[0].gather(1, g2); }, {leaf64({3, 4})}),
      row("gather", "dim 0, transposed", [](auto& x) { return x[0].gather(0, idx({2, 0, 1, 1}, {1, 4})); },
          {transposed_leaf(3, 4)}),
  };
}

std::vector<GradRow> scatter_rows() {
  Tensor s = idx({0, 1, 2, 3, 1, 0}, {3, 2});  // no repeats within a row
  Tensor dup = idx({0, 0, 1, 3, 3, 3, 2, 1, 2}, {3, 3});
  return {
      row("scatter", "src of index's shape", [=](auto& x) { return x[0].scatter(1, s, x[1]); },
          {leaf64({3, 4}), leaf64({3, 2})}),
      row("scatter", "src larger than index", [=](auto& x) { return x[0].scatter(1, s, x[1]); },
          {leaf64({3, 4}), leaf64({3, 3})}),
      row("scatter", "value form, transposed", [=](auto& x) { return x[0].scatter(1, s, 2.5); },
          {transposed_leaf(3, 4)}),
      row("scatter_add", "repeated indices", [=](auto& x) { return x[0].scatter_add(1, dup, x[1]); },
          {leaf64({3, 4}), leaf64({3, 3})}),
      row("index_add", "dim 0, repeated, alpha 2", [](auto& x) { return x[0].index_add(0, idx({0, 2, 0}), x[1], 2); },
          {leaf64({4, 3}), leaf64({3, 3})}),
      row("index_add", "dim 1, transposed self", [](auto& x) { return x[0].index_add(1, idx({3, 0}), x[1]); },
          {transposed_leaf(3, 4), leaf64({3, 2})}),
      row("scatter_", "on a non-leaf", [=](auto& x) { return copy_of(x[0]).scatter_(1, s, x[1]); },
          {leaf64({3, 4}), leaf64({3, 2})}),
      row("scatter_", "value form", [=](auto& x) { return copy_of(x[0]).scatter_(1, s, -1.0); }, {leaf64({3, 4})}),
      row("scatter_add_", "repeated indices", [=](auto& x) { return copy_of(x[0]).scatter_add_(1, dup, x[1]); },
          {leaf64({3, 4}), leaf64({3, 3})}),
      row("index_add_", "alpha 0.5", [](auto& x) { return copy_of(x[0]).index_add_(0, idx({1, 1}), x[1], 0.5); },
          {leaf64({3, 4}), leaf64({2, 4})}),
  };
}

std::vector<GradRow> index_rows() {
  Tensor mask = tensor({true, false, true, true, false, false, true, false, true, true, false, true}).view({3, 4});
  return {
      row("index", "advanced: repeated rows", [](auto& x) { return x[0].index({idx({0, 2, 0})}); }, {leaf64({4, 3})}),
      row("index", "advanced: a 2-D index, transposed input",
          [](auto& x) { return x[0].index({idx({0, 1, 2, 2}, {2, 2})}); }, {transposed_leaf(3, 4)}),
      row("index", "advanced after a slice [views]", [](auto& x) { return x[0].index({Slice(), idx({2, 0, 2})}); },
          {leaf64({2, 4})}),
      row("index", "advanced, not adjacent (broadcast, Ellipsis between)",
          [](auto& x) { return x[0].index({idx({0, 2, 2}, {3, 1}), Ellipsis, idx({1, 0})}); }, {leaf64({3, 4, 2})}),
      row("index", "advanced, not adjacent (a Slice between) [views]",
          [](auto& x) { return x[0].index({idx({1, 0}), Slice(), idx({0, 1})}); }, {leaf64({3, 2, 2})}),
      row("index", "boolean mask", [=](auto& x) { return x[0].index({mask}); }, {leaf64({3, 4})}),
      row("index", "basic: int, stepped slice, None [views]", [](auto& x) { return x[0].index({1, Slice(None, None, 2), None}); },
          {leaf64({3, 4})}),
      row("index", "basic: Ellipsis only (an alias)", [](auto& x) { return x[0].index({Ellipsis}); }, {leaf64({3, 2})}),
      row("index_put_", "advanced, tensor value",
          [](auto& x) { return copy_of(x[0]).index_put_({idx({0, 2})}, x[1]); }, {leaf64({4, 3}), leaf64({2, 3})}),
      row("index_put_", "advanced, broadcast value with leading 1s",
          [](auto& x) { return copy_of(x[0]).index_put_({idx({1, 3})}, x[1]); }, {leaf64({4, 3}), leaf64({1, 1, 3})}),
      row("index_put_", "mask, scalar value", [=](auto& x) { return copy_of(x[0]).index_put_({mask}, 0.5); },
          {leaf64({3, 4})}),
      row("index_put_", "basic (CopySlices)", [](auto& x) { return copy_of(x[0]).index_put_({Slice(), 1}, x[1]); },
          {leaf64({3, 4}), leaf64({3})}),
  };
}

}  // namespace

std::vector<GradRow> reduce_index_grad_rows() {
  std::vector<GradRow> rows;
  for (auto part : {select_rows(), scatter_rows(), index_rows()}) rows.insert(rows.end(), part.begin(), part.end());
  return rows;
}

}  // namespace convis_test

using convis_test::leaf64;
using convis_test::values_leaf;

namespace {
Tensor ix(std::vector<int64_t> v) { return tensor(v); }
V grad_of(const Tensor& y, const Tensor& x) { return values(autograd::grad({y.sum()}, {x})[0]); }
}  // namespace

TEST_CASE("indexing ops record LibTorch's node names", "[autograd][grad]") {
  Tensor x = leaf64({3, 4}), s = leaf64({3, 4});
  Tensor i2 = ix({0, 1, 1, 0}).view({2, 2});
  CHECK(x.index_select(0, ix({1})).grad_fn()->name() == "IndexSelectBackward0");
  CHECK(x.gather(1, i2).grad_fn()->name() == "GatherBackward0");
  CHECK(x.scatter(1, i2, s).grad_fn()->name() == "ScatterBackward0");
  CHECK(x.scatter(1, i2, 1.0).grad_fn()->name() == "ScatterBackward1");
  CHECK(x.scatter_add(1, i2, s).grad_fn()->name() == "ScatterAddBackward0");
  CHECK(x.index_add(0, ix({1}), s.narrow(0, 0, 1)).grad_fn()->name() == "IndexAddBackward0");
  CHECK(x.index({ix({0, 2})}).grad_fn()->name() == "IndexBackward0");
  CHECK(x.index({Ellipsis}).grad_fn()->name() == "AliasBackward0");
  Tensor y = x.index_select(0, arange(3));
  CHECK(y.index_put_({ix({0})}, 1.0).grad_fn()->name() == "IndexPutBackward0");
  CHECK(y.index_put_({0}, 1.0).grad_fn()->name() == "CopySlices");
  CHECK(y.scatter_(1, i2, s).grad_fn()->name() == "ScatterBackward0");
  CHECK(y.scatter_add_(1, i2, s).grad_fn()->name() == "ScatterAddBackward0");
  CHECK(y.index_add_(0, ix({1}), s.narrow(0, 0, 1)).grad_fn()->name() == "IndexAddBackward0");
  // each in-place node's first edge is y's previous history
  CHECK(y.grad_fn()->next_edges()[0].function->name() == "ScatterAddBackward0");
}

TEST_CASE("advanced indexing accumulates repeated positions", "[autograd][grad]") {
  Tensor x = values_leaf({1, 2, 3, 4, 5, 6}, {3, 2});
  CHECK(grad_of(x.index({ix({0, 0, 2, 0})}), x) == V{3, 3, 0, 0, 1, 1});
  CHECK(grad_of(x.index({ix({2, 2}), ix({1, 1})}), x) == V{0, 0, 0, 0, 0, 2});
  CHECK(grad_of(x.index({ix({-1, 2})}), x) == V{0, 0, 0, 0, 2, 2});  // negative indices wrap
  Tensor m = tensor({true, false, false, true, true, false}).view({3, 2});
  CHECK(grad_of(x.index({m}), x) == V{1, 0, 0, 1, 1, 0});
  CHECK(grad_of(x.index_select(0, ix({1, 1})), x) == V{0, 0, 2, 2, 0, 0});
  CHECK(grad_of(x.gather(0, ix({2, 2, 2, 0}).view({2, 2})), x) == V{0, 1, 0, 0, 2, 1});
  if (convis_test::views_record())  // Note [Rows that need the other families]
    CHECK(grad_of(x.index({Slice(), ix({0, 0, 0})}), x) == V{3, 0, 3, 0, 3, 0});
}

TEST_CASE("scatter masks self's gradient; src's is gathered (padded when larger)", "[autograd][grad]") {
  Tensor x = leaf64({2, 3}), src = leaf64({2, 4});
  Tensor i = ix({2, 0}).view({2, 1});
  Tensor y = x.scatter(1, i, src);
  auto g = autograd::grad({y.sum()}, {x, src});
  CHECK(values(g[0]) == V{1, 1, 0, 0, 1, 1});
  CHECK(values(g[1]) == V{1, 0, 0, 0, 1, 0, 0, 0});
  Tensor z = x.scatter_add(1, ix({1, 1, 0, 0}).view({2, 2}), src.narrow(1, 0, 2));
  CHECK(values(autograd::grad({z.sum()}, {x})[0]) == V{1, 1, 1, 1, 1, 1});
  Tensor src2 = leaf64({2, 2});
  Tensor w = x.index_add(1, ix({2, 2}), src2, 3.0);
  CHECK(values(autograd::grad({w.sum()}, {src2})[0]) == V{3, 3, 3, 3});
}

TEST_CASE("index_put_'s gradients: the overwritten part to the value", "[autograd][grad]") {
  Tensor x = leaf64({3, 2}), v = leaf64({1, 2});
  Tensor y = x.index_select(0, arange(3));
  y.index_put_({ix({0, 2})}, v);  // v [1, 2] broadcast to [2, 2]
  auto g = autograd::grad({y.sum()}, {x, v});
  CHECK(values(g[0]) == V{0, 0, 1, 1, 0, 0});
  CHECK(values(g[1]) == V{2, 2});
  CHECK(g[1].sizes() == Shape{1, 2});
  Tensor y2 = x.index_select(0, arange(3));
  Tensor w = leaf64({2});
  y2.index_put_({Slice(1, None), 0}, w);
  auto g2 = autograd::grad({y2.sum()}, {x, w});
  CHECK(values(g2[0]) == V{1, 1, 0, 1, 0, 1});
  CHECK(values(g2[1]) == V{1, 1});
}

TEST_CASE("the in-place indexing ops follow the in-place rules", "[autograd][grad]") {
  Tensor x = leaf64({3, 4}), s = leaf64({3, 4});
  Tensor i = ix({0, 1, 2}).view({3, 1});
  CHECK_THROWS_WITH(x.index_put_({0}, 1.0), Catch::Contains("[index_put_]") && Catch::Contains("leaf"));
  CHECK_THROWS_WITH(x.scatter_(1, i, s), Catch::Contains("[scatter_]") && Catch::Contains("leaf"));
  CHECK_THROWS_WITH(x.scatter_add_(1, i, s), Catch::Contains("[scatter_add_]"));
  CHECK_THROWS_WITH(x.index_add_(0, ix({0}), s.narrow(0, 0, 1)), Catch::Contains("[index_add_]"));
  Tensor a = x.index({Ellipsis});  // a view (an alias) of a leaf that requires grad
  CHECK_THROWS_WITH(a.index_put_({ix({0})}, 1.0), Catch::Contains("a view of a leaf tensor that requires grad"));
  {
    NoGradGuard no_grad;
    x.index_put_({0}, 2.0);  // allowed without grad mode
  }
  CHECK(values(x.select(0, 0)) == V{2, 2, 2, 2});
  // a target that does not require grad becomes part of the graph through the value
  Tensor t = zeros({3, 4}, kFloat64);
  t.scatter_(1, i, s);
  CHECK(t.requires_grad());
  CHECK(values(autograd::grad({t.sum()}, {s})[0]) == V{1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0});
  // a saved index modified in place is caught at backward
  Tensor j = ix({0, 1});
  Tensor y = x.index_select(0, j);
  j.index_put_({0}, int64_t(2));
  CHECK_THROWS_WITH(y.sum().backward(), Catch::Contains("IndexSelectBackward0"));
}
