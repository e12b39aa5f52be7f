// Pooling: values by hand (windows, ceil_mode, padding, dilation, NaN), backward kernels by
// hand and by the adjoint identity, shapes and the error messages.  Golden values from
// torch: test_linalg_golden.cpp.
#include <cmath>
#include <limits>

#include "conv_reference.h"
#include "helpers.h"

using namespace convis;
using convis_test::inner;
using convis_test::pattern;

TEST_CASE("max_pool1d by hand: windows, ceil_mode, padding and dilation", "[pool]") {
  Tensor x = tensor({1.0f, 3.0f, 2.0f, 5.0f, 4.0f}).view({1, 1, 5});
  CHECK_ALLCLOSE(max_pool1d(x, 2), tensor({3.0f, 5.0f}).view({1, 1, 2}));
  auto [v, idx] = max_pool1d_with_indices(x, 2, {}, 0, 1, /*ceil_mode=*/true);
  CHECK_ALLCLOSE(v, tensor({3.0f, 5.0f, 4.0f}).view({1, 1, 3}));
  CHECK_ALLCLOSE(idx, tensor({1, 3, 4}).view({1, 1, 3}));
  // padding 1: windows [-1, 0], [1, 2], [3, 4]
  CHECK_ALLCLOSE(max_pool1d(x, 2, 2, 1), tensor({1.0f, 3.0f, 5.0f}).view({1, 1, 3}));
  // ceil_mode, padding 1: a 4th window would start at 3 * 2 - 1 = 5, in the right padding only, so
  // torch drops it (Note [Pooling output size]); on 6 elements it starts inside and stays.
  CHECK(max_pool1d(x, 2, 2, 1, 1, true).sizes() == Shape{1, 1, 3});
  CHECK(max_pool1d(zeros({1, 1, 6}), 2, 2, 1, 1, true).sizes() == Shape{1, 1, 4});
  // dilation 2, kernel 2: taps (i, i + 2)
  CHECK_ALLCLOSE(max_pool1d(x, 2, 1, 0, 2), tensor({2.0f, 5.0f, 4.0f}).view({1, 1, 3}));
}

TEST_CASE("max pooling propagates NaN and keeps -inf", "[pool]") {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  Tensor x = tensor({1.0, nan, 2.0, 3.0, -inf, -inf}, kFloat64).view({1, 6});  // unbatched [C, W]
  auto [v, idx] = max_pool1d_with_indices(x, 2);
  Tensor vc = v.contiguous();
  CHECK(std::isnan(vc.data_ptr<double>()[0]));
  CHECK(vc.data_ptr<double>()[1] == 3.0);
  CHECK(vc.data_ptr<double>()[2] == -inf);
  CHECK_ALLCLOSE(idx, tensor({1, 3, 4}).view({1, 3}));
}

TEST_CASE("avg_pool1d by hand: count_include_pad and ceil_mode", "[pool]") {
  Tensor x = tensor({1.0, 2.0, 3.0, 4.0}, kFloat64).view({1, 1, 4});
  // kernel 3, stride 1, padding 1: windows [-1, 1], [0, 2], [1, 3], [2, 4]
  CHECK_ALLCLOSE(avg_pool1d(x, 3, 1, 1), tensor({1.0, 2.0, 3.0, 7.0 / 3}, kFloat64).view({1, 1, 4}));
  CHECK_ALLCLOSE(avg_pool1d(x, 3, 1, 1, false, false), tensor({1.5, 2.0, 3.0, 3.5}, kFloat64).view({1, 1, 4}));
  // kernel 2, stride 2 on 5 elements with ceil_mode: the last window [4, 5] holds only x[4] and
  // reaches past the padding (none), so it divides by 1 either way.
  Tensor y = tensor({1.0, 2.0, 3.0, 4.0, 10.0}, kFloat64).view({1, 5});
  CHECK_ALLCLOSE(avg_pool1d(y, 2, 2, 0, true), tensor({1.5, 3.5, 10.0}, kFloat64).view({1, 3}));
  CHECK_ALLCLOSE(avg_pool1d(y, 2, 2, 0, true, false), tensor({1.5, 3.5, 10.0}, kFloat64).view({1, 3}));
  // padding 1 with ceil_mode: windows [-1, 0], [1, 2], [3, 4]; count_include_pad divides the first by 2
  CHECK_ALLCLOSE(avg_pool1d(y, 2, 2, 1, true), tensor({0.5, 2.5, 7.0}, kFloat64).view({1, 3}));
  CHECK_ALLCLOSE(avg_pool1d(y, 2, 2, 1, true, false), tensor({1.0, 2.5, 7.0}, kFloat64).view({1, 3}));
}

TEST_CASE("2-D and 3-D pooling shapes, unbatched inputs and empty batches", "[pool]") {
  CHECK(max_pool2d(zeros({2, 3, 7, 8}), 3, 2, 1).sizes() == Shape{2, 3, 4, 4});
  CHECK(max_pool2d(zeros({3, 7, 8}), 2).sizes() == Shape{3, 3, 4});
  CHECK(max_pool3d(zeros({2, 3, 4, 5, 6}), 2).sizes() == Shape{2, 3, 2, 2, 3});
  CHECK(max_pool3d(zeros({3, 4, 5, 6}), 2).sizes() == Shape{3, 2, 2, 3});
  CHECK(avg_pool3d(zeros({2, 3, 4, 5, 6}), {2, 1, 3}).sizes() == Shape{2, 3, 2, 5, 2});
  CHECK(avg_pool1d(zeros({3, 5}), 2).sizes() == Shape{3, 2});
  CHECK(max_pool2d(zeros({0, 3, 7, 8}), 2).sizes() == Shape{0, 3, 3, 4});
  CHECK(avg_pool2d(zeros({0, 3, 7, 8}), 2).sizes() == Shape{0, 3, 3, 4});
  // a 2-D window by hand on a non-contiguous (transposed) input
  Tensor x = arange(12, kFloat32).view({3, 4}).t().unsqueeze(0);  // [1, 4, 3]: rows [0 4 8] [1 5 9] ...
  CHECK_ALLCLOSE(max_pool2d(x, 2, 1), tensor({5.0f, 9.0f, 6.0f, 10.0f, 7.0f, 11.0f}).view({1, 3, 2}));
  CHECK_ALLCLOSE(avg_pool2d(x, 2, 1), tensor({2.5f, 6.5f, 3.5f, 7.5f, 4.5f, 8.5f}).view({1, 3, 2}));
  auto [v, idx] = max_pool2d_with_indices(x, 2, 1);
  CHECK_ALLCLOSE(idx, tensor({4, 5, 7, 8, 10, 11}).view({1, 3, 2}));  // flat in the 4x3 plane
}

TEST_CASE("pooling backward by hand and by the adjoint identity", "[pool]") {
  Tensor x = tensor({1.0, 3.0, 2.0, 5.0, 4.0}, kFloat64).view({1, 1, 5});
  auto [v, idx] = max_pool1d_with_indices(x, 3, 1);  // windows max at 1, 3, 3
  Tensor g = tensor({1.0, 10.0, 100.0}, kFloat64).view({1, 1, 3});
  CHECK_ALLCLOSE(max_pool1d_backward(g, x, idx), tensor({0.0, 1.0, 0.0, 110.0, 0.0}, kFloat64).view({1, 1, 5}));
  CHECK_ALLCLOSE(avg_pool1d_backward(g, x, 3, 1),
                 tensor({1.0 / 3, 11.0 / 3, 111.0 / 3, 110.0 / 3, 100.0 / 3}, kFloat64).view({1, 1, 5}));
  // <avg(x), g> == <x, avg_backward(g)> for padded, ceil-mode, 3-D windows
  for (bool include_pad : {true, false}) {
    Tensor x3 = pattern({2, 2, 5, 6, 7}, kFloat64);
    Tensor out = avg_pool3d(x3, {3, 2, 3}, {2, 2, 2}, {1, 1, 1}, true, include_pad);
    Tensor g3 = pattern(out.sizes(), kFloat64, 3);
    Tensor gx = avg_pool3d_backward(g3, x3, {3, 2, 3}, {2, 2, 2}, {1, 1, 1}, true, include_pad);
    CHECK(inner(out, g3) == Approx(inner(x3, gx)).epsilon(1e-12));
  }
  Tensor x2 = pattern({3, 7, 8}, kFloat32);  // unbatched, 2-D
  auto [v2, idx2] = max_pool2d_with_indices(x2, {3, 2}, {2, 2}, {1, 1}, {1, 2}, true);
  Tensor g2 = pattern(v2.sizes(), kFloat32, 1);
  Tensor gx2 = max_pool2d_backward(g2, x2, idx2);
  CHECK(inner(v2, g2) == Approx(inner(x2, gx2)));
}

TEST_CASE("pooling errors name the op and the parameters", "[pool]") {
  Tensor x = ones({2, 3, 7, 8});
  CHECK_THROWS_WITH(max_pool2d(x, 3, {}, 2), Catch::Contains("[max_pool2d] expected a padding between 0 and half the "
                                                             "kernel size, got padding=[2, 2] and kernel_size=[3, 3]"));
  CHECK_THROWS_WITH(avg_pool2d(x, 3, {}, 2), Catch::Contains("[avg_pool2d] expected a padding between 0 and half"));
  CHECK_THROWS_WITH(max_pool2d(x, 2, 2, -1), Catch::Contains("padding=[-1, -1]"));
  CHECK_THROWS_WITH(max_pool2d(x, 3, 0), Catch::Contains("[max_pool2d] expected a positive stride, got stride=[0, 0]"));
  CHECK_THROWS_WITH(max_pool2d(x, 0), Catch::Contains("[max_pool2d] expected a positive kernel size"));
  CHECK_THROWS_WITH(max_pool2d(x, 3, 1, 0, 0), Catch::Contains("[max_pool2d] expected a positive dilation"));
  CHECK_THROWS_WITH(max_pool2d(x, 9), Catch::Contains("[max_pool2d] expected an output of at least one element per "
                                                      "spatial dim, got output size [0, 0] for input [2, 3, 7, 8]"));
  CHECK_THROWS_WITH(avg_pool2d(x, 9), Catch::Contains("[avg_pool2d] expected an output of at least one element"));
  CHECK_THROWS_WITH(max_pool2d(ones({7, 8}), 2), Catch::Contains("[max_pool2d] expected a 3-D (unbatched) or 4-D "
                                                                 "(batched) input, got a 2-D input of shape [7, 8]"));
  CHECK_THROWS_WITH(avg_pool1d(ones({5}), 2), Catch::Contains("[avg_pool1d] expected a 2-D (unbatched) or 3-D"));
  CHECK_THROWS_WITH(max_pool2d(x, {2, 2, 2}), Catch::Contains("[max_pool2d] expected kernel_size to be a single value "
                                                              "or a list of 2 values"));
  CHECK_THROWS_WITH(max_pool2d(ones({2, 0, 7, 8}), 2), Catch::Contains("[max_pool2d] expected non-zero sizes in every "
                                                                       "dim but the batch dim, got input of shape [2, "
                                                                       "0, 7, 8]"));
  CHECK_THROWS_WITH(max_pool2d(ones({2, 3, 7, 8}, kInt64), 2),
                    Catch::Contains("[max_pool2d] expected a float32 or float64 input, got int64"));
  Tensor idx = std::get<1>(max_pool2d_with_indices(x, 2));
  CHECK_THROWS_WITH(max_pool2d_backward(ones({2, 3, 3, 3}), x, idx),
                    Catch::Contains("[max_pool2d_backward] expected grad_output of shape [2, 3, 3, 4]"));
  CHECK_THROWS_WITH(max_pool2d_backward(ones({2, 3, 3, 4}), x, full({2, 3, 3, 4}, 56)),
                    Catch::Contains("[max_pool2d_backward] expected indices in [0, 56)"));
  CHECK_THROWS_WITH(max_pool2d_backward(ones({2, 3, 3, 4}), x, ones({2, 3, 3, 4})),
                    Catch::Contains("[max_pool2d_backward] expected int64 indices, got float32"));
  CHECK_THROWS_WITH(avg_pool2d_backward(ones({2, 3, 3, 3}), x, 2),
                    Catch::Contains("[avg_pool2d_backward] expected grad_output of shape [2, 3, 3, 4]"));
}
