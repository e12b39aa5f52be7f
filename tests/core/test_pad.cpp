// Hand-derived tests of pad: the worked examples, dtypes of the fill value, empty and
// 0-dim inputs, and the errors of every mode (LibTorch 1.13's accepted ranks).
#include "helpers.h"
#include "test_join_pattern.h"

using namespace convis;
using convis_test::pattern;

TEST_CASE("pad: the four modes on a small row", "[join]") {
  Tensor x = tensor({1.0, 2.0, 3.0}).view({1, 3});
  CHECK_ALLCLOSE(pad(x, {2, 1}), tensor({0.0, 0.0, 1.0, 2.0, 3.0, 0.0}).view({1, 6}));
  CHECK_ALLCLOSE(pad(x, {2, 1}, PadMode::reflect), tensor({3.0, 2.0, 1.0, 2.0, 3.0, 2.0}).view({1, 6}));
  CHECK_ALLCLOSE(pad(x, {2, 1}, PadMode::replicate), tensor({1.0, 1.0, 1.0, 2.0, 3.0, 3.0}).view({1, 6}));
  CHECK_ALLCLOSE(pad(x.unsqueeze(0), {2, 1}, PadMode::circular),
                 tensor({2.0, 3.0, 1.0, 2.0, 3.0, 1.0}).view({1, 1, 6}));
  CHECK_ALLCLOSE(pad(x, {-1, 0}), tensor({2.0, 3.0}).view({1, 2}));
  CHECK_ALLCLOSE(pad(x, {0, 0, 1, 0}, PadMode::constant, 7), tensor({7.0, 7.0, 7.0, 1.0, 2.0, 3.0}).view({2, 3}));
}

TEST_CASE("reflect pads 2-D corners from the padded rows", "[join]") {
  // [[0, 1, 2], [3, 4, 5], [6, 7, 8]] padded by one on every side
  Tensor x = tensor({0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0}).view({1, 3, 3});
  Tensor r = pad(x, {1, 1, 1, 1}, PadMode::reflect);
  CHECK(r.sizes() == Shape{1, 5, 5});
  CHECK_ALLCLOSE(r[0][0], tensor({4.0, 3.0, 4.0, 5.0, 4.0}));
  CHECK_ALLCLOSE(r[0][4], tensor({4.0, 3.0, 4.0, 5.0, 4.0}));
  Tensor c = pad(x, {1, 1, 1, 1}, PadMode::replicate);
  CHECK_ALLCLOSE(c[0][0], tensor({0.0, 0.0, 1.0, 2.0, 2.0}));
  CHECK_ALLCLOSE(c[0][4], tensor({6.0, 6.0, 7.0, 8.0, 8.0}));
}

TEST_CASE("constant pad: fill value cast to the dtype, any rank, empty and 0-dim inputs", "[join]") {
  Tensor i = tensor({1, 1});
  CHECK_ALLCLOSE(pad(i, {1, 1}, PadMode::constant, 2.7), tensor({2, 1, 1, 2}));
  CHECK_ALLCLOSE(pad(i, {1, 0}, PadMode::constant, -2.7), tensor({-2, 1, 1}));
  CHECK_ALLCLOSE(pad(tensor({false}), {1, 1}, PadMode::constant, 2), tensor({true, false, true}));
  CHECK(pad(pattern({2, 1, 1, 1, 1}), {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}).sizes() == Shape{4, 3, 3, 3, 3});
  Tensor e = pad(empty({0, 3}), {1, 1, 1, 1}, PadMode::constant, 5);
  CHECK_ALLCLOSE(e, full({2, 5}, 5.0f));
  CHECK(pad(pattern({4}), {-2, -2}).sizes() == Shape{0});
  Tensor s = pad(tensor(3.0), {});
  CHECK(s.dim() == 0);
  CHECK(s.item<double>() == 3.0);
}

TEST_CASE("constant pad errors", "[join]") {
  Tensor x = pattern({1, 1, 4});
  CHECK_THROWS_WITH(pad(x, {1}), Catch::Contains("[pad] expected an even number of padding values"));
  CHECK_THROWS_WITH(pad(x, {1, 1, 1, 1, 1, 1, 1, 1}),
                    Catch::Contains("[pad] expected at most 6 padding values for a 3-D input of shape [1, 1, 4]"));
  CHECK_THROWS_WITH(pad(tensor(1.0), {1, 1}), Catch::Contains("[pad] expected at most 0 padding values"));
  CHECK_THROWS_WITH(pad(x, {-2, -3}), Catch::Contains("[pad] expected negative padding to crop at most the 4 "
                                                      "elements of dim 2 of input [1, 1, 4], got padding (-2, -3)"));
  CHECK_THROWS_WITH(pad(pattern({1}), {-2, 3}), Catch::Contains("[pad] expected negative padding to crop"));
}

TEST_CASE("non-constant pads accept LibTorch 1.13's ranks only", "[join]") {
  CHECK(pad(pattern({3, 4}), {1, 1}, PadMode::reflect).sizes() == Shape{3, 6});
  CHECK(pad(pattern({2, 3, 4}), {1, 1, 1, 1}, PadMode::replicate).sizes() == Shape{2, 5, 6});
  CHECK(pad(pattern({1, 2, 3, 3, 3}), {1, 1, 1, 1, 1, 1}, PadMode::reflect).sizes() == Shape{1, 2, 5, 5, 5});
  CHECK_THROWS_WITH(pad(pattern({4}), {1, 1}, PadMode::reflect),
                    Catch::Contains("[pad] expected a 2-D or 3-D (batched) input for reflect padding of the last 1 "
                                    "dim(s), got a 1-D input of shape [4]"));
  CHECK_THROWS_WITH(pad(pattern({2, 2, 2, 4}), {1, 1}, PadMode::replicate),
                    Catch::Contains("expected a 2-D or 3-D (batched) input for replicate padding"));
  CHECK_THROWS_WITH(pad(pattern({2, 4}), {1, 1}, PadMode::circular),
                    Catch::Contains("[pad] expected a 3-D input (batch, channel and 1 padded dims) for circular"));
  CHECK_THROWS_WITH(pad(pattern({2, 3, 4}), {1, 1, 1, 1}, PadMode::circular),
                    Catch::Contains("expected a 4-D input"));
  CHECK_THROWS_WITH(pad(pattern({1, 1, 1, 2, 2, 2}), {1, 1, 1, 1, 1, 1, 1, 1}, PadMode::reflect),
                    Catch::Contains("[pad] expected 2, 4 or 6 padding values for reflect padding, got 8"));
  CHECK_THROWS_WITH(pad(pattern({1, 1, 3}), {}, PadMode::replicate), Catch::Contains("got 0"));
}

TEST_CASE("non-constant pad size errors", "[join]") {
  CHECK_THROWS_WITH(pad(pattern({1, 1, 4}), {5, 5}, PadMode::reflect),
                    Catch::Contains("[pad] expected padding sizes less than the corresponding input dimension, but "
                                    "got: padding (5, 5) at dimension 2 of input [1, 1, 4]"));
  CHECK_THROWS_WITH(pad(pattern({1, 1, 4}), {0, 4}, PadMode::reflect),
                    Catch::Contains("padding (0, 4) at dimension 2"));
  CHECK_THROWS_WITH(pad(pattern({1, 3, 4}), {1, 1, 3, 3}, PadMode::reflect),
                    Catch::Contains("padding (3, 3) at dimension 1 of input [1, 3, 4]"));
  CHECK_THROWS_WITH(pad(pattern({1, 1, 1}), {1, 0}, PadMode::reflect), Catch::Contains("padding (1, 0)"));
  CHECK_THROWS_WITH(pad(pattern({1, 1, 4}), {-2, -2}, PadMode::reflect),
                    Catch::Contains("[pad] expected an output size >= 1 in dim 2 of input [1, 1, 4], got 0"));
  CHECK_THROWS_WITH(pad(pattern({1, 1, 5}), {-3, -2}, PadMode::replicate), Catch::Contains("output size >= 1"));
  CHECK_THROWS_WITH(pad(pattern({1, 1, 4}), {5, 0}, PadMode::circular),
                    Catch::Contains("[pad] expected circular padding of at most the size 4 of dim 2"));
  CHECK_THROWS_WITH(pad(pattern({1, 1, 5}), {-3, 3}, PadMode::circular),
                    Catch::Contains("circular padding of at most the size 2"));
  CHECK_THROWS_WITH(pad(pattern({1, 1, 5}), {-3, -3}, PadMode::circular),
                    Catch::Contains("expected negative padding to crop"));
  CHECK(pad(pattern({1, 1, 5}), {-2, -3}, PadMode::circular).sizes() == Shape{1, 1, 0});
}

TEST_CASE("non-constant pads of empty inputs", "[join]") {
  CHECK(pad(pattern({0, 1, 4}), {1, 1}, PadMode::reflect).sizes() == Shape{0, 1, 6});
  CHECK(pad(pattern({0, 4}), {1, 1}, PadMode::reflect).sizes() == Shape{0, 6});
  CHECK(pad(pattern({0, 2, 4, 5}), {1, 1, 1, 1}, PadMode::replicate).sizes() == Shape{0, 2, 6, 7});
  CHECK(pad(pattern({1, 0, 4}), {1, 1}, PadMode::circular).sizes() == Shape{1, 0, 6});
  CHECK_THROWS_WITH(pad(pattern({1, 0, 4}), {1, 1}, PadMode::reflect),
                    Catch::Contains("[pad] expected non-zero sizes in dims 1.. for reflect padding, got input "
                                    "[1, 0, 4]"));
  CHECK_THROWS_WITH(pad(pattern({0, 4}), {1, 1}, PadMode::replicate),
                    Catch::Contains("expected non-zero sizes in dims 0.. for replicate padding"));
  CHECK_THROWS_WITH(pad(pattern({1, 1, 0}), {1, 1}, PadMode::replicate), Catch::Contains("non-zero sizes"));
  CHECK_ALLCLOSE(pad(tensor({2.5}).view({1, 1, 1}), {3, 2}, PadMode::replicate), full({1, 1, 6}, 2.5f));
}
