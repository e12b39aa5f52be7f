// autograd/ops/pool.cpp: the public differentiable poolings, forward and backward side by side
// (their names are listed in linalg_differentiable_ops(), linalg.cpp).
//
//   max_poolNd(x)                x: grad scattered (added) to the argmax of each window
//   avg_poolNd(x)                x: avg_poolNd_backward(grad)
//   avg_poolNd_backward(g)       g: avg_poolNd(grad)  (the pooling is linear; this is its adjoint)
//
// Note [Node names of pooling]
// As LibTorch 1.13: 2-D and 3-D poolings record MaxPool2DWithIndicesBackward0,
// MaxPool3DWithIndicesBackward0, AvgPool2DBackward0, AvgPool3DBackward0, and their backward ops
// AvgPool2DBackwardBackward0, AvgPool3DBackwardBackward0.  LibTorch runs a 1-D pooling as a
// 2-D one between an unsqueeze and a squeeze (its graph shows SqueezeBackward1 above the 2-D
// node); ours is one node with the 2-D name.
#include "convis/autograd/record.h"
#include "convis/core/factory.h"
#include "convis/core/native/pool.h"
#include "convis/core/ops.h"

namespace convis {

using autograd::FunctionNode;
using autograd::OpRecord;
using autograd::recorded;
using autograd::variable_list;

namespace {

// Note [Max pooling's backward is a scatter]
// Each output took its value from one input element, whose flat index inside its plane the
// forward returns.  The gradient adds each output's gradient at that index: scatter_add along
// the flattened plane, a public op whose own gradient (for create_graph) is a gather of the
// incoming gradient at the same indices.
std::tuple<Tensor, Tensor> max_pool_nd(int64_t sd, const Tensor& x, const Shape& k, const Shape& s, const Shape& p,
                                       const Shape& d, bool c) {
  auto [y, indices] = sd == 1   ? native::max_pool1d_with_indices(x, k, s, p, d, c)
                      : sd == 2 ? native::max_pool2d_with_indices(x, k, s, p, d, c)
                                : native::max_pool3d_with_indices(x, k, s, p, d, c);
  if (!autograd::any_requires_grad({&x})) return {y, indices};
  auto backward = [sd, x_sizes = x.sizes()](FunctionNode& n, const variable_list& g) {
    if (numel(x_sizes) == 0) return variable_list{zeros(x_sizes, g[0].options())};
    const int64_t start = int64_t(x_sizes.size()) - sd;  // the plane's first dim
    Shape planes(x_sizes.begin(), x_sizes.end() - sd);    // [N, C, T * H * W] or [C, T * H * W]
    planes.push_back(numel(x_sizes) / numel(planes));
    Tensor flat = zeros(planes, g[0].options()).scatter_add(-1, n.saved("indices").flatten(start), g[0].flatten(start));
    return variable_list{flat.view(x_sizes)};
  };
  const char* name = sd == 3 ? "MaxPool3DWithIndicesBackward0" : "MaxPool2DWithIndicesBackward0";
  // The indices are an output, but not a differentiable one: saved as a plain tensor.
  autograd::record({name, {&x}, {{"indices", indices}}, backward}, {&y});
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
  const Shape& k = o.kernel;
  Tensor y = sd == 1   ? native::avg_pool1d(x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad)
             : sd == 2 ? native::avg_pool2d(x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad)
                       : native::avg_pool3d(x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  return recorded(std::move(y), {&x}, [&]() -> OpRecord {
    return {sd == 3 ? "AvgPool3DBackward0" : "AvgPool2DBackward0", {&x}, {},
            [sd, o, x_sizes = x.sizes(), opts = x.options()](FunctionNode&, const variable_list& g) {
              return variable_list{avg_pool_backward_any(sd, g[0], shape_stand_in(x_sizes, opts), o)};
            }};
  });
}

// The input only gives its shape: its gradient is zero, so only grad_output has an edge.
Tensor avg_pool_backward_nd(int64_t sd, const Tensor& g, const Tensor& x, const PoolOpts& o) {
  const Shape& k = o.kernel;
  Tensor y = sd == 1   ? native::avg_pool1d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad)
             : sd == 2 ? native::avg_pool2d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad)
                       : native::avg_pool3d_backward(g, x, k, o.stride, o.padding, o.ceil_mode, o.count_include_pad);
  return recorded(std::move(y), {&g}, [&]() -> OpRecord {
    return {sd == 3 ? "AvgPool3DBackwardBackward0" : "AvgPool2DBackwardBackward0", {&g}, {},
            [sd, o](FunctionNode&, const variable_list& v) { return variable_list{avg_pool_any(sd, v[0], o)}; }};
  });
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
