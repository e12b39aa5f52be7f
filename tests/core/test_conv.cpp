// Convolution: values by hand, forward and both backward kernels against the naive loops of
// conv_reference.h over stride / padding / dilation / groups combinations, dtypes, shapes
// and the error messages.  Golden values from torch: test_linalg_golden.cpp.
#include "conv_reference.h"
#include "helpers.h"

using namespace convis;
using convis_test::naive_conv;
using convis_test::pattern;

namespace {

struct Case {
  Shape x, w;
  Shape stride, padding, dilation;  // one value per spatial dim
  int64_t groups;
};

Tensor run_conv(const Tensor& x, const Tensor& w, const Tensor& b, const Case& c) {
  switch (w.dim()) {
    case 3: return conv1d(x, w, b, c.stride, c.padding, c.dilation, c.groups);
    case 4: return conv2d(x, w, b, c.stride, c.padding, c.dilation, c.groups);
    default: return conv3d(x, w, b, c.stride, c.padding, c.dilation, c.groups);
  }
}

// Forward, backward input and backward weight of `c` against the naive loops, in `dt`.
void check_against_naive(const Case& c, DType dt, double tol) {
  Tensor x = pattern(c.x, dt), w = pattern(c.w, dt, 5);
  Tensor out = run_conv(x, w, {}, c);
  Tensor g = pattern(out.sizes(), dt, 2);
  auto ref = naive_conv(x, w, c.stride, c.padding, c.dilation, c.groups, g);
  INFO("x " << c.x << " w " << c.w << " dtype " << dtype_name(dt));
  CHECK(out.dtype() == dt);
  CHECK_ALLCLOSE_TOL(out.to(kFloat64), ref.out, tol, tol);
  Tensor gx = conv_backward_input(g, w, x.sizes(), c.stride, c.padding, c.dilation, c.groups);
  CHECK_ALLCLOSE_TOL(gx.to(kFloat64), ref.grad_input, tol, tol);
  Tensor gw = conv_backward_weight(g, x, w.sizes(), c.stride, c.padding, c.dilation, c.groups);
  CHECK_ALLCLOSE_TOL(gw.to(kFloat64), ref.grad_weight, tol, tol);
}

}  // namespace

TEST_CASE("conv1d by hand, with padding and bias", "[conv]") {
  Tensor x = tensor({1.0f, 2.0f, 3.0f, 4.0f, 5.0f}).view({1, 1, 5});
  Tensor w = tensor({1.0f, 0.0f, -1.0f}).view({1, 1, 3});
  CHECK_ALLCLOSE(conv1d(x, w), tensor({-2.0f, -2.0f, -2.0f}).view({1, 1, 3}));
  CHECK_ALLCLOSE(conv1d(x, w, tensor({10.0f}), 1, 1), tensor({8.0f, 8.0f, 8.0f, 8.0f, 14.0f}).view({1, 1, 5}));
  CHECK_ALLCLOSE(conv1d(x, w, {}, 2, 1), tensor({-2.0f, -2.0f, 4.0f}).view({1, 1, 3}));
  CHECK_ALLCLOSE(conv1d(x, w, {}, 1, 0, 2), tensor({-4.0f}).view({1, 1, 1}));  // dilated taps 0, 2, 4
}

TEST_CASE("conv forward and backward match the naive loops", "[conv]") {
  const std::vector<Case> cases = {
      {{2, 4, 13}, {6, 2, 3}, {2}, {3}, {2}, 2},
      {{1, 3, 6, 7}, {4, 3, 2, 3}, {1, 2}, {1, 0}, {2, 1}, 1},
      {{2, 2, 4, 5, 6}, {3, 2, 2, 3, 2}, {2, 1, 1}, {1, 1, 0}, {1, 1, 1}, 1},
      {{1, 6, 5, 5}, {6, 1, 3, 3}, {1, 1}, {2, 2}, {2, 2}, 6},       // depthwise
      {{2, 5, 4, 3}, {3, 5, 1, 1}, {1, 1}, {0, 0}, {1, 1}, 1},       // 1x1: no im2col
      {{2, 4, 4, 3}, {4, 2, 1, 1}, {2, 1}, {0, 0}, {1, 1}, 2},       // 1x1 with stride
      {{1, 2, 3, 3, 3}, {2, 2, 3, 3, 3}, {1, 1, 1}, {1, 1, 1}, {1, 1, 1}, 1},
  };
  for (const Case& c : cases) {
    check_against_naive(c, kFloat64, 1e-12);
    check_against_naive(c, kFloat32, 1e-5);
  }
}

TEST_CASE("conv3d over several column tiles matches the naive loops", "[conv]") {
  // K = 40 * 27 = 1080 rows, so the kernel builds its columns in tiles of ~242 positions.
  check_against_naive({{1, 40, 10, 10, 10}, {3, 40, 3, 3, 3}, {1, 1, 1}, {0, 0, 0}, {1, 1, 1}, 1}, kFloat64, 1e-12);
}

TEST_CASE("conv with bias, unbatched input, int64 and non-contiguous operands", "[conv]") {
  Tensor x = pattern({2, 3, 6, 5}, kFloat64), w = pattern({4, 3, 3, 2}, kFloat64, 1);
  Tensor b = tensor({1.0, -2.0, 0.5, 3.0}, kFloat64);
  Tensor out = conv2d(x, w, b, 1, {1, 0});
  Tensor ref = naive_conv(x, w, {1, 1}, {1, 0}, {1, 1}, 1).out;
  for (int64_t c = 0; c < 4; ++c)
    for (int64_t n = 0; n < 2; ++n) {
      Tensor diff = out[n][c].contiguous();
      Tensor expected = ref[n][c].contiguous();
      double* pe = expected.data_ptr<double>();
      for (int64_t i = 0; i < expected.numel(); ++i) pe[i] += b[c].item<double>();
      CHECK_ALLCLOSE(diff, expected);
    }
  Tensor single = conv2d(x[1], w, b, 1, {1, 0});  // [3, 6, 5] -> [4, 6, 4]
  CHECK(single.sizes() == Shape{4, 6, 4});
  CHECK_ALLCLOSE(single, out[1]);
  Tensor xi = pattern({1, 2, 7}, kInt64), wi = pattern({3, 2, 3}, kInt64, 4);
  Tensor yi = conv1d(xi, wi, {}, 2);
  CHECK(yi.dtype() == kInt64);
  CHECK_ALLCLOSE(yi.to(kFloat64), naive_conv(xi, wi, {2}, {0}, {1}, 1).out);
  Tensor xt = pattern({2, 7, 6, 3}, kFloat32).permute({0, 3, 1, 2});  // NHWC storage
  Tensor wt = pattern({3, 3, 2, 4}, kFloat32, 3).transpose(2, 3);     // [3, 3, 4, 2]
  CHECK_ALLCLOSE(conv2d(xt, wt, {}, {2, 1}).to(kFloat64), naive_conv(xt, wt, {2, 1}, {0, 0}, {1, 1}, 1).out);
}

TEST_CASE("conv with an empty batch and unbatched backward shapes", "[conv]") {
  Tensor w = ones({8, 4, 3, 3});
  Tensor out = conv2d(zeros({0, 4, 5, 5}), w, ones({8}));
  CHECK(out.sizes() == Shape{0, 8, 3, 3});
  Tensor gw = conv_backward_weight(zeros({0, 8, 3, 3}), zeros({0, 4, 5, 5}), w.sizes());
  CHECK_ALLCLOSE(gw, zeros({8, 4, 3, 3}));
  Tensor x = pattern({3, 9}, kFloat64), w1 = pattern({2, 3, 3}, kFloat64, 1);
  Tensor g = pattern({2, 9}, kFloat64, 2);
  auto ref = naive_conv(x.unsqueeze(0), w1, {1}, {1}, {1}, 1, g.unsqueeze(0));
  Tensor gx = conv_backward_input(g, w1, x.sizes(), 1, 1);
  CHECK(gx.sizes() == Shape{3, 9});
  CHECK_ALLCLOSE(gx, ref.grad_input[0]);
  CHECK_ALLCLOSE(conv_backward_weight(g, x, w1.sizes(), 1, 1), ref.grad_weight);
}

TEST_CASE("conv errors name the op, the shapes and the parameters", "[conv]") {
  CHECK_THROWS_WITH(conv3d(ones({2, 3, 9, 9, 9}), ones({8, 4, 3, 3, 3})),
                    Catch::Contains("[conv3d] expected input with 4 channels (weight [8, 4, 3, 3, 3], groups 1), got 3 "
                                    "channels (input [2, 3, 9, 9, 9])"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 9, 9}), ones({8, 3, 3, 3}), {}, 1, 0, 1, 2),
                    Catch::Contains("[conv2d] expected input with 6 channels (weight [8, 3, 3, 3], groups 2), got 4"));
  CHECK_THROWS_WITH(conv2d(ones({2, 6, 9, 9}), ones({8, 2, 3, 3}), {}, 1, 0, 1, 3),
                    Catch::Contains("[conv2d] expected out_channels (weight dim 0) divisible by groups 3, got weight "
                                    "[8, 2, 3, 3]"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 2, 2}), ones({8, 4, 3, 3})),
                    Catch::Contains("[conv2d] expected the padded input to be at least as large as the dilated kernel, "
                                    "got padded input size (2 x 2) and kernel size (3 x 3)"));
  CHECK_THROWS_WITH(conv1d(ones({2, 4, 5}), ones({8, 4, 3}), {}, 1, 0, 3),
                    Catch::Contains("padded input size (5) and kernel size (7)"));
  CHECK_NOTHROW(conv2d(ones({2, 4, 2, 2}), ones({8, 4, 3, 3}), {}, 1, 1));
  CHECK_THROWS_WITH(conv2d(ones({1, 2, 4, 5, 5}), ones({8, 4, 3, 3})),
                    Catch::Contains("[conv2d] expected a 3-D (unbatched) or 4-D (batched) input, got a 5-D input of "
                                    "shape [1, 2, 4, 5, 5]"));
  CHECK_THROWS_WITH(conv2d(ones({5, 5}), ones({8, 4, 3, 3})), Catch::Contains("got a 2-D input of shape [5, 5]"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 5, 5}), ones({8, 4, 3})), Catch::Contains("[conv2d] expected a 4-D weight"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 5, 5}), ones({8, 4, 3, 3}, kFloat64)),
                    Catch::Contains("[conv2d] expected input and weight of the same dtype, got float32 (input) and "
                                    "float64 (weight)"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 5, 5}, kBool), ones({8, 4, 3, 3}, kBool)),
                    Catch::Contains("[conv2d] expected a float32, float64 or int64 input, got bool"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 5, 5}), ones({8, 4, 3, 3}), {}, 0),
                    Catch::Contains("[conv2d] expected a positive stride, got stride=[0, 0]"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 5, 5}), ones({8, 4, 3, 3}), {}, 1, 0, {1, 0}),
                    Catch::Contains("[conv2d] expected a positive dilation, got dilation=[1, 0]"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 5, 5}), ones({8, 4, 3, 3}), {}, 1, -1),
                    Catch::Contains("[conv2d] expected a non-negative padding, got padding=[-1, -1]"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 5, 5}), ones({8, 4, 3, 3}), {}, {1, 2, 3}),
                    Catch::Contains("[conv2d] expected stride to be a single value or a list of 2 values (one per "
                                    "spatial dim), got stride=[1, 2, 3]"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 5, 5}), ones({8, 4, 3, 3}), {}, 1, 0, 1, 0),
                    Catch::Contains("[conv2d] expected a positive number of groups, got groups=0"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 5, 5}), ones({8, 4, 3, 3}), ones({7})),
                    Catch::Contains("[conv2d] expected a bias of shape [8] (weight [8, 4, 3, 3]), got shape [7]"));
  CHECK_THROWS_WITH(conv2d(ones({2, 4, 5, 5}), ones({8, 4, 3, 3}), ones({8}, kFloat64)),
                    Catch::Contains("[conv2d] expected bias and weight of the same dtype"));
  CHECK_THROWS_WITH(conv_backward_input(ones({2, 8, 4, 4}), ones({8, 4, 3, 3}), {2, 4, 5, 5}),
                    Catch::Contains("[conv_backward_input] expected grad_output of shape [2, 8, 3, 3] (the forward's "
                                    "output), got [2, 8, 4, 4]"));
  CHECK_THROWS_WITH(conv_backward_weight(ones({2, 8, 3, 3}, kInt64), ones({2, 4, 5, 5}, kInt64), {8, 4, 3, 3}),
                    Catch::Contains("[conv_backward_weight] expected a float32 or float64 grad_output, got int64"));
}
