// Hand-derived tests of cat, stack, split and chunk: values, dtypes, views and errors.
#include "helpers.h"
#include "test_join_pattern.h"

using namespace convis;
using convis_test::pattern;

TEST_CASE("cat joins along any dim, negative dims included", "[join]") {
  Tensor a = tensor({1.0, 2.0, 3.0, 4.0}).view({2, 2});
  Tensor b = tensor({5.0, 6.0}).view({2, 1});
  CHECK_ALLCLOSE(cat({a, b}, 1), tensor({1.0, 2.0, 5.0, 3.0, 4.0, 6.0}).view({2, 3}));
  CHECK_ALLCLOSE(cat({a, b}, -1), tensor({1.0, 2.0, 5.0, 3.0, 4.0, 6.0}).view({2, 3}));
  CHECK_ALLCLOSE(cat({a, b.t()}, 0), tensor({1.0, 2.0, 3.0, 4.0, 5.0, 6.0}).view({3, 2}));
  Tensor single = cat({a}, 0);
  CHECK_ALLCLOSE(single, a);
  CHECK_FALSE(single.storage() == a.storage());  // always a new tensor
  CHECK(cat({a, b}, 1).is_contiguous());
}

TEST_CASE("cat promotes dtypes: bool < int64 < float32 < float64", "[join]") {
  Tensor i = tensor({1, 2});
  Tensor f = tensor({0.5f});
  Tensor r = cat({i, f});
  CHECK(r.dtype() == kFloat32);
  CHECK_ALLCLOSE(r, tensor({1.0f, 2.0f, 0.5f}));
  CHECK(cat({tensor({true, false}), i}).dtype() == kInt64);
  CHECK_ALLCLOSE(cat({tensor({true, false}), i}), tensor({1, 0, 1, 2}));
  CHECK(cat({f, tensor({1.0}, kFloat64)}).dtype() == kFloat64);
  CHECK(cat({tensor({true}), tensor({false})}).dtype() == kBool);
}

TEST_CASE("cat skips 1-D empty tensors as LibTorch 1.13 and handles empty dims", "[join]") {
  Tensor x = pattern({2, 3});
  Tensor e = empty({0}, kFloat64);
  Tensor r = cat({e, x, empty({0}, kInt64)}, 1);
  CHECK(r.sizes() == Shape{2, 3});
  CHECK(r.dtype() == kFloat64);  // skipped tensors still count for the dtype
  CHECK_ALLCLOSE(r, x.to(kFloat64));
  CHECK(cat({e, x}, -1).sizes() == Shape{2, 3});
  Tensor all_empty = cat({empty({0}), empty({0}, kInt64)}, 5);  // the dim is not checked then
  CHECK(all_empty.sizes() == Shape{0});
  CHECK(all_empty.dtype() == kFloat32);
  CHECK(cat({empty({0, 3}), x}, 0).sizes() == Shape{2, 3});
  CHECK(cat({empty({2, 0}), empty({2, 0})}, 1).sizes() == Shape{2, 0});
  CHECK_THROWS_WITH(cat({empty({2, 0}), x}, 0), Catch::Contains("[cat] expected sizes to match except in dim 0"));
}

TEST_CASE("cat errors name the shapes, dims and positions", "[join]") {
  Tensor x = pattern({2, 3});
  CHECK_THROWS_WITH(cat({}, 0), Catch::Contains("[cat] expected a non-empty list of tensors"));
  CHECK_THROWS_WITH(cat({x, pattern({3, 3})}, 1),
                    Catch::Contains("[cat] expected sizes to match except in dim 1, got shape [2, 3] (tensor 0) and "
                                    "shape [3, 3] (tensor 1)"));
  CHECK_THROWS_WITH(cat({x, pattern({3})}, 0), Catch::Contains("same number of dims, got shape [2, 3]"));
  CHECK_THROWS_WITH(cat({x, x}, 2), Catch::Contains("[cat] dim out of range"));
  CHECK_THROWS_WITH(cat({x, x}, -3), Catch::Contains("[cat] dim out of range"));
  CHECK_THROWS_WITH(cat({x, tensor(1.0)}, 0), Catch::Contains("zero-dimensional tensor at position 1"));
  CHECK_THROWS_WITH(cat({x, Tensor()}, 0), Catch::Contains("[cat] expected defined tensors"));
}

TEST_CASE("stack adds a dim, promotes dtypes and checks shapes", "[join]") {
  Tensor a = tensor({1, 2, 3}), b = tensor({4.5, 5.5, 6.5}, kFloat64);
  CHECK_ALLCLOSE(stack({a, b}), tensor({1.0, 2.0, 3.0, 4.5, 5.5, 6.5}, kFloat64).view({2, 3}));
  CHECK_ALLCLOSE(stack({a, b}, 1), tensor({1.0, 4.5, 2.0, 5.5, 3.0, 6.5}, kFloat64).view({3, 2}));
  CHECK_ALLCLOSE(stack({a, b}, -1), tensor({1.0, 4.5, 2.0, 5.5, 3.0, 6.5}, kFloat64).view({3, 2}));
  CHECK_ALLCLOSE(stack({tensor(int64_t(7)), tensor(int64_t(8))}), tensor({7, 8}));  // 0-dim inputs
  CHECK(stack({empty({0}), empty({0})}, 1).sizes() == Shape{0, 2});  // no legacy skip after unsqueeze
  CHECK(stack({pattern({2, 3}), pattern({2, 3})}, -3).sizes() == Shape{2, 2, 3});
  CHECK_THROWS_WITH(stack({}), Catch::Contains("[stack] expected a non-empty list of tensors"));
  CHECK_THROWS_WITH(stack({pattern({2, 3}), pattern({3, 3})}),
                    Catch::Contains("[stack] expected each tensor to be equal size, got [2, 3] at entry 0 and [3, 3] "
                                    "at entry 1"));
  CHECK_THROWS_WITH(stack({pattern({2, 3}), pattern({2, 3})}, 3), Catch::Contains("[stack] dim out of range"));
  CHECK_THROWS_WITH(stack({pattern({2, 3}), pattern({2, 3})}, -4), Catch::Contains("[stack] dim out of range"));
}

TEST_CASE("split returns views, the last one shorter", "[join]") {
  Tensor x = pattern({5, 2});
  auto parts = split(x, 2);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].sizes() == Shape{2, 2});
  CHECK(parts[2].sizes() == Shape{1, 2});
  CHECK_ALLCLOSE(parts[1], tensor({-1.0f, -0.5f, 0.0f, 0.5f}).view({2, 2}));
  parts[2].fill_(42);  // a view: writes show in x
  CHECK(x[4][1].item<float>() == 42.0f);
  auto cols = x.t().split(1, 0);
  REQUIRE(cols.size() == 2);
  CHECK_ALLCLOSE(cols[1], tensor({-2.5f, -1.5f, -0.5f, 0.5f, 42.0f}).view({1, 5}));
  CHECK(split(x, 10, 0).size() == 1);
  CHECK(split(x, 1, -1).size() == 2);
  auto from_empty = split(empty({0, 2}), 2);
  REQUIRE(from_empty.size() == 1);
  CHECK(from_empty[0].sizes() == Shape{0, 2});
  REQUIRE(split(empty({0, 2}), 0).size() == 1);
}

TEST_CASE("split errors", "[join]") {
  CHECK_THROWS_WITH(split(pattern({3, 2}), -1), Catch::Contains("[split] expected a non-negative split_size, got -1"));
  CHECK_THROWS_WITH(split(pattern({3, 2}), 0), Catch::Contains("[split] expected split_size > 0 for dim 0 of size 3"));
  CHECK_THROWS_WITH(split(tensor(1.0), 1), Catch::Contains("[split] expected a tensor with at least 1 dim"));
  CHECK_THROWS_WITH(split(pattern({3, 2}), 1, 2), Catch::Contains("[split] dim out of range"));
}

TEST_CASE("chunk gives pieces of ceil(n / chunks), possibly fewer than asked", "[join]") {
  auto sizes_of = [](const std::vector<Tensor>& v, int64_t d) {
    std::vector<int64_t> s;
    for (const Tensor& t : v) s.push_back(t.size(d));
    return s;
  };
  CHECK(sizes_of(chunk(pattern({5}), 3), 0) == std::vector<int64_t>{2, 2, 1});
  CHECK(sizes_of(chunk(pattern({6}), 4), 0) == std::vector<int64_t>{2, 2, 2});
  CHECK(sizes_of(chunk(pattern({6}), 5), 0) == std::vector<int64_t>{2, 2, 2});
  CHECK(sizes_of(chunk(pattern({2}), 5), 0) == std::vector<int64_t>{1, 1});
  CHECK(sizes_of(pattern({2, 7}).chunk(3, -1), 1) == std::vector<int64_t>{3, 3, 1});
  auto empties = chunk(empty({0, 2}), 3);
  REQUIRE(empties.size() == 3);
  CHECK(empties[2].sizes() == Shape{0, 2});
  CHECK_FALSE(empties[0].is_same(empties[1]));
  Tensor x = pattern({4});
  auto halves = chunk(x, 2);
  CHECK_ALLCLOSE(halves[1], tensor({-2.0f, -1.5f}));
  CHECK(halves[1].storage() == x.storage());
  CHECK_THROWS_WITH(chunk(x, 0), Catch::Contains("[chunk] expected chunks > 0, got 0"));
  CHECK_THROWS_WITH(chunk(x, -2), Catch::Contains("[chunk] expected chunks > 0, got -2"));
  CHECK_THROWS_WITH(chunk(tensor(1.0), 1), Catch::Contains("[chunk] expected a tensor with at least 1 dim"));
}
