// autograd/ops/conv.cpp: the public differentiable convolutions and poolings, forward and
// backward side by side (their names are listed in linalg_differentiable_ops(), linalg.cpp).
//
// With y = F(x, w) a convolution (options: stride, padding, dilation, groups), B_in(g, w) its
// input gradient (conv_backward_input) and B_w(x, g) its weight gradient (conv_backward_weight):
//   convNd(x, w, b)              x: B_in(grad, w)     w: B_w(x, grad)      b: grad summed over N and space
//   conv_backward_input(g, w)    g: F(grad, w)        w: B_w(grad, g)
//   conv_backward_weight(g, x)   g: F(x, grad)        x: B_in(g, grad)
// (F is bilinear and B_in, B_w are its adjoints: <B_in(g, w), v> = <g, F(v, w)> = <B_w(v, g), w>.)
//   max_poolNd(x)                x: grad scattered (added) to the argmax of each window
//   avg_poolNd(x)                x: avg_poolNd_backward(grad)
//   avg_poolNd_backward(g)       g: avg_poolNd(grad)  (the pooling is linear; this is its adjoint)
//
// Note [Node names of convolution and pooling]
// As LibTorch 1.13: every convolution records ConvolutionBackward0 and the two backward ops
// ConvolutionBackwardBackward0; 2-D and 3-D poolings record MaxPool2DWithIndicesBackward0,
// MaxPool3DWithIndicesBackward0, AvgPool2DBackward0, AvgPool3DBackward0, and their backward ops
// AvgPool2DBackwardBackward0, AvgPool3DBackwardBackward0.  LibTorch runs a 1-D pooling as a
// 2-D one between an unsqueeze and a squeeze (its graph shows SqueezeBackward1 above the 2-D
// node); ours is one node with the 2-D name.  LibTorch's unbatched convolution likewise shows
// SqueezeBackward1 above ConvolutionBackward0; ours records ConvolutionBackward0 directly.
#include <string>

#include "convis/autograd/autograd_meta.h"
#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/native/conv.h"
#include "convis/core/native/linalg.h"
#include "convis/core/native/pool.h"
#include "convis/core/ops.h"

namespace convis {

using autograd::FunctionNode;
using autograd::variable_list;

namespace {

template <typename F>
auto untracked(F&& f) {  // as in linalg.cpp: core's compute records nothing
  NoGradGuard guard;
  return f();
}

void save(FunctionNode& node, const Tensor& t, bool needed) { node.saved().emplace_back(needed ? t : Tensor(), false); }

// ---- convolution ----

struct ConvOpts {
  Shape stride, padding, dilation;
  int64_t groups;
};

// The public convolution of spatial rank `sd` (so that backward formulas record).
Tensor conv_any(int64_t sd, const Tensor& x, const Tensor& w, const ConvOpts& o) {
  if (sd == 1) return conv1d(x, w, {}, o.stride, o.padding, o.dilation, o.groups);
  if (sd == 2) return conv2d(x, w, {}, o.stride, o.padding, o.dilation, o.groups);
  return conv3d(x, w, {}, o.stride, o.padding, o.dilation, o.groups);
}

Tensor conv_nd(int64_t sd, const Tensor& x, const Tensor& w, const Tensor& b, const ConvOpts& o) {
  Tensor y = untracked([&] {
    if (sd == 1) return native::conv1d(x, w, b, o.stride, o.padding, o.dilation, o.groups);
    if (sd == 2) return native::conv2d(x, w, b, o.stride, o.padding, o.dilation, o.groups);
    return native::conv3d(x, w, b, o.stride, o.padding, o.dilation, o.groups);
  });
  if (!autograd::any_requires_grad({&x, &w, &b})) return y;
  // The bias gradient sums over every dim but the channels: N (when batched) and space.
  Shape bias_dims;
  for (int64_t d = 0; d < y.dim(); ++d)
    if (d != y.dim() - sd - 1) bias_dims.push_back(d);
  auto backward = [o, bias_dims, x_sizes = x.sizes(), w_sizes = w.sizes()](FunctionNode& n, const variable_list& g) {
    Tensor gx = n.needs_input_grad(0) ? conv_backward_input(g[0], n.saved_at(1), x_sizes, o.stride, o.padding,
                                                            o.dilation, o.groups)
                                      : Tensor();
    Tensor gw = n.needs_input_grad(1) ? conv_backward_weight(g[0], n.saved_at(0), w_sizes, o.stride, o.padding,
                                                             o.dilation, o.groups)
                                      : Tensor();
    Tensor gb = n.needs_input_grad(2) ? g[0].sum(bias_dims) : Tensor();
    return variable_list{gx, gw, gb};
  };
  auto node = autograd::record("ConvolutionBackward0", {&x, &w, &b}, {&y}, backward);
  save(*node, x, node->needs_input_grad(1));  // a frozen weight needs no input
  save(*node, w, node->needs_input_grad(0));  // an input without grad needs no weight
  return y;
}

}  // namespace

Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
              const Shape& padding, const Shape& dilation, int64_t groups) {
  return conv_nd(1, input, weight, bias, {stride, padding, dilation, groups});
}
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
              const Shape& padding, const Shape& dilation, int64_t groups) {
  return conv_nd(2, input, weight, bias, {stride, padding, dilation, groups});
}
Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
              const Shape& padding, const Shape& dilation, int64_t groups) {
  return conv_nd(3, input, weight, bias, {stride, padding, dilation, groups});
}

Tensor conv_backward_input(const Tensor& grad_output, const Tensor& weight, const Shape& input_sizes,
                           const Shape& stride, const Shape& padding, const Shape& dilation, int64_t groups) {
  Tensor y = untracked([&] {
    return native::conv_backward_input(grad_output, weight, input_sizes, stride, padding, dilation, groups);
  });
  if (!autograd::any_requires_grad({&grad_output, &weight})) return y;
  const ConvOpts o{stride, padding, dilation, groups};
  auto backward = [o, sd = weight.dim() - 2, w_sizes = weight.sizes()](FunctionNode& n, const variable_list& g) {
    Tensor gg = n.needs_input_grad(0) ? conv_any(sd, g[0], n.saved_at(1), o) : Tensor();
    Tensor gw = n.needs_input_grad(1)
                    ? conv_backward_weight(n.saved_at(0), g[0], w_sizes, o.stride, o.padding, o.dilation, o.groups)
                    : Tensor();
    return variable_list{gg, gw};
  };
  auto node = autograd::record("ConvolutionBackwardBackward0", {&grad_output, &weight}, {&y}, backward);
  save(*node, grad_output, node->needs_input_grad(1));
  save(*node, weight, node->needs_input_grad(0));
  return y;
}

Tensor conv_backward_weight(const Tensor& grad_output, const Tensor& input, const Shape& weight_sizes,
                            const Shape& stride, const Shape& padding, const Shape& dilation, int64_t groups) {
  Tensor y = untracked([&] {
    return native::conv_backward_weight(grad_output, input, weight_sizes, stride, padding, dilation, groups);
  });
  if (!autograd::any_requires_grad({&grad_output, &input})) return y;
  const ConvOpts o{stride, padding, dilation, groups};
  const int64_t sd = int64_t(weight_sizes.size()) - 2;
  auto backward = [o, sd, x_sizes = input.sizes()](FunctionNode& n, const variable_list& g) {
    Tensor gg = n.needs_input_grad(0) ? conv_any(sd, n.saved_at(1), g[0], o) : Tensor();
    Tensor gx = n.needs_input_grad(1)
                    ? conv_backward_input(n.saved_at(0), g[0], x_sizes, o.stride, o.padding, o.dilation, o.groups)
                    : Tensor();
    return variable_list{gg, gx};
  };
  auto node = autograd::record("ConvolutionBackwardBackward0", {&grad_output, &input}, {&y}, backward);
  save(*node, grad_output, node->needs_input_grad(1));
  save(*node, input, node->needs_input_grad(0));
  return y;
}

// ---- pooling ----

namespace {

// Note [Max pooling's backward is a scatter]
// Each output took its value from one input element, whose flat index inside its plane the
// forward returns.  The gradient adds each output's gradient at that index: scatter_add along
// the flattened plane, a public op whose own gradient (for create_graph) is a gather of the
// incoming gradient at the same indices.
std::tuple<Tensor, Tensor> max_pool_nd(int64_t sd, const Tensor& x, const Shape& k, const Shape& s, const Shape& p,
                                       const Shape& d, bool c) {
  auto [y, indices] = untracked([&] {
    if (sd == 1) return native::max_pool1d_with_indices(x, k, s, p, d, c);
    if (sd == 2) return native::max_pool2d_with_indices(x, k, s, p, d, c);
    return native::max_pool3d_with_indices(x, k, s, p, d, c);
  });
  if (!autograd::any_requires_grad({&x})) return {y, indices};
  auto backward = [sd, x_sizes = x.sizes()](FunctionNode& n, const variable_list& g) {
    if (numel(x_sizes) == 0) return variable_list{zeros(x_sizes, g[0].options())};
    const int64_t start = int64_t(x_sizes.size()) - sd;  // the plane's first dim
    Shape planes(x_sizes.begin(), x_sizes.end() - sd);    // [N, C, T * H * W] or [C, T * H * W]
    planes.push_back(numel(x_sizes) / numel(planes));
    Tensor flat = zeros(planes, g[0].options()).scatter_add(-1, n.saved_at(0).flatten(start), g[0].flatten(start));
    return variable_list{flat.view(x_sizes)};
  };
  const char* name = sd == 3 ? "MaxPool3DWithIndicesBackward0" : "MaxPool2DWithIndicesBackward0";
  auto node = autograd::record(name, {&x}, {&y}, backward);
  node->saved().emplace_back(indices, /*is_output=*/false);  // an output, but not a differentiable one
  return {y, indices};
}

struct PoolOpts {
  Shape kernel, stride, padding;
  bool ceil_mode, count_include_pad;
};

Tensor avg_pool_any(int64_t sd, const Tensor& x, const PoolOpts& o);
Tensor avg_pool_backward_any(int64_t sd, const Tensor& g, const Tensor& x, const PoolOpts& o);

// The backward needs only the input's shape: a stride-0 view of one zero stands in for it.
Tensor shape_stand_in(const Shape& sizes, const TensorOptions& options) {
  return zeros({}, options).expand(sizes);
}

Tensor avg_pool_nd(int64_t sd, const Tensor& x, const PoolOpts& o) {
  Tensor y = untracked([&] {
    if (sd == 1) return native::avg_pool1d(x, o.kernel, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
    if (sd == 2) return native::avg_pool2d(x, o.kernel, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
    return native::avg_pool3d(x, o.kernel, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  });
  if (!autograd::any_requires_grad({&x})) return y;
  auto backward = [sd, o, x_sizes = x.sizes(), opts = x.options()](FunctionNode&, const variable_list& g) {
    return variable_list{avg_pool_backward_any(sd, g[0], shape_stand_in(x_sizes, opts), o)};
  };
  autograd::record(sd == 3 ? "AvgPool3DBackward0" : "AvgPool2DBackward0", {&x}, {&y}, backward);
  return y;
}

// The input only gives its shape: its gradient is zero, so only grad_output has an edge.
Tensor avg_pool_backward_nd(int64_t sd, const Tensor& g, const Tensor& x, const PoolOpts& o) {
  Tensor y = untracked([&] {
    const Shape& k = o.kernel;
    if (sd == 1) return native::avg_pool1d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
    if (sd == 2) return native::avg_pool2d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
    return native::avg_pool3d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  });
  if (!autograd::any_requires_grad({&g})) return y;
  autograd::record(sd == 3 ? "AvgPool3DBackwardBackward0" : "AvgPool2DBackwardBackward0", {&g}, {&y},
                   [sd, o](FunctionNode&, const variable_list& v) { return variable_list{avg_pool_any(sd, v[0], o)}; });
  return y;
}

Tensor avg_pool_any(int64_t sd, const Tensor& x, const PoolOpts& o) {
  if (sd == 1) return avg_pool1d(x, o.kernel, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  if (sd == 2) return avg_pool2d(x, o.kernel, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  return avg_pool3d(x, o.kernel, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
}

Tensor avg_pool_backward_any(int64_t sd, const Tensor& g, const Tensor& x, const PoolOpts& o) {
  const Shape& k = o.kernel;
  if (sd == 1) return avg_pool1d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  if (sd == 2) return avg_pool2d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  return avg_pool3d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
}

}  // namespace

std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& x, const Shape& k, const Shape& s, const Shape& p,
                                                   const Shape& d, bool c) {
  return max_pool_nd(1, x, k, s, p, d, c);
}
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, const Shape& k, const Shape& s, const Shape& p,
                                                   const Shape& d, bool c) {
  return max_pool_nd(2, x, k, s, p, d, c);
}
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& x, const Shape& k, const Shape& s, const Shape& p,
                                                   const Shape& d, bool c) {
  return max_pool_nd(3, x, k, s, p, d, c);
}
Tensor max_pool1d(const Tensor& x, const Shape& k, const Shape& s, const Shape& p, const Shape& d, bool c) {
  return std::get<0>(max_pool_nd(1, x, k, s, p, d, c));
}
Tensor max_pool2d(const Tensor& x, const Shape& k, const Shape& s, const Shape& p, const Shape& d, bool c) {
  return std::get<0>(max_pool_nd(2, x, k, s, p, d, c));
}
Tensor max_pool3d(const Tensor& x, const Shape& k, const Shape& s, const Shape& p, const Shape& d, bool c) {
  return std::get<0>(max_pool_nd(3, x, k, s, p, d, c));
}

Tensor avg_pool1d(const Tensor& x, const Shape& k, const Shape& s, const Shape& p, bool c, bool cip) {
  return avg_pool_nd(1, x, {k, s, p, c, cip});
}
Tensor avg_pool2d(const Tensor& x, const Shape& k, const Shape& s, const Shape& p, bool c, bool cip) {
  return avg_pool_nd(2, x, {k, s, p, c, cip});
}
Tensor avg_pool3d(const Tensor& x, const Shape& k, const Shape& s, const Shape& p, bool c, bool cip) {
  return avg_pool_nd(3, x, {k, s, p, c, cip});
}
Tensor avg_pool1d_backward(const Tensor& g, const Tensor& x, const Shape& k, const Shape& s, const Shape& p, bool c,
                           bool cip) {
  return avg_pool_backward_nd(1, g, x, {k, s, p, c, cip});
}
Tensor avg_pool2d_backward(const Tensor& g, const Tensor& x, const Shape& k, const Shape& s, const Shape& p, bool c,
                           bool cip) {
  return avg_pool_backward_nd(2, g, x, {k, s, p, c, cip});
}
Tensor avg_pool3d_backward(const Tensor& g, const Tensor& x, const Shape& k, const Shape& s, const Shape& p, bool c,
                           bool cip) {
  return avg_pool_backward_nd(3, g, x, {k, s, p, c, cip});
}

}  // namespace convis
