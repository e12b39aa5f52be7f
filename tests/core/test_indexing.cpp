// Tests of Tensor::index and Tensor::index_put_: every TensorIndex form, views versus copies,
// where advanced dims go, masks, dtypes, empty tensors and the error messages.
// Expected values are hand-derived from x[i][j][k] = 12 i + 4 j + k on x = arange(24).view({2, 3, 4}).
#include "helpers.h"

using namespace convis;
using namespace convis::indexing;

namespace {

Tensor T(const std::vector<double>& v, const Shape& shape, DType dt = kFloat32) {
  return tensor(v, TensorOptions(dt)).view(shape);
}
Tensor I(const std::vector<int64_t>& v, const Shape& shape) { return tensor(v).view(shape); }
Tensor B(const std::vector<bool>& v, const Shape& shape) { return tensor(v).view(shape); }
Tensor x234(DType dt = kFloat32) { return arange(24, TensorOptions(dt)).view({2, 3, 4}); }

bool shares_storage(const Tensor& a, const Tensor& b) { return a.storage() == b.storage(); }

}  // namespace

TEST_CASE("index with integers, slices, None and Ellipsis returns views", "[index]") {
  Tensor x = x234();
  Tensor r = x.index({1});
  CHECK(r.sizes() == Shape{3, 4});
  CHECK(shares_storage(r, x));
  CHECK(r.storage_offset() == 12);
  r.fill_(-1.0);  // writing through the view changes the base
  CHECK(x.index({1, 2, 3}).item<float>() == -1.0f);
  CHECK(x.index({0, 2, 3}).item<float>() == 11.0f);

  x = x234();
  Tensor s = x.index({Slice(), Slice(1, None), Slice(None, None, 2)});
  CHECK(s.sizes() == Shape{2, 2, 2});
  CHECK(s.strides() == Shape{12, 4, 2});
  CHECK(shares_storage(s, x));
  CHECK_ALLCLOSE(s, T({4, 6, 8, 10, 16, 18, 20, 22}, {2, 2, 2}));
  CHECK_ALLCLOSE(x.index({0, Slice(-2, None), -1}), T({7, 11}, {2}));
  CHECK_ALLCLOSE(x.index({1, Slice(0, -1), Slice(1, 3)}), T({13, 14, 17, 18}, {2, 2}));
  CHECK_ALLCLOSE(x.index({-1, -1, Slice(-10, 10, 3)}), T({20, 23}, {2}));
  CHECK(x.index({Slice(5, 1)}).sizes() == Shape{0, 3, 4});

  CHECK(x.index({None}).sizes() == Shape{1, 2, 3, 4});
  CHECK(x.index({Ellipsis, None}).sizes() == Shape{2, 3, 4, 1});
  CHECK(x.index({Slice(), None, 1}).sizes() == Shape{2, 1, 4});
  CHECK_ALLCLOSE(x.index({0, None, Slice(), 1}), T({1, 5, 9}, {1, 3}));
  CHECK_ALLCLOSE(x.index({Ellipsis, 1}), T({1, 5, 9, 13, 17, 21}, {2, 3}));
  CHECK_ALLCLOSE(x.index({1, Ellipsis, 2}), T({14, 18, 22}, {3}));
  Tensor a = x.index({Ellipsis});
  CHECK(!a.is_same(x));
  CHECK(shares_storage(a, x));
  CHECK(a.sizes() == x.sizes());
  CHECK(x.index({tensor(int64_t(1)), 0}).storage_offset() == 12);  // a 0-dim int64 tensor selects
  CHECK(shares_storage(x.index({tensor(int64_t(-1))}), x));
}

TEST_CASE("basic indexing of non-contiguous and 0-dim tensors", "[index]") {
  Tensor x = x234().transpose(0, 2);  // [4, 3, 2]: y[a][b][c] = 12c + 4b + a
  Tensor r = x.index({Slice(1, None, 2), 2});
  CHECK(shares_storage(r, x));
  CHECK_ALLCLOSE(r, T({9, 21, 11, 23}, {2, 2}));
  Tensor s = tensor(3.0);
  CHECK(s.index({None}).sizes() == Shape{1});
  CHECK(s.index({Ellipsis}).sizes() == Shape{});
  CHECK_ALLCLOSE(s.index({true}), T({3}, {1}));
  CHECK(s.index({false}).sizes() == Shape{0});
  Tensor e = tensor({7.0}).expand({3, 2});
  CHECK_ALLCLOSE(e.index({Slice(1, None), 1}), T({7, 7}, {2}));
}

TEST_CASE("index with booleans adds a dim of 1 or 0 and copies", "[index]") {
  Tensor x = x234();
  Tensor t = x.index({true});
  CHECK(t.sizes() == Shape{1, 2, 3, 4});
  CHECK(!shares_storage(t, x));
  CHECK_ALLCLOSE(t.view({2, 3, 4}), x);
  CHECK(x.index({false}).sizes() == Shape{0, 2, 3, 4});
  CHECK(x.index({tensor(true)}).sizes() == Shape{1, 2, 3, 4});
  CHECK(x.index({Slice(), tensor(false)}).sizes() == Shape{2, 0, 3, 4});
  // The boolean's index [0] broadcasts with the other advanced indices, as in LibTorch.
  CHECK_ALLCLOSE(x.index({true, I({1, 0}, {2})}), x.index({I({1, 0}, {2})}));
  CHECK(x.index({I({1, 0}, {2}), true}).sizes() == Shape{2, 3, 4});
}

TEST_CASE("index with int64 tensors gathers a copy", "[index]") {
  Tensor x = x234();
  Tensor r = x.index({I({1, 0, 1}, {3})});
  CHECK(r.sizes() == Shape{3, 3, 4});
  CHECK(!shares_storage(r, x));
  CHECK_ALLCLOSE(r.index({0}), x.index({1}));
  CHECK_ALLCLOSE(r.index({1}), x.index({0}));
  r.fill_(0.0);
  CHECK(x.index({1, 0, 0}).item<float>() == 12.0f);  // the base is untouched
  CHECK_ALLCLOSE(x.index({0, 0, I({-1, 0, -4}, {3})}), T({3, 0, 0}, {3}));  // negative values count from the end
  // Adjacent advanced indices replace their dims in place.
  CHECK_ALLCLOSE(x.index({Slice(), I({0, 2}, {2}), I({1, 3}, {2})}), T({1, 11, 13, 23}, {2, 2}));
  CHECK_ALLCLOSE(x.index({Ellipsis, I({1, 2}, {2})}), T({1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22}, {2, 3, 2}));
  // Separated advanced indices go to the front.
  CHECK_ALLCLOSE(x.index({I({0, 1}, {2}), Slice(), I({1, 2}, {2})}), T({1, 5, 9, 14, 18, 22}, {2, 3}));
  CHECK_ALLCLOSE(x.index({None, I({0, 1}, {2}), Slice(), I({1, 2}, {2})}), T({1, 5, 9, 14, 18, 22}, {2, 1, 3}));
}

TEST_CASE("advanced indices broadcast together, in any layout", "[index]") {
  Tensor x = x234();
  // i of shape [2, 1] and k of shape [3] broadcast to [2, 3]; separated, so B goes first.
  Tensor i = I({0, 1}, {2, 1}), k = I({3, 0, 2}, {3});
  Tensor r = x.index({i, Slice(), k});
  CHECK(r.sizes() == Shape{2, 3, 3});
  std::vector<double> expect;
  for (int64_t a : {0, 1})
    for (int64_t b : {3, 0, 2})
      for (int64_t j = 0; j < 3; ++j) expect.push_back(double(12 * a + 4 * j + b));
  CHECK_ALLCLOSE(r, T(expect, {2, 3, 3}));
  // A 2-D index with slices after it (torch: x[[[0, 1], [1, 0]], 1:, ::2]).
  Tensor r2 = x.index({I({0, 1, 1, 0}, {2, 2}), Slice(1, None), Slice(None, None, 2)});
  CHECK(r2.sizes() == Shape{2, 2, 2, 2});
  CHECK_ALLCLOSE(r2.index({1, 0}), T({16, 18, 20, 22}, {2, 2}));
  // Non-contiguous index tensors and a non-contiguous self.
  Tensor it = I({2, 0, 1, 1}, {2, 2}).t();             // [[2, 1], [0, 1]]
  Tensor ks = I({3, 9, 1, 9, 0, 9}, {6}).slice(0, 0, 6, 2);  // [3, 1, 0]
  CHECK_ALLCLOSE(x.index({1, it}), T({20, 21, 22, 23, 16, 17, 18, 19, 12, 13, 14, 15, 16, 17, 18, 19}, {2, 2, 4}));
  CHECK_ALLCLOSE(x.index({0, 1, ks}), T({7, 5, 4}, {3}));
  Tensor y = x.transpose(0, 2);  // y[a][b][c] = 12c + 4b + a
  CHECK_ALLCLOSE(y.index({I({3, 0}, {2}), Slice(), 1}), T({15, 19, 23, 12, 16, 20}, {2, 3}));
}

TEST_CASE("index with bool masks selects the true elements", "[index]") {
  Tensor x = x234();
  Tensor m = B({true, false, true, false, true, true}, {2, 3});
  CHECK_ALLCLOSE(x.index({m}), T({0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 20, 21, 22, 23}, {4, 4}));
  CHECK_ALLCLOSE(x.index({Slice(), B({false, true, true}, {3}), 0}), T({4, 8, 16, 20}, {2, 2}));
  CHECK_ALLCLOSE(x.index({1, B({true, false, false, true}, {4}).expand({3, 4})}), T({12, 15, 16, 19, 20, 23}, {6}));
  CHECK(x.index({zeros({2, 3, 4}, kBool)}).sizes() == Shape{0});
  // A non-contiguous mask; as in LibTorch a mask advances the dim by one, so 1 indexes dim 1.
  Tensor mt = B({true, false, false, false, false, true, true, true}, {4, 2}).t();  // [[1, 0, 0, 1], [0, 0, 1, 1]]
  CHECK_ALLCLOSE(x.index({mt, 1}), T({4, 7, 18, 19}, {4}));
  // A mask and an int64 index broadcast together.
  CHECK_ALLCLOSE(x.index({0, B({true, false, true}, {3}), I({1, 2}, {2})}), T({1, 10}, {2}));
}

TEST_CASE("index of every dtype and of empty tensors", "[index]") {
  for (DType dt : {kBool, kInt64, kFloat32, kFloat64}) {
    Tensor x = (dt == kBool ? T({0, 1, 1, 0, 0, 1}, {2, 3}, kBool) : T({0, 1, 2, 3, 4, 5}, {2, 3}, dt));
    Tensor expect = (dt == kBool ? T({1, 0, 1, 0}, {2, 2}, kBool) : T({5, 3, 2, 0}, {2, 2}, dt));
    CHECK_ALLCLOSE(x.index({I({1, 0}, {2, 1}), I({2, 0}, {2})}), expect);
  }
  Tensor e = zeros({0, 3});
  CHECK(e.index({empty({0}, kInt64)}).sizes() == Shape{0, 3});
  CHECK(e.index({Slice(), I({2, 0}, {2})}).sizes() == Shape{0, 2});
  CHECK(zeros({3, 0}).index({I({1, 2}, {2})}).sizes() == Shape{2, 0});
  CHECK(x234().index({empty({0}, kInt64)}).sizes() == Shape{0, 3, 4});
  CHECK(x234().index({empty({0, 2}, kInt64), 1}).sizes() == Shape{0, 2, 4});
}

TEST_CASE("index errors", "[index]") {
  Tensor x = x234();
  CHECK_THROWS_WITH(x.index({0, 0, 0, 0}), Catch::Contains("[index] too many indices for tensor of dimension 3 (got 4)"));
  CHECK_THROWS_WITH(tensor(1.0).index({0}), Catch::Contains("[index] too many indices for tensor of dimension 0"));
  CHECK_THROWS_WITH(x.index({ones({2, 3, 4, 1}, kBool)}), Catch::Contains("[index] too many indices"));
  CHECK_THROWS_WITH(x.index({2}), Catch::Contains("[index] index 2 is out of bounds for dimension 0 with size 2"));
  CHECK_THROWS_WITH(x.index({Slice(), -4}), Catch::Contains("[index] index -4 is out of bounds for dimension 1"));
  CHECK_THROWS_WITH(x.index({I({5}, {1})}), Catch::Contains("[index] index 5 is out of bounds for dimension 0 with size 2"));
  CHECK_THROWS_WITH(x.index({Slice(), Slice(), I({-5}, {1})}),
                    Catch::Contains("[index] index -5 is out of bounds for dimension 2 with size 4"));
  CHECK_THROWS_WITH(x.index({tensor({1.0})}),
                    Catch::Contains("[index] expected tensors used as indices to be int64 or bool tensors, got float32"));
  CHECK_THROWS_WITH(x.index({ones({3, 3}, kBool)}), Catch::Contains("[index] expected the mask's shape to match the "
                                                                    "indexed dims, got mask of shape [3, 3] at index 0"));
  CHECK_THROWS_WITH(x.index({B({true, true, false, false, true, true}, {2, 3}), 0}),
                    Catch::Contains("got mask of shape [2, 3] at index 1 for the indexed tensor of shape [2, 4]"));
  CHECK_THROWS_WITH(x.index({I({0, 1}, {2}), I({0, 1, 2}, {3})}),
                    Catch::Contains("[index] expected index tensors that broadcast together, got shapes [2], [3]"));
  CHECK_THROWS_WITH(x.index({Slice(None, None, 0)}), Catch::Contains("[index] expected a positive slice step, got 0"));
  CHECK_THROWS_WITH(x.index({Slice(0, 1, -1)}), Catch::Contains("[index] expected a positive slice step, got -1"));
  CHECK_THROWS_WITH(x.index(std::vector<TensorIndex>{}), Catch::Contains("[index] expected at least one index"));
  CHECK_THROWS_WITH(x.index({Tensor()}), Catch::Contains("[index] expected defined index tensors"));
}

TEST_CASE("index_put_ with basic indices writes through the view", "[index]") {
  Tensor x = zeros({3, 4});
  uint32_t v0 = x.storage()->version();
  Tensor& r = x.index_put_({Slice(), 0}, 5.0);
  CHECK(&r == &x);
  CHECK(x.storage()->version() > v0);
  CHECK_ALLCLOSE(x, T({5, 0, 0, 0, 5, 0, 0, 0, 5, 0, 0, 0}, {3, 4}));
  x.index_put_({1}, tensor({1, 2, 3, 4}));  // int64 value cast to float32, as copy_
  x.index_put_({Slice(None, None, 2), Slice(2, None)}, T({7, 8}, {1, 1, 2}));  // leading 1s are dropped
  CHECK_ALLCLOSE(x, T({5, 0, 7, 8, 1, 2, 3, 4, 5, 0, 7, 8}, {3, 4}));
  x.index_put_({Ellipsis}, tensor(-1.0));
  CHECK_ALLCLOSE(x, full({3, 4}, -1.0));
  x.index_put_({None, 2, Slice(1, 3)}, 0.5);
  CHECK_ALLCLOSE(x.index({2}), T({-1, 0.5, 0.5, -1}, {4}));
  Tensor y = zeros({2, 3}, kInt64).t();  // non-contiguous destination
  y.index_put_({Slice(1, None)}, I({1, 2}, {2}));
  CHECK_ALLCLOSE(y, I({0, 0, 1, 2, 1, 2}, {3, 2}));
  CHECK_THROWS_WITH(zeros({3, 4}).index_put_({0}, ones({3})),
                    Catch::Contains("[index_put_] shape mismatch: expected a value tensor that broadcasts to the "
                                    "indexing result of shape [4], got shape [3]"));
}

TEST_CASE("index_put_ with int64 indices scatters values", "[index]") {
  Tensor x = zeros({3, 4});
  uint32_t v0 = x.storage()->version();
  x.index_put_({I({0, 2}, {2})}, T({1, 2, 3, 4}, {4}));
  CHECK(x.storage()->version() == v0 + 1);
  CHECK_ALLCLOSE(x, T({1, 2, 3, 4, 0, 0, 0, 0, 1, 2, 3, 4}, {3, 4}));
  x.index_put_({I({0, -1}, {2}), I({1, 1}, {2})}, T({5, 6}, {2}));
  CHECK_ALLCLOSE(x, T({1, 5, 3, 4, 0, 0, 0, 0, 1, 6, 3, 4}, {3, 4}));
  x.index_put_({I({1, 1}, {2}), I({3, 3}, {2})}, T({8, 9}, {2}));  // duplicates: the later write wins
  CHECK(x.index({1, 3}).item<float>() == 9.0f);
  x.index_put_({Slice(1, None), I({0, 2}, {2})}, T({7, 8}, {2}));
  CHECK_ALLCLOSE(x, T({1, 5, 3, 4, 7, 0, 8, 9, 7, 6, 8, 4}, {3, 4}));
  Tensor y = zeros({2, 3, 4});
  y.index_put_({I({0, 1}, {2}), Slice(), I({1, 3}, {2})}, T({1, 2, 3, 4, 5, 6}, {3, 2}).t());  // [2, 3] in front
  CHECK_ALLCLOSE(y.index({0, Slice(), 1}), T({1, 3, 5}, {3}));
  CHECK_ALLCLOSE(y.index({1, Slice(), 3}), T({2, 4, 6}, {3}));
  CHECK_ALLCLOSE(y.index({0, Slice(), 3}), zeros({3}));
}

TEST_CASE("index_put_ with masks and scalars, every dtype", "[index]") {
  Tensor m = B({true, false, true, false, false, false, false, false, true, true, true, true}, {3, 4});
  Tensor x = zeros({3, 4});
  x.index_put_({m}, 3.0);
  CHECK_ALLCLOSE(x, T({3, 0, 3, 0, 0, 0, 0, 0, 3, 3, 3, 3}, {3, 4}));
  x.index_put_({m}, arange(6.0));
  CHECK_ALLCLOSE(x, T({0, 0, 1, 0, 0, 0, 0, 0, 2, 3, 4, 5}, {3, 4}));
  for (DType dt : {kBool, kInt64, kFloat64}) {
    Tensor z = zeros({2, 3}, dt);
    z.index_put_({B({false, true}, {2}), I({2, 0}, {2})}, true);
    CHECK_ALLCLOSE(z, T({0, 0, 0, 1, 0, 1}, {2, 3}, dt));
  }
  Tensor e = zeros({0, 3});
  e.index_put_({empty({0}, kInt64)}, 1.0);
  e.index_put_({zeros({0, 3}, kBool)}, tensor(2.0));
  CHECK(e.sizes() == Shape{0, 3});
  Tensor w = ones({2, 2});
  w.index_put_({false}, 5.0);
  CHECK_ALLCLOSE(w, ones({2, 2}));
  w.index_put_({true, 1}, T({4, 5}, {2}));
  CHECK_ALLCLOSE(w, T({1, 1, 4, 5}, {2, 2}));
}

TEST_CASE("index_put_ errors leave the tensor unchanged", "[index]") {
  Tensor x = zeros({3, 4});
  CHECK_THROWS_WITH(x.index_put_({I({0, 2}, {2})}, tensor({1, 2, 3, 4})),
                    Catch::Contains("[index_put_] expected a value of dtype float32 (the destination's), got int64"));
  CHECK_THROWS_WITH(x.index_put_({I({0, 2}, {2})}, T({1, 2, 3}, {3})),
                    Catch::Contains("[index_put_] shape mismatch: expected a value tensor that broadcasts to the "
                                    "indexing result of shape [2, 4], got shape [3]"));
  CHECK_THROWS_WITH(x.index_put_({I({0, 3}, {2})}, 1.0),
                    Catch::Contains("[index_put_] index 3 is out of bounds for dimension 0 with size 3"));
  CHECK_THROWS_WITH(x.index_put_({0, 0, 0}, 1.0), Catch::Contains("[index_put_] too many indices"));
  CHECK_THROWS_WITH(x.index_put_({ones({3, 3}, kBool)}, 1.0),
                    Catch::Contains("[index_put_] expected the mask's shape to match the indexed dims"));
  CHECK_THROWS_WITH(x.index_put_({Slice(), tensor({0.5})}, 1.0),
                    Catch::Contains("[index_put_] expected tensors used as indices to be int64 or bool tensors"));
  CHECK_THROWS_WITH(x.index_put_({0}, Tensor()), Catch::Contains("[index_put_] expected a defined value tensor"));
  CHECK_ALLCLOSE(x, zeros({3, 4}));
}

TEST_CASE("index_put_ with a value or an index that aliases self", "[index]") {
  Tensor x = arange(4.0);
  x.index_put_({I({3, 2, 1, 0}, {4})}, x);  // reversed: the value is read before any write
  CHECK_ALLCLOSE(x, T({3, 2, 1, 0}, {4}));
  Tensor y = I({1, 2, 0}, {3});
  y.index_put_({y}, y);
  CHECK_ALLCLOSE(y, I({0, 1, 2}, {3}));
  Tensor z = arange(4.0);
  z.index_put_({Slice(1, None)}, z.index({Slice(None, 3)}));
  CHECK_ALLCLOSE(z, T({0, 0, 1, 2}, {4}));
}
