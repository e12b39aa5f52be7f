// Hand-derived tests of flip and roll: values, copies, 0-dim and empty tensors, errors.
#include "helpers.h"
#include "test_join_pattern.h"

using namespace convis;
using convis_test::pattern;

TEST_CASE("flip reverses the given dims into a new tensor", "[join]") {
  Tensor x = tensor({0, 1, 2, 3, 4, 5}).view({2, 3});
  CHECK_ALLCLOSE(flip(x, {-1}), tensor({2, 1, 0, 5, 4, 3}).view({2, 3}));
  CHECK_ALLCLOSE(flip(x, {0}), tensor({3, 4, 5, 0, 1, 2}).view({2, 3}));
  CHECK_ALLCLOSE(x.flip({1, 0}), tensor({5, 4, 3, 2, 1, 0}).view({2, 3}));
  CHECK_ALLCLOSE(flip(x.t(), {0}), tensor({2, 5, 1, 4, 0, 3}).view({3, 2}));
  Tensor same = flip(x, {});
  CHECK_ALLCLOSE(same, x);
  CHECK_FALSE(same.storage() == x.storage());
  Tensor f = flip(x, {0});
  f.fill_(9);  // a copy: x is untouched
  CHECK(x[0][0].item<int64_t>() == 0);
  Tensor col = x.slice(1, 1, 2);  // a view with an offset
  CHECK_ALLCLOSE(flip(col, {0}), tensor({4, 1}).view({2, 1}));
}

TEST_CASE("flip of 0-dim and empty tensors, and its errors", "[join]") {
  CHECK(flip(tensor(3.5), {0}).item<double>() == 3.5);
  CHECK(flip(tensor(3.5), {-1}).item<double>() == 3.5);
  CHECK(flip(empty({0, 3}), {0, 1}).sizes() == Shape{0, 3});
  CHECK_THROWS_WITH(flip(pattern({2, 3}), {0, -2}), Catch::Contains("[flip] expected distinct dims"));
  CHECK_THROWS_WITH(flip(pattern({2, 3}), {2}), Catch::Contains("[flip] dim out of range"));
}

TEST_CASE("roll shifts with wrap-around; no dims rolls the flattened tensor", "[join]") {
  Tensor x = tensor({0, 1, 2, 3, 4, 5}).view({2, 3});
  CHECK_ALLCLOSE(roll(x, {1}), tensor({5, 0, 1, 2, 3, 4}).view({2, 3}));
  CHECK_ALLCLOSE(roll(x, {-7}), tensor({1, 2, 3, 4, 5, 0}).view({2, 3}));
  CHECK_ALLCLOSE(roll(x, {1}, {1}), tensor({2, 0, 1, 5, 3, 4}).view({2, 3}));
  CHECK_ALLCLOSE(roll(x, {-7}, {1}), tensor({1, 2, 0, 4, 5, 3}).view({2, 3}));
  CHECK_ALLCLOSE(roll(x, {3}, {1}), x);
  CHECK_ALLCLOSE(x.roll({1, 1}, {0, 1}), tensor({5, 3, 4, 2, 0, 1}).view({2, 3}));
  CHECK_ALLCLOSE(roll(x, {1, 1}, {1, -1}), tensor({1, 2, 0, 4, 5, 3}).view({2, 3}));  // repeated dims add up
  CHECK_ALLCLOSE(roll(x.t(), {1}, {0}), tensor({2, 5, 0, 3, 1, 4}).view({3, 2}));
  CHECK_ALLCLOSE(roll(tensor({true, false, false}), {1}), tensor({false, true, false}));
  Tensor ex = tensor({1.5, 2.5}).view({2, 1}).expand({2, 3});
  CHECK_ALLCLOSE(roll(ex, {1}, {0}), tensor({2.5, 2.5, 2.5, 1.5, 1.5, 1.5}).view({2, 3}));
}

TEST_CASE("roll of 0-dim and empty tensors, and its errors", "[join]") {
  Tensor s = roll(tensor(3.0), {1});
  CHECK(s.dim() == 0);
  CHECK(s.item<double>() == 3.0);
  CHECK(roll(empty({0, 3}), {1}, {0}).sizes() == Shape{0, 3});
  CHECK(roll(empty({0, 3}), {1}, {1}).sizes() == Shape{0, 3});
  CHECK(roll(empty({0, 3}), {2}).sizes() == Shape{0, 3});
  Tensor x = pattern({2, 3});
  CHECK_THROWS_WITH(roll(x, {}), Catch::Contains("[roll] expected at least one shift"));
  CHECK_THROWS_WITH(roll(x, {1, 2}), Catch::Contains("[roll] expected one shift when no dims are given"));
  CHECK_THROWS_WITH(roll(x, {1, 2}, {0}), Catch::Contains("[roll] expected as many shifts as dims, got shifts [1, 2] "
                                                          "and dims [0]"));
  CHECK_THROWS_WITH(roll(x, {1}, {2}), Catch::Contains("[roll] dim out of range"));
  CHECK_THROWS_WITH(roll(tensor(1.0), {1}, {0}), Catch::Contains("[roll] expected a tensor with at least 1 dim"));
}
