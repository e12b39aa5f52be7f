// Gradchecks of convolution and pooling (part of linalg_grad_rows()), their backward ops, node
// names, frozen weights and hand-checked pooling gradients.
#include "grad_rows.h"

#include "convis/autograd/engine.h"
#include "convis/autograd/grad_mode.h"

using namespace convis;
using autograd::variable_list;
using convis_test::values;
using V = std::vector<double>;

namespace convis_test {

// test_grad_linalg.cpp (see Note [Rows before the other families record] there).
Tensor plain64(const Shape& shape);
Tensor as_leaf(const Tensor& t);
bool recorded(std::initializer_list<const char*> ops);

namespace {

struct Conv {
  Shape stride = 1, padding = 0, dilation = 1;
  int64_t groups = 1;
};

Tensor conv_any(const Tensor& x, const Tensor& w, const Tensor& b, const Conv& o) {
  const int64_t sd = w.dim() - 2;
  if (sd == 1) return conv1d(x, w, b, o.stride, o.padding, o.dilation, o.groups);
  if (sd == 2) return conv2d(x, w, b, o.stride, o.padding, o.dilation, o.groups);
  return conv3d(x, w, b, o.stride, o.padding, o.dilation, o.groups);
}

// A row of conv{1,2,3}d on (input, weight[, bias]).
GradRow conv_row(const char* what, Tensor x, Tensor w, Tensor b, Conv o) {
  std::string op = "conv" + std::to_string(w.dim() - 2) + "d";
  auto fn = [o](const variable_list& v) { return variable_list{conv_any(v[0], v[1], v[2], o)}; };
  return {op, what, fn, {std::move(x), std::move(w), std::move(b)}, true};
}

// Rows of the two backward ops, with the output gradient as a differentiable input too.
void conv_backward_rows(std::vector<GradRow>& rows, const char* what, const Shape& x_shape, const Shape& w_shape,
                        const Conv& o) {
  Shape g_shape;
  {
    NoGradGuard no_grad;
    g_shape = conv_any(zeros(x_shape, kFloat64), zeros(w_shape, kFloat64), {}, o).sizes();
  }
  rows.push_back({"conv_backward_input", what, [o, x_shape](const variable_list& v) {
                    return variable_list{conv_backward_input(v[0], v[1], x_shape, o.stride, o.padding, o.dilation,
                                                             o.groups)};
                  }, {leaf64(g_shape), leaf64(w_shape)}, true});
  rows.push_back({"conv_backward_weight", what, [o, w_shape](const variable_list& v) {
                    return variable_list{conv_backward_weight(v[0], v[1], w_shape, o.stride, o.padding, o.dilation,
                                                              o.groups)};
                  }, {leaf64(g_shape), leaf64(x_shape)}, true});
}

void conv_rows(std::vector<GradRow>& rows) {
  rows.push_back(conv_row("stride 2, padding 1, groups 2, bias", leaf64({2, 2, 7}), leaf64({4, 1, 3}), leaf64({4}),
                          {2, 1, 1, 2}));
  rows.push_back(conv_row("unbatched, dilation 2", leaf64({2, 7}), leaf64({3, 2, 3}), leaf64({3}), {1, 0, 2, 1}));
  rows.push_back(conv_row("stride (2, 1), padding 1, bias", leaf64({1, 2, 5, 5}), leaf64({2, 2, 3, 3}), leaf64({2}),
                          {{2, 1}, 1, 1, 1}));
  rows.push_back(conv_row("dilation 2, groups 2, no bias", leaf64({1, 4, 5, 5}), leaf64({2, 2, 2, 2}), Tensor(),
                          {1, 0, 2, 2}));
  rows.push_back(conv_row("transposed input, frozen weight", as_leaf(plain64({1, 2, 5, 4}).transpose(2, 3)),
                          plain64({2, 2, 2, 2}), leaf64({2}), {1, 1, 1, 1}));
  rows.push_back(conv_row("[1,2,4,5,5] * [3,2,2,3,3], stride (1,2,2), padding 1, bias", leaf64({1, 2, 4, 5, 5}),
                          leaf64({3, 2, 2, 3, 3}), leaf64({3}), {{1, 2, 2}, 1, 1, 1}));
  rows.push_back(conv_row("dilation (1,2,2), groups 2, input without grad", plain64({1, 2, 3, 5, 5}),
                          leaf64({2, 1, 2, 2, 2}), Tensor(), {1, 0, {1, 2, 2}, 2}));
  conv_backward_rows(rows, "1-D, stride 2 (a leftover input column), groups 2", {1, 2, 6}, {2, 1, 3}, {2, 1, 1, 2});
  conv_backward_rows(rows, "2-D, stride 2, dilation 2", {1, 2, 6, 6}, {2, 2, 2, 2}, {2, 1, 2, 1});
  conv_backward_rows(rows, "3-D, stride (1,2,2), padding 1", {1, 1, 3, 4, 4}, {2, 1, 2, 2, 2}, {{1, 2, 2}, 1, 1, 1});
}

struct Pool {
  Shape kernel, stride = {}, padding = 0, dilation = 1;
  bool ceil_mode = false, count_include_pad = true;
};

Tensor max_pool_any(const Tensor& x, int64_t sd, const Pool& o) {
  if (sd == 1) return max_pool1d(x, o.kernel, o.stride, o.padding, o.dilation, o.ceil_mode);
  if (sd == 2) return max_pool2d(x, o.kernel, o.stride, o.padding, o.dilation, o.ceil_mode);
  return max_pool3d(x, o.kernel, o.stride, o.padding, o.dilation, o.ceil_mode);
}

Tensor avg_pool_any(const Tensor& x, int64_t sd, const Pool& o) {
  if (sd == 1) return avg_pool1d(x, o.kernel, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  if (sd == 2) return avg_pool2d(x, o.kernel, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  return avg_pool3d(x, o.kernel, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
}

Tensor avg_pool_backward_any(const Tensor& g, const Tensor& x, int64_t sd, const Pool& o) {
  const Shape& k = o.kernel;
  if (sd == 1) return avg_pool1d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  if (sd == 2) return avg_pool2d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  return avg_pool3d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
}

std::tuple<Tensor, Tensor> max_pool_with_indices_any(const Tensor& x, int64_t sd, const Pool& o) {
  if (sd == 1) return max_pool1d_with_indices(x, o.kernel, o.stride, o.padding, o.dilation, o.ceil_mode);
  if (sd == 2) return max_pool2d_with_indices(x, o.kernel, o.stride, o.padding, o.dilation, o.ceil_mode);
  return max_pool3d_with_indices(x, o.kernel, o.stride, o.padding, o.dilation, o.ceil_mode);
}

// Rows of max_poolNd, avg_poolNd, max_poolNd_with_indices and avg_poolNd_backward on one input.
void pool_rows(std::vector<GradRow>& rows, const std::string& what, int64_t sd, const Tensor& x, const Pool& o) {
  const std::string n = std::to_string(sd);
  Pool avg = o;
  avg.dilation = 1;
  rows.push_back({"max_pool" + n + "d", what, [sd, o](const variable_list& v) {
                    return variable_list{max_pool_any(v[0], sd, o)};
                  }, {x}, true});
  rows.push_back({"max_pool" + n + "d_with_indices", what, [sd, o](const variable_list& v) {
                    return variable_list{std::get<0>(max_pool_with_indices_any(v[0], sd, o))};
                  }, {x}, true});
  rows.push_back({"avg_pool" + n + "d", what, [sd, avg](const variable_list& v) {
                    return variable_list{avg_pool_any(v[0], sd, avg)};
                  }, {x}, true});
  Shape g_shape;
  {
    NoGradGuard no_grad;
    g_shape = avg_pool_any(x, sd, avg).sizes();
  }
  Tensor input = x.detach();
  rows.push_back({"avg_pool" + n + "d_backward", what, [sd, avg, input](const variable_list& v) {
                    return variable_list{avg_pool_backward_any(v[0], input, sd, avg)};
                  }, {leaf64(g_shape)}, true});
}

// The double backward of max pooling: the first gradient as a function of the output
// gradient v (a gather at the argmax positions); gradgradcheck holds v fixed.
GradRow max_pool_double_backward_row() {
  auto fn = [](const variable_list& in) {
    AutoGradMode grad_on(true);  // gradcheck evaluates fn under NoGradGuard too
    Tensor y = max_pool2d(in[0], {2, 2}, {1, 1}, 0, 1, false);
    return autograd::grad({y}, {in[0]}, {in[1]}, true, true);
  };
  return {"max_pool2d", "the gradient as a function of grad_output", fn, {leaf64({1, 1, 3, 3}), leaf64({1, 1, 2, 2})},
          false};
}

}  // namespace

std::vector<GradRow> linalg_conv_grad_rows() {
  std::vector<GradRow> rows;
  conv_rows(rows);
  pool_rows(rows, "[2,3,7], kernel 3, stride 2, padding 1, ceil_mode", 1, leaf64({2, 3, 7}), {{3}, {2}, 1, 1, true});
  pool_rows(rows, "unbatched [2,6], kernel 2, dilation 2 (max)", 1, leaf64({2, 6}), {{2}, {}, 0, 2});
  pool_rows(rows, "[1,2,5,5], kernel 3, stride 2, padding 1, ceil_mode, count_include_pad false", 2,
            leaf64({1, 2, 5, 5}), {{3}, {2}, 1, 1, true, false});
  pool_rows(rows, "transposed [1,1,4,5], kernel (2,3), stride 1, dilation (1,2) (max)", 2,
            as_leaf(plain64({1, 1, 5, 4}).transpose(2, 3)), {{2, 3}, {1}, 0, {1, 2}});
  pool_rows(rows, "[1,1,4,5,5], kernel (2,3,3), stride 2, padding 1, ceil_mode", 3, leaf64({1, 1, 4, 5, 5}),
            {{2, 3, 3}, {2}, 1, 1, true});
  pool_rows(rows, "unbatched [1,3,4,4], kernel 2, count_include_pad false", 3, leaf64({1, 3, 4, 4}),
            {{2}, {1, 2, 2}, 1, 1, false, false});
  if (recorded({"scatter_add", "flatten", "view"}))  // see Note [Rows before the other families record]
    rows.push_back(max_pool_double_backward_row());
  return rows;
}

}  // namespace convis_test

namespace {
void backward_ones(const Tensor& y) { autograd::backward({y}, {ones_like(y)}); }
Tensor f64(std::initializer_list<double> v, const Shape& s) { return tensor(v, kFloat64).view(s); }
}  // namespace

TEST_CASE("linalg: convolution and pooling record LibTorch's node names", "[autograd][grad]") {
  using convis_test::leaf64;
  Tensor w1 = leaf64({2, 1, 2}), w2 = leaf64({2, 1, 2, 2}), w3 = leaf64({2, 1, 2, 2, 2});
  CHECK(conv1d(leaf64({1, 1, 4}), w1).grad_fn()->name() == "ConvolutionBackward0");
  CHECK(conv2d(leaf64({1, 4, 4}), w2).grad_fn()->name() == "ConvolutionBackward0");
  CHECK(conv3d(leaf64({1, 1, 3, 3, 3}), w3).grad_fn()->name() == "ConvolutionBackward0");
  Tensor x1 = leaf64({1, 1, 4}), x2 = leaf64({1, 1, 4, 4}), x3 = leaf64({1, 1, 4, 4, 4});
  CHECK(max_pool1d(x1, {2}).grad_fn()->name() == "MaxPool2DWithIndicesBackward0");
  CHECK(max_pool2d(x2, {2}).grad_fn()->name() == "MaxPool2DWithIndicesBackward0");
  CHECK(max_pool3d(x3, {2}).grad_fn()->name() == "MaxPool3DWithIndicesBackward0");
  CHECK(avg_pool1d(x1, {2}).grad_fn()->name() == "AvgPool2DBackward0");
  CHECK(avg_pool2d(x2, {2}).grad_fn()->name() == "AvgPool2DBackward0");
  CHECK(avg_pool3d(x3, {2}).grad_fn()->name() == "AvgPool3DBackward0");
  auto [v, idx] = max_pool2d_with_indices(x2, {2});
  CHECK(v.grad_fn()->name() == "MaxPool2DWithIndicesBackward0");
  CHECK_FALSE(idx.requires_grad());
  Tensor y = conv2d(x2, w2);
  Tensor gx = autograd::grad({y}, {x2}, {ones_like(y)}, true, true)[0];
  CHECK(gx.grad_fn()->name() == "ConvolutionBackwardBackward0");
  Tensor gw = autograd::grad({y}, {w2}, {leaf64(y.sizes())}, true, true)[0];
  CHECK(gw.grad_fn()->name() == "ConvolutionBackwardBackward0");
  Tensor p = avg_pool3d(x3, {2});
  Tensor gp = autograd::grad({p}, {x3}, {leaf64(p.sizes())}, true, true)[0];
  CHECK(gp.grad_fn()->name() == "AvgPool3DBackwardBackward0");
}

TEST_CASE("linalg: a frozen weight costs nothing and gets no gradient; the bias gets its sum", "[autograd][grad]") {
  Tensor x = convis_test::leaf64({2, 1, 3, 3}), w = convis_test::plain64({2, 1, 2, 2});
  Tensor b = f64({0.5, -0.5}, {2}).requires_grad_(true);
  Tensor y = conv2d(x, w, b);
  CHECK_FALSE(y.grad_fn()->saved()[0].defined());  // the input: needed only for the weight's gradient
  CHECK(y.grad_fn()->saved()[1].defined());
  backward_ones(y);
  CHECK(x.grad().defined());
  CHECK_FALSE(w.grad().defined());
  CHECK(values(b.grad()) == V{8, 8});  // N * H_out * W_out = 2 * 2 * 2
  {
    NoGradGuard no_grad;
    CHECK_ALLCLOSE(x.grad(), conv_backward_input(ones_like(y), w, x.sizes()));
  }
  // The converse: an input without grad is not kept for nothing either.
  Tensor w2 = convis_test::leaf64({2, 1, 2, 2});
  Tensor y2 = conv2d(convis_test::plain64({2, 1, 3, 3}), w2);
  CHECK(y2.grad_fn()->saved()[0].defined());
  CHECK_FALSE(y2.grad_fn()->saved()[1].defined());
  CHECK(y2.grad_fn()->next_edges().size() == 3);
  CHECK_FALSE(y2.grad_fn()->next_edges()[0].is_valid());
  CHECK_FALSE(y2.grad_fn()->next_edges()[2].is_valid());  // no bias
}

TEST_CASE("linalg: hand-checked pooling gradients", "[autograd][grad]") {
  Tensor x = f64({1, 3, 2, 5}, {1, 1, 4}).requires_grad_(true);
  backward_ones(max_pool1d(x, {2}));
  CHECK(values(x.grad()) == V{0, 1, 0, 1});
  Tensor overlap = f64({1, 3, 2}, {1, 1, 3}).requires_grad_(true);
  backward_ones(max_pool1d(overlap, {2}, {1}));  // both windows pick the 3
  CHECK(values(overlap.grad()) == V{0, 2, 0});
  Tensor plane = f64({1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 3, 3}).requires_grad_(true);
  backward_ones(max_pool2d(plane, {2}, {1}));  // windows pick 5, 6, 8, 9
  CHECK(values(plane.grad()) == V{0, 0, 0, 0, 1, 1, 0, 1, 1});
  Tensor a = f64({1, 2, 3, 4}, {1, 1, 4}).requires_grad_(true);
  backward_ones(avg_pool1d(a, {2}));
  CHECK(values(a.grad()) == V{0.5, 0.5, 0.5, 0.5});
  Tensor c = f64({1, 2, 3}, {1, 1, 3}).requires_grad_(true);
  backward_ones(avg_pool1d(c, {2}, {2}, 1, false, false));  // windows {pad, 1} and {2, 3}: 1 alone, then 2 and 3
  CHECK(values(c.grad()) == V{1, 0.5, 0.5});
}
