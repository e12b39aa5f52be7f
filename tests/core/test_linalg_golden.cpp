// Matrix products, convolution and pooling against values from PyTorch 1.13
// (tests/golden/make_linalg.py writes tests/golden/data/linalg/).
#include <string>

#include "helpers.h"

using namespace convis;
using convis_test::golden;

namespace {

Tensor g(const std::string& name) { return golden("linalg/" + name + ".npy"); }

// float32 sums of tens of products: a few ulps of the largest term.
void check_close(const Tensor& actual, const Tensor& expected) {
  if (expected.dtype() == kFloat32) {
    CHECK_ALLCLOSE_TOL(actual, expected, 1e-4, 1e-5);
  } else {
    CHECK_ALLCLOSE_TOL(actual, expected, 1e-10, 1e-12);
  }
}

}  // namespace

TEST_CASE("golden: mm of a transposed operand and of stepped slices", "[linalg]") {
  check_close(mm(g("mm_at").t(), g("mm_b")), g("mm_out"));
  Tensor a = g("slice_a").slice(0, 0, 9, 2).slice(1, 1, 10, 3);  // a_src[::2, 1::3]
  Tensor b = g("slice_b").slice(0, 2).slice(1, 0, 7, 2);          // b_src[2:, ::2]
  check_close(matmul(a, b), g("slice_out"));
}

TEST_CASE("golden: matmul with broadcast batch dims and 1-D operands", "[linalg]") {
  Tensor c = matmul(g("bcast_a"), g("bcast_b"));
  CHECK(c.sizes() == Shape{2, 5, 3, 6});
  check_close(c, g("bcast_out"));
  check_close(matmul(g("vec_batch_v"), g("vec_batch_b")), g("vec_batch_out"));
  check_close(matmul(g("batch_vec_a"), g("batch_vec_v")), g("batch_vec_out"));
}

TEST_CASE("golden: float64 bmm, mv, dot, outer and vector @ matrix", "[linalg]") {
  check_close(bmm(g("bmm_a"), g("bmm_b")), g("bmm_out"));
  check_close(mv(g("mv_m"), g("mv_v")), g("mv_out"));
  check_close(dot(g("dot_u"), g("dot_u")), g("dot_out"));
  check_close(outer(g("dot_u"), g("mv_v")), g("outer_out"));
  check_close(matmul(g("dot_u"), g("mv_m")), g("vecmat_out"));
}

namespace {

struct ConvGolden {
  const char* name;
  int64_t spatial;
  Shape stride, padding, dilation;
  int64_t groups;
  bool bias;
};

void check_conv_golden(const ConvGolden& c) {
  INFO(c.name);
  const std::string n = c.name;
  Tensor x = g(n + "_x"), w = g(n + "_w"), b = c.bias ? g(n + "_b") : Tensor();
  Tensor out = c.spatial == 1   ? conv1d(x, w, b, c.stride, c.padding, c.dilation, c.groups)
               : c.spatial == 2 ? conv2d(x, w, b, c.stride, c.padding, c.dilation, c.groups)
                                : conv3d(x, w, b, c.stride, c.padding, c.dilation, c.groups);
  check_close(out, g(n + "_out"));
  Tensor gout = g(n + "_gout");
  check_close(conv_backward_input(gout, w, x.sizes(), c.stride, c.padding, c.dilation, c.groups), g(n + "_gx"));
  check_close(conv_backward_weight(gout, x, w.sizes(), c.stride, c.padding, c.dilation, c.groups), g(n + "_gw"));
}

}  // namespace

TEST_CASE("golden: convolution forward and gradients (torch.autograd.grad)", "[conv]") {
  const ConvGolden cases[] = {
      {"conv3d", 3, {1, 2, 1}, {1, 0, 1}, {1, 1, 2}, 2, true},
      {"conv2d", 2, 2, 1, 1, 1, true},
      {"conv2d_depthwise", 2, 1, 2, 2, 3, false},
      {"conv1d", 1, 3, 2, 2, 1, true},
      {"conv1d_unbatched", 1, 1, 1, 1, 1, false},
      {"conv2d_1x1", 2, 1, 0, 1, 1, true},
  };
  for (const ConvGolden& c : cases) check_conv_golden(c);
  Tensor x = g("conv2d_perm_xnhwc").permute({0, 3, 1, 2});  // a non-contiguous NCHW view
  check_close(conv2d(x, g("conv2d_perm_w"), {}, {1, 2}), g("conv2d_perm_out"));
}

TEST_CASE("golden: max pooling values, indices and gradients", "[pool]") {
  auto check = [](const std::string& n, std::tuple<Tensor, Tensor> res, int64_t spatial) {
    INFO(n);
    auto [v, idx] = res;
    check_close(v, g(n + "_out"));
    CHECK_ALLCLOSE(idx, g(n + "_idx"));
    Tensor x = g(n + "_x"), gout = g(n + "_gout");
    Tensor gx = spatial == 1   ? max_pool1d_backward(gout, x, idx)
                : spatial == 2 ? max_pool2d_backward(gout, x, idx)
                               : max_pool3d_backward(gout, x, idx);
    check_close(gx, g(n + "_gx"));
  };
  check("maxpool2d", max_pool2d_with_indices(g("maxpool2d_x"), 3, 2, 1), 2);
  check("maxpool2d_ceil_dil", max_pool2d_with_indices(g("maxpool2d_ceil_dil_x"), {2, 3}, 2, 1, {2, 1}, true), 2);
  check("maxpool1d_ceil", max_pool1d_with_indices(g("maxpool1d_ceil_x"), 3, 2, 1, 1, true), 1);
  check("maxpool3d", max_pool3d_with_indices(g("maxpool3d_x"), {2, 3, 2}, {2, 2, 3}, {1, 1, 0}, 1, true), 3);
  check("maxpool2d_unbatched", max_pool2d_with_indices(g("maxpool2d_unbatched_x"), 2), 2);
  CHECK_ALLCLOSE(max_pool2d(g("maxpool2d_x"), 3, 2, 1), g("maxpool2d_out"));
}

TEST_CASE("golden: average pooling values and gradients", "[pool]") {
  struct AvgGolden {
    const char* name;
    int64_t spatial;
    Shape kernel, stride, padding;
    bool ceil_mode, count_include_pad;
  };
  const AvgGolden cases[] = {
      {"avgpool2d_pad", 2, 3, 2, 1, true, true},
      {"avgpool2d_nopad", 2, 3, 2, 1, true, false},
      {"avgpool1d_ceil", 1, 2, 2, 1, true, true},
      {"avgpool3d", 3, {3, 2, 3}, {2, 1, 2}, {1, 0, 1}, false, false},
      {"avgpool1d_unbatched", 1, 3, 2, 0, false, true},
  };
  for (const AvgGolden& c : cases) {
    INFO(c.name);
    const std::string n = c.name;
    Tensor x = g(n + "_x"), gout = g(n + "_gout");
    auto fwd = c.spatial == 1 ? avg_pool1d : c.spatial == 2 ? avg_pool2d : avg_pool3d;
    auto bwd = c.spatial == 1 ? avg_pool1d_backward : c.spatial == 2 ? avg_pool2d_backward : avg_pool3d_backward;
    check_close(fwd(x, c.kernel, c.stride, c.padding, c.ceil_mode, c.count_include_pad), g(n + "_out"));
    check_close(bwd(gout, x, c.kernel, c.stride, c.padding, c.ceil_mode, c.count_include_pad), g(n + "_gx"));
  }
}
