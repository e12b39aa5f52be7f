// Tests of index_select, gather, scatter, scatter_add and index_add: hand-derived values,
// every dtype, non-contiguous inputs and indices, 0-dim and empty tensors, and the errors.
// Golden comparisons with PyTorch are in test_index_golden.cpp.
#include "helpers.h"

using namespace convis;

namespace {

// A tensor of `shape` holding `v` (row-major) in dtype `dt`.
Tensor T(const std::vector<double>& v, const Shape& shape, DType dt = kFloat32) {
  return tensor(v, TensorOptions(dt)).view(shape);
}
Tensor I(const std::vector<int64_t>& v, const Shape& shape) { return tensor(v).view(shape); }

// x = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] in dtype dt.
Tensor x34(DType dt = kFloat32) { return arange(12, TensorOptions(dt)).view({3, 4}); }

}  // namespace

TEST_CASE("index_select picks rows and columns in every dtype", "[index]") {
  for (DType dt : {kFloat32, kFloat64, kInt64}) {
    Tensor x = x34(dt);
    CHECK_ALLCLOSE(index_select(x, 0, I({2, 0, 2}, {3})), T({8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11}, {3, 4}, dt));
    CHECK_ALLCLOSE(x.index_select(-1, I({3, 1}, {2})), T({3, 1, 7, 5, 11, 9}, {3, 2}, dt));
  }
  Tensor b = T({1, 0, 0, 1, 1, 0}, {2, 3}, kBool);
  CHECK_ALLCLOSE(b.index_select(1, I({2, 0}, {2})), T({0, 1, 0, 1}, {2, 2}, kBool));
}

TEST_CASE("index_select on non-contiguous inputs, indices and odd shapes", "[index]") {
  Tensor x = x34().t();  // [4, 3], strides [1, 4]
  CHECK_ALLCLOSE(x.index_select(0, I({3, 0}, {2})), T({3, 7, 11, 0, 4, 8}, {2, 3}));
  CHECK_ALLCLOSE(x.index_select(1, I({2, 1}, {2})), T({8, 4, 9, 5, 10, 6, 11, 7}, {4, 2}));
  Tensor idx = I({0, 9, 2, 9, 1, 9}, {6}).slice(0, 0, 6, 2);  // [0, 2, 1], stride 2
  CHECK_ALLCLOSE(x34().index_select(0, idx), T({0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7}, {3, 4}));
  Tensor e = tensor({5.0}).expand({3, 2});  // stride 0
  CHECK_ALLCLOSE(e.index_select(0, I({1}, {1})), T({5, 5}, {1, 2}));
  Tensor x3 = arange(30, TensorOptions(kFloat64)).view({2, 3, 5});
  CHECK_ALLCLOSE(x3.index_select(1, I({2}, {1})), T({10, 11, 12, 13, 14, 25, 26, 27, 28, 29}, {2, 1, 5}, kFloat64));
}

TEST_CASE("index_select with 0-dim and empty tensors", "[index]") {
  CHECK_ALLCLOSE(tensor(5.0).index_select(0, I({0}, {1})), tensor(5.0));
  CHECK_ALLCLOSE(tensor(5.0).index_select(0, tensor(int64_t(0))), tensor(5.0));
  CHECK_ALLCLOSE(arange(3.0).index_select(0, tensor(int64_t(2))), T({2}, {1}));
  Tensor empty_idx = empty({0}, kInt64);
  CHECK(x34().index_select(0, empty_idx).sizes() == Shape{0, 4});
  CHECK(zeros({0, 3}).index_select(0, empty_idx).sizes() == Shape{0, 3});
  CHECK(zeros({2, 0}).index_select(0, I({1, 1, 0}, {3})).sizes() == Shape{3, 0});
  // The index is checked even when the result is empty.
  CHECK_THROWS_WITH(zeros({3, 0}).index_select(0, I({5}, {1})),
                    Catch::Contains("[index_select] index 5 is out of bounds for dimension 0 with size 3"));
}

TEST_CASE("index_select errors", "[index]") {
  Tensor x = x34();
  CHECK_THROWS_WITH(x.index_select(0, tensor({1.0})),
                    Catch::Contains("[index_select] expected index of dtype int64, got float32"));
  CHECK_THROWS_WITH(x.index_select(0, tensor({true})),
                    Catch::Contains("[index_select] expected index of dtype int64, got bool"));
  CHECK_THROWS_WITH(x.index_select(0, I({3}, {1})),
                    Catch::Contains("[index_select] index 3 is out of bounds for dimension 0 with size 3"));
  CHECK_THROWS_WITH(x.index_select(1, I({0, -1}, {2})),
                    Catch::Contains("[index_select] index -1 is out of bounds for dimension 1 with size 4"));
  CHECK_THROWS_WITH(x.index_select(0, I({1}, {1, 1})),
                    Catch::Contains("[index_select] expected a 1-D or 0-dim index, got a 2-D index of shape [1, 1]"));
  CHECK_THROWS_WITH(x.index_select(2, I({0}, {1})), Catch::Contains("[index_select] dim out of range"));
  CHECK_THROWS_WITH(tensor(1.0).index_select(0, I({0, 0}, {2})),
                    Catch::Contains("[index_select] expected an index of one element for a 0-dim tensor"));
}

TEST_CASE("gather along each dim, negative dims and every dtype", "[index]") {
  Tensor idx = I({0, 1, 2, 0}, {2, 2});
  for (DType dt : {kFloat32, kFloat64, kInt64}) {
    CHECK_ALLCLOSE(gather(x34(dt), 0, idx), T({0, 5, 8, 1}, {2, 2}, dt));
    CHECK_ALLCLOSE(x34(dt).gather(-1, idx), T({0, 1, 6, 4}, {2, 2}, dt));
  }
  Tensor b = T({1, 0, 0, 1}, {2, 2}, kBool);
  CHECK_ALLCLOSE(b.gather(1, I({1, 1, 0, 1}, {2, 2})), T({0, 0, 0, 1}, {2, 2}, kBool));
  // An index longer than self along `dim`, and shorter in other dims.
  CHECK_ALLCLOSE(x34().gather(0, I({0, 1, 2, 0}, {4, 1})), T({0, 4, 8, 0}, {4, 1}));
}

TEST_CASE("gather on non-contiguous self and index", "[index]") {
  Tensor xt = x34().t();  // [4, 3]: xt[i][j] = 4j + i
  Tensor idx = I({3, 9, 0, 9, 1, 9, 2, 9}, {2, 4}).slice(1, 0, 4, 2);  // [[3, 0], [1, 2]], strides [4, 2]
  CHECK_ALLCLOSE(xt.gather(0, idx), T({3, 4, 1, 6}, {2, 2}));
  Tensor idx_t = I({1, 0, 2, 2}, {2, 2}).t();  // [[1, 2], [0, 2]]
  CHECK_ALLCLOSE(xt.gather(1, idx_t), T({4, 8, 1, 9}, {2, 2}));
  Tensor row = tensor({10.0, 20.0, 30.0}).expand({4, 3});  // stride 0 in dim 0
  CHECK_ALLCLOSE(row.gather(1, I({2, 0, 1, 1}, {4, 1})), T({30, 10, 20, 20}, {4, 1}));
}

TEST_CASE("gather with 0-dim and empty tensors", "[index]") {
  CHECK_ALLCLOSE(tensor(5.0).gather(0, tensor(int64_t(0))), tensor(5.0));
  CHECK_ALLCLOSE(tensor(5.0).gather(0, I({0, 0}, {2})), T({5, 5}, {2}));
  CHECK_ALLCLOSE(arange(3.0).gather(0, tensor(int64_t(2))), tensor(2.0));
  CHECK(x34().gather(0, empty({0, 5}, kInt64)).sizes() == Shape{0, 5});
  CHECK(x34().gather(1, empty({0}, kFloat32)).sizes() == Shape{0});  // LibTorch skips all checks when empty
}

TEST_CASE("gather errors", "[index]") {
  Tensor x = x34();
  CHECK_THROWS_WITH(x.gather(0, T({1}, {1, 1})), Catch::Contains("[gather] expected index of dtype int64, got float32"));
  CHECK_THROWS_WITH(x.gather(0, I({3}, {1, 1})),
                    Catch::Contains("[gather] index 3 is out of bounds for dimension 0 with size 3"));
  CHECK_THROWS_WITH(x.gather(1, I({-1}, {1, 1})),
                    Catch::Contains("[gather] index -1 is out of bounds for dimension 1 with size 4"));
  CHECK_THROWS_WITH(x.gather(0, I({0}, {1})),
                    Catch::Contains("[gather] expected index with as many dims as self (2), got index of shape [1]"));
  CHECK_THROWS_WITH(x.gather(0, I({0, 1, 2, 0, 1}, {1, 5})),
                    Catch::Contains("[gather] expected index.size(d) <= self.size(d) for every dim d != 0"));
  CHECK_THROWS_WITH(x.gather(-3, I({0}, {1, 1})), Catch::Contains("[gather] dim out of range"));
}

TEST_CASE("scatter with a tensor and with a value, every dtype", "[index]") {
  Tensor idx = I({0, 1, 2, 0}, {2, 2});
  Tensor src = arange(100, 112, TensorOptions(kFloat32)).view({3, 4});
  CHECK_ALLCLOSE(zeros({3, 4}).scatter(0, idx, src), T({100, 105, 0, 0, 0, 101, 0, 0, 104, 0, 0, 0}, {3, 4}));
  CHECK_ALLCLOSE(zeros({3, 4}).scatter(1, idx, src), T({100, 101, 0, 0, 105, 0, 104, 0, 0, 0, 0, 0}, {3, 4}));
  for (DType dt : {kFloat64, kInt64}) {
    CHECK_ALLCLOSE(zeros({3, 4}, dt).scatter(0, idx, src.to(dt)),
                   T({100, 105, 0, 0, 0, 101, 0, 0, 104, 0, 0, 0}, {3, 4}, dt));
  }
  CHECK_ALLCLOSE(zeros({3, 4}).scatter(0, idx, 7.0), T({7, 7, 0, 0, 0, 7, 0, 0, 7, 0, 0, 0}, {3, 4}));
  CHECK_ALLCLOSE(zeros({3, 4}, kInt64).scatter(0, idx, 7.5), T({7, 7, 0, 0, 0, 7, 0, 0, 7, 0, 0, 0}, {3, 4}, kInt64));
  CHECK_ALLCLOSE(zeros({3, 4}, kBool).scatter(0, idx, true), T({1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0}, {3, 4}, kBool));
  CHECK_ALLCLOSE(zeros({3, 4}, kBool).scatter(1, idx, ones({2, 2}, kBool)),
                 T({1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0}, {3, 4}, kBool));
  // Later writes win on duplicate indices.
  CHECK_ALLCLOSE(zeros({3}).scatter(0, I({1, 1, 1}, {3}), tensor({1.0, 2.0, 3.0})), T({0, 3, 0}, {3}));
}

TEST_CASE("scatter_ and scatter_add_ in place, on non-contiguous self, src and index", "[index]") {
  Tensor base = zeros({4, 3});
  Tensor self = base.t();  // [3, 4] view with strides [1, 3]
  uint32_t v0 = base.storage()->version();
  Tensor idx = I({2, 9, 0, 9}, {1, 4}).slice(1, 0, 4, 2);  // [[2, 0]]
  Tensor src = T({1, 2, 3, 4, 5, 6}, {3, 2}).t();             // [[1, 3, 5], [2, 4, 6]]
  Tensor& r = self.scatter_(0, idx, src);
  CHECK(&r == &self);
  CHECK(base.storage()->version() == v0 + 1);
  CHECK_ALLCLOSE(self, T({0, 3, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}, {3, 4}));
  CHECK_ALLCLOSE(base, T({0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0}, {4, 3}));
  self.scatter_add_(1, I({1, 1, 1, 3}, {2, 2}), src);  // row 0: +1 +3 at col 1; row 1: +2 at 1, +4 at 3
  CHECK(base.storage()->version() == v0 + 2);
  CHECK_ALLCLOSE(self, T({0, 7, 0, 0, 0, 2, 0, 4, 1, 0, 0, 0}, {3, 4}));
  self.scatter_(1, I({0}, {1, 1}), -1.0);
  CHECK(self.index_select(0, I({0}, {1})).sizes() == Shape{1, 4});
  CHECK_ALLCLOSE(self.index_select(1, I({0}, {1})), T({-1, 0, 1}, {3, 1}));
}

TEST_CASE("scatter_add accumulates duplicates in float and int64", "[index]") {
  Tensor idx = I({0, 0, 2, 0, 1, 2}, {2, 3});
  Tensor src = T({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK_ALLCLOSE(zeros({3, 3}).scatter_add(0, idx, src), T({5, 2, 0, 0, 5, 0, 0, 0, 9}, {3, 3}));
  CHECK_ALLCLOSE(ones({3}, kFloat64).scatter_add(0, I({2, 2, 2}, {3}), T({1, 2, 3}, {3}, kFloat64)),
                 T({1, 1, 7}, {3}, kFloat64));
  CHECK_ALLCLOSE(zeros({2, 3}, kInt64).scatter_add(1, idx, src.to(kInt64)), T({3, 0, 3, 4, 5, 6}, {2, 3}, kInt64));
}

TEST_CASE("scatter with 0-dim and empty tensors", "[index]") {
  CHECK_ALLCLOSE(tensor(1.0).scatter(0, tensor(int64_t(0)), tensor(4.0)), tensor(4.0));
  CHECK_ALLCLOSE(zeros({2}).scatter_add(0, tensor(int64_t(1)), tensor(4.0)), T({0, 4}, {2}));
  Tensor x = x34();
  CHECK_ALLCLOSE(x.scatter(0, empty({0}, kFloat32), x), x);  // empty index: no checks, a copy of self
  CHECK(!x.scatter(0, empty({0, 4}, kInt64), 1.0).is_same(x));
  CHECK(zeros({0, 3}).scatter(1, empty({0, 2}, kInt64), 1.0).sizes() == Shape{0, 3});
}

TEST_CASE("scatter errors", "[index]") {
  Tensor x = zeros({3, 4});
  Tensor idx = I({0, 1, 2, 0}, {2, 2});
  CHECK_THROWS_WITH(x.scatter(0, idx, ones({2, 2}, kFloat64)),
                    Catch::Contains("[scatter] expected src of dtype float32 (self's dtype), got float64"));
  CHECK_THROWS_WITH(x.scatter(0, idx.to(kFloat32), ones({2, 2})),
                    Catch::Contains("[scatter] expected index of dtype int64, got float32"));
  CHECK_THROWS_WITH(x.scatter(0, I({3}, {1, 1}), ones({2, 2})),
                    Catch::Contains("[scatter] index 3 is out of bounds for dimension 0 with size 3"));
  CHECK_THROWS_WITH(x.scatter(0, idx, ones({1, 1})),
                    Catch::Contains("[scatter] expected index.size(d) <= src.size(d) for every dim d"));
  CHECK_THROWS_WITH(zeros({2, 1}).scatter(0, idx, ones({2, 2})),
                    Catch::Contains("[scatter] expected index.size(d) <= self.size(d) for every dim d != 0"));
  CHECK_THROWS_WITH(x.scatter(0, I({0}, {1}), ones({2, 2})),
                    Catch::Contains("[scatter] expected index with as many dims as self (2), got index of shape [1]"));
  CHECK_THROWS_WITH(x.scatter(0, idx, ones({2, 2, 1})),
                    Catch::Contains("[scatter] expected src with as many dims as self (2), got src of shape [2, 2, 1]"));
  CHECK_THROWS_WITH(zeros({2}, kBool).scatter_add(0, I({0}, {1}), ones({1}, kBool)),
                    Catch::Contains("[scatter_add] expected self of dtype float32, float64 or int64, got bool"));
  // A failed in-place scatter leaves self untouched.
  Tensor y = zeros({3});
  CHECK_THROWS_WITH(y.scatter_(0, I({0, 5}, {2}), 1.0), Catch::Contains("[scatter_] index 5 is out of bounds"));
  CHECK_ALLCLOSE(y, zeros({3}));
}

TEST_CASE("index_add with alpha, every accumulating dtype", "[index]") {
  Tensor src = arange(100, 112, TensorOptions(kFloat32)).view({3, 4});
  Tensor idx = I({0, 2, 0}, {3});
  CHECK_ALLCLOSE(zeros({3, 4}).index_add(0, idx, src),
                 T({208, 210, 212, 214, 0, 0, 0, 0, 104, 105, 106, 107}, {3, 4}));
  CHECK_ALLCLOSE(ones({3, 4}, kFloat64).index_add(0, idx, src.to(kFloat64), 2),
                 T({417, 421, 425, 429, 1, 1, 1, 1, 209, 211, 213, 215}, {3, 4}, kFloat64));
  CHECK_ALLCLOSE(zeros({3, 4}, kInt64).index_add(0, idx, src.to(kInt64), 2.5),  // LibTorch truncates alpha
                 T({416, 420, 424, 428, 0, 0, 0, 0, 208, 210, 212, 214}, {3, 4}, kInt64));
  CHECK_ALLCLOSE(zeros({3, 2}).index_add(1, I({1, 1, 0, 1}, {4}), src.t().t().index_select(0, I({0, 1, 2}, {3}))),
                 T({102, 304, 106, 316, 110, 328}, {3, 2}));
}

TEST_CASE("index_add_ in place on non-contiguous self, 0-dim and empty", "[index]") {
  Tensor base = zeros({3, 2});
  Tensor self = base.t();  // [2, 3]
  uint32_t v0 = base.storage()->version();
  self.index_add_(1, I({2, 9, 2}, {3}).slice(0, 0, 3, 2), T({1, 2, 3, 4}, {2, 2}).t());  // idx [2, 2]
  CHECK(base.storage()->version() == v0 + 1);
  CHECK_ALLCLOSE(self, T({0, 0, 4, 0, 0, 6}, {2, 3}));
  CHECK_ALLCLOSE(tensor(1.0).index_add(0, I({0}, {1}), tensor(2.0)), tensor(3.0));
  CHECK_ALLCLOSE(zeros({3}).index_add(0, tensor(int64_t(1)), tensor(2.0)), T({0, 2, 0}, {3}));
  CHECK_ALLCLOSE(ones({3, 4}).index_add(0, empty({0}, kInt64), zeros({0, 4})), ones({3, 4}));
}

TEST_CASE("index_add errors", "[index]") {
  Tensor x = zeros({3, 4});
  Tensor src = ones({3, 4});
  CHECK_THROWS_WITH(x.index_add(0, I({0, 2}, {2}), src),
                    Catch::Contains("[index_add] expected as many indices as source.size(0) (3), got 2 indices"));
  CHECK_THROWS_WITH(zeros({3, 5}).index_add(0, I({0, 2, 0}, {3}), src),
                    Catch::Contains("[index_add] expected source of the shape of self except in dim 0"));
  CHECK_THROWS_WITH(x.index_add(0, I({0, 3, 0}, {3}), src),
                    Catch::Contains("[index_add] index 3 is out of bounds for dimension 0 with size 3"));
  CHECK_THROWS_WITH(x.index_add(0, I({0, -1, 0}, {3}), src), Catch::Contains("[index_add] index -1 is out of bounds"));
  CHECK_THROWS_WITH(x.index_add(0, I({0, 1, 0}, {1, 3}), src),
                    Catch::Contains("[index_add] expected a 1-D or 0-dim index, got a 2-D index of shape [1, 3]"));
  CHECK_THROWS_WITH(x.index_add(0, tensor({0.0, 1.0, 0.0}), src),
                    Catch::Contains("[index_add] expected index of dtype int64, got float32"));
  CHECK_THROWS_WITH(x.index_add(0, I({0, 1, 0}, {3}), src.to(kFloat64)),
                    Catch::Contains("[index_add] expected source of dtype float32 (self's dtype), got float64"));
  CHECK_THROWS_WITH(zeros({3}, kBool).index_add(0, I({0}, {1}), ones({1}, kBool)),
                    Catch::Contains("[index_add] expected self of dtype float32, float64 or int64, got bool"));
  CHECK_THROWS_WITH(x.index_add(0, I({0, 1, 0}, {3}), ones({3, 4, 1})),
                    Catch::Contains("[index_add] expected source with as many dims as self (2)"));
}

TEST_CASE("indexing ops never read or write through aliases of self", "[index]") {
  Tensor x = I({1, 2, 0}, {3});
  // Index and src are self: both are read as they were before any write.
  x.scatter_(0, x, x);
  CHECK_ALLCLOSE(x, I({0, 1, 2}, {3}));
  Tensor y = arange(4.0);
  y.index_add_(0, I({1, 2, 3, 0}, {4}), y);  // y[i+1] += y_old[i]
  CHECK_ALLCLOSE(y, T({3, 1, 3, 5}, {4}));
}
