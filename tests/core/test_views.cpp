// Views share storage and never copy; reshape copies only when strides forbid a view.
#include "helpers.h"

using namespace convis;
using convis_test::values;
using V = std::vector<double>;

TEST_CASE("view, reshape and flatten share storage when they can", "[views]") {
  Tensor x = arange(24).view({2, 3, 4});
  CHECK(x.strides() == Shape{12, 4, 1});
  Tensor v = x.view({6, -1});
  CHECK(v.sizes() == Shape{6, 4});
  CHECK(v.storage() == x.storage());
  CHECK(x.flatten(1).sizes() == Shape{2, 12});
  CHECK(x.flatten().sizes() == Shape{24});
  CHECK(x.view({-1}).storage() == x.storage());

  Tensor tr = x.transpose(0, 2);  // [4, 3, 2], strides [1, 4, 12]
  CHECK(tr.strides() == Shape{1, 4, 12});
  CHECK_FALSE(tr.is_contiguous());
  CHECK_THROWS_WITH(tr.view({24}), Catch::Contains("[view] view size [24] is not compatible with input of size "
                                                   "[4, 3, 2] and strides [1, 4, 12]"));
  Tensor r = tr.reshape({24});  // must copy
  CHECK(r.storage() != x.storage());
  CHECK(values(r.slice(0, 0, 6)) == V{0, 12, 4, 16, 8, 20});
  // A view is possible across a transposed pair that is kept together.
  Tensor y = arange(12).view({3, 4}).t();  // [4, 3] strides [1, 4]
  CHECK(y.view({4, 3, 1}).storage() == y.storage());
  CHECK(y.unsqueeze(0).view({2, 2, 3}).storage() == y.storage());
  CHECK_THROWS_WITH(x.view({5, 5}), Catch::Contains("[view] shape [5, 5] is invalid for input of size 24"));
  CHECK_THROWS_WITH(x.view({-1, -1}), Catch::Contains("at most one -1"));
}

TEST_CASE("permute, transpose, t", "[views]") {
  Tensor x = arange(6).view({1, 2, 3});
  Tensor p = x.permute({2, 0, 1});
  CHECK(p.sizes() == Shape{3, 1, 2});
  CHECK(values(p) == V{0, 3, 1, 4, 2, 5});
  CHECK(values(x.view({2, 3}).t()) == V{0, 3, 1, 4, 2, 5});
  CHECK(x.permute({-1, -3, -2}).sizes() == Shape{3, 1, 2});
  CHECK_THROWS_WITH(x.permute({0, 1}), Catch::Contains("[permute] expected 3 dims"));
  CHECK_THROWS_WITH(x.permute({0, 1, 1}), Catch::Contains("[permute] expected distinct dims"));
  CHECK_THROWS_WITH(x.t(), Catch::Contains("[t] expected a tensor with <= 2 dims, got a 3-D tensor"));
  CHECK(arange(3).t().sizes() == Shape{3});
}

TEST_CASE("slice, select, narrow with negative and stepped indices", "[views]") {
  Tensor x = arange(10);
  CHECK(values(x.slice(0, 1, 8, 3)) == V{1, 4, 7});
  CHECK(values(x.slice(0, -3)) == V{7, 8, 9});
  CHECK(values(x.slice(0, 5, 2)).empty());
  CHECK(x.slice(0, 5, 2).sizes() == Shape{0});
  CHECK(values(x.slice(0, -100, 100, 4)) == V{0, 4, 8});
  CHECK(x.slice(0, 2, 9, 2).storage_offset() == 2);
  CHECK_THROWS_WITH(x.slice(0, 0, 5, 0), Catch::Contains("[slice] expected a positive step, got 0"));
  Tensor m = arange(12).view({3, 4});
  CHECK(values(m.select(1, -1)) == V{3, 7, 11});
  CHECK(m.select(0, 2).dim() == 1);
  CHECK(values(m[1]) == V{4, 5, 6, 7});
  CHECK_THROWS_WITH(m.select(0, 3), Catch::Contains("[select] index 3 is out of bounds for dim 0 with size 3"));
  CHECK(values(m.narrow(1, 1, 2)) == V{1, 2, 5, 6, 9, 10});
  CHECK_THROWS_WITH(m.narrow(1, 3, 2), Catch::Contains("[narrow] expected start + length <= 4"));
  CHECK_THROWS_WITH(m.select(2, 0), Catch::Contains("[select] dim out of range: expected a dim in [-2, 1]"));
}

TEST_CASE("expand, squeeze, unsqueeze", "[views]") {
  Tensor col = arange(3).view({3, 1});
  Tensor e = col.expand({2, 3, 4});
  CHECK(e.sizes() == Shape{2, 3, 4});
  CHECK(e.strides() == Shape{0, 1, 0});
  CHECK(values(e.select(0, 1).select(1, 3)) == V{0, 1, 2});
  CHECK(col.expand({-1, 2}).sizes() == Shape{3, 2});
  CHECK_THROWS_WITH(col.expand({4, 2}), Catch::Contains("[expand] the expanded size 4 must match the existing size 3"));
  CHECK_THROWS_WITH(col.expand({3}), Catch::Contains("[expand] expected a target with at least 2 dims"));
  Tensor s = zeros({1, 3, 1, 2});
  CHECK(s.squeeze().sizes() == Shape{3, 2});
  CHECK(s.squeeze(2).sizes() == Shape{1, 3, 2});
  CHECK(s.squeeze(1).sizes() == Shape{1, 3, 1, 2});
  CHECK(s.unsqueeze(-1).sizes() == Shape{1, 3, 1, 2, 1});
  CHECK(s.unsqueeze(0).sizes() == Shape{1, 1, 3, 1, 2});
  CHECK_THROWS_WITH(s.unsqueeze(6), Catch::Contains("[unsqueeze] dim out of range"));
  Tensor scalar = full({}, 7);
  CHECK(scalar.unsqueeze(0).sizes() == Shape{1});
  CHECK(scalar.squeeze().dim() == 0);
}

TEST_CASE("unfold and as_strided", "[views]") {
  Tensor x = arange(7);
  Tensor u = x.unfold(0, 3, 2);  // windows [0..2], [2..4], [4..6]
  CHECK(u.sizes() == Shape{3, 3});
  CHECK(values(u) == V{0, 1, 2, 2, 3, 4, 4, 5, 6});
  CHECK(u.storage() == x.storage());
  Tensor m = arange(12).view({3, 4});
  CHECK(m.unfold(1, 2, 2).sizes() == Shape{3, 2, 2});
  CHECK_THROWS_WITH(x.unfold(0, 8, 1), Catch::Contains("[unfold] expected a window size in [0, 7]"));
  Tensor diag = m.as_strided({3}, {5}, 0);
  CHECK(values(diag) == V{0, 5, 10});
  CHECK_THROWS_WITH(m.as_strided({3}, {5}, 3), Catch::Contains("[as_strided] the view"));
  CHECK_THROWS_WITH(m.as_strided({3, 2}, {1}), Catch::Contains("[as_strided] expected 2 strides"));
}

TEST_CASE("copies: contiguous, clone, to, copy_ with broadcasting", "[views]") {
  Tensor x = arange(6).view({2, 3});
  CHECK(x.contiguous().is_same(x));
  Tensor c = x.t().contiguous();
  CHECK(c.is_contiguous());
  CHECK(values(c) == V{0, 3, 1, 4, 2, 5});
  Tensor f = x.to(kFloat32);
  CHECK(f.dtype() == kFloat32);
  CHECK(x.to(kInt64).is_same(x));
  CHECK_FALSE(x.to(kInt64, false, true).is_same(x));
  Tensor b = tensor({0.0, 0.5, -2.0}).to(kBool);
  CHECK(values(b) == V{0, 1, 1});
  Tensor i = tensor({1.9, -1.9}).to(kInt64);  // truncation toward zero, as C++ and LibTorch
  CHECK(values(i) == V{1, -1});
  Tensor dst = zeros({2, 3});
  dst.copy_(tensor({1.0, 2.0, 3.0}));
  CHECK(values(dst) == V{1, 2, 3, 1, 2, 3});
  dst.t().copy_(arange(6).view({3, 2}));  // write through a transposed view
  CHECK(values(dst) == V{0, 2, 4, 1, 3, 5});
  CHECK_THROWS_WITH(dst.copy_(zeros({4})), Catch::Contains("[copy_] shapes [2, 3] and [4] do not broadcast"));
  CHECK_THROWS_WITH(dst.copy_(zeros({2, 2, 3})), Catch::Contains("[copy_] expected a source broadcastable to [2, 3]"));
  uint32_t v0 = dst.storage()->version();
  dst.select(0, 0).fill_(9);
  CHECK(dst.storage()->version() == v0 + 1);
  CHECK(values(dst) == V{9, 9, 9, 1, 3, 5});
}
