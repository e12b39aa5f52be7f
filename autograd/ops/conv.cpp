// autograd/ops/conv.cpp: the public differentiable convolutions, forward and backward side by
// side (their names are listed in linalg_differentiable_ops(), linalg.cpp; pooling is in
// autograd/ops/pool.cpp).
//
// With y = F(x, w) a convolution (options: stride, padding, dilation, groups), B_in(g, w) its
// input gradient (conv_backward_input) and B_w(x, g) its weight gradient (conv_backward_weight):
//   convNd(x, w, b)              x: B_in(grad, w)     w: B_w(x, grad)      b: grad summed over N and space
//   conv_backward_input(g, w)    g: F(grad, w)        w: B_w(grad, g)
//   conv_backward_weight(g, x)   g: F(x, grad)        x: B_in(g, grad)
// (F is bilinear and B_in, B_w are its adjoints: <B_in(g, w), v> = <g, F(v, w)> = <B_w(v, g), w>.)
//
// Note [Node names of convolution]
// As LibTorch 1.13: every convolution records ConvolutionBackward0 and the two backward ops
// ConvolutionBackwardBackward0.  LibTorch's unbatched convolution shows SqueezeBackward1 above
// ConvolutionBackward0; ours records ConvolutionBackward0 directly.
#include "convis/autograd/record.h"
#include "convis/core/native/conv.h"
#include "convis/core/ops.h"

namespace convis {

using autograd::ForGradOf;
using autograd::FunctionNode;
using autograd::OpRecord;
using autograd::recorded;
using autograd::variable_list;

namespace {

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

Tensor native_conv(int64_t sd, const Tensor& x, const Tensor& w, const Tensor& b, const ConvOpts& o) {
  if (sd == 1) return native::conv1d(x, w, b, o.stride, o.padding, o.dilation, o.groups);
  if (sd == 2) return native::conv2d(x, w, b, o.stride, o.padding, o.dilation, o.groups);
  return native::conv3d(x, w, b, o.stride, o.padding, o.dilation, o.groups);
}

// Each operand is saved only for the other's gradient: a frozen weight needs no input kept.
OpRecord conv_record(int64_t sd, const Tensor& x, const Tensor& w, const Tensor& b, const ConvOpts& o,
                     int64_t out_dim) {
  Shape bias_dims;  // every dim but the channels: N (when batched) and space
  for (int64_t d = 0; d < out_dim; ++d)
    if (d != out_dim - sd - 1) bias_dims.push_back(d);
  return {"ConvolutionBackward0", {&x, &w, &b}, {{"input", x, ForGradOf{1}}, {"weight", w, ForGradOf{0}}},
          [o, bias_dims, x_sizes = x.sizes(), w_sizes = w.sizes()](FunctionNode& n, const variable_list& g) {
            Tensor gx = n.needs_input_grad(0) ? conv_backward_input(g[0], n.saved("weight"), x_sizes, o.stride,
                                                                    o.padding, o.dilation, o.groups)
                                              : Tensor();
            Tensor gw = n.needs_input_grad(1) ? conv_backward_weight(g[0], n.saved("input"), w_sizes, o.stride,
                                                                     o.padding, o.dilation, o.groups)
                                              : Tensor();
            Tensor gb = n.needs_input_grad(2) ? g[0].sum(bias_dims) : Tensor();
            return variable_list{gx, gw, gb};
          }};
}

Tensor conv_nd(int64_t sd, const Tensor& x, const Tensor& w, const Tensor& b, const ConvOpts& o) {
  Tensor y = native_conv(sd, x, w, b, o);
  const int64_t out_dim = y.dim();
  return recorded(std::move(y), {&x, &w, &b}, [&] { return conv_record(sd, x, w, b, o, out_dim); });
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
  Tensor y = native::conv_backward_input(grad_output, weight, input_sizes, stride, padding, dilation, groups);
  return recorded(std::move(y), {&grad_output, &weight}, [&]() -> OpRecord {
    const ConvOpts o{stride, padding, dilation, groups};
    return {"ConvolutionBackwardBackward0", {&grad_output, &weight},
            {{"grad_output", grad_output, ForGradOf{1}}, {"weight", weight, ForGradOf{0}}},
            [o, sd = weight.dim() - 2, w_sizes = weight.sizes()](FunctionNode& n, const variable_list& g) {
              Tensor gg = n.needs_input_grad(0) ? conv_any(sd, g[0], n.saved("weight"), o) : Tensor();
              Tensor gw = n.needs_input_grad(1) ? conv_backward_weight(n.saved("grad_output"), g[0], w_sizes,
                                                                       o.stride, o.padding, o.dilation, o.groups)
                                                : Tensor();
              return variable_list{gg, gw};
            }};
  });
}

Tensor conv_backward_weight(const Tensor& grad_output, const Tensor& input, const Shape& weight_sizes,
                            const Shape& stride, const Shape& padding, const Shape& dilation, int64_t groups) {
  Tensor y = native::conv_backward_weight(grad_output, input, weight_sizes, stride, padding, dilation, groups);
  return recorded(std::move(y), {&grad_output, &input}, [&]() -> OpRecord {
    const ConvOpts o{stride, padding, dilation, groups};
    const int64_t sd = int64_t(weight_sizes.size()) - 2;
    return {"ConvolutionBackwardBackward0", {&grad_output, &input},
            {{"grad_output", grad_output, ForGradOf{1}}, {"input", input, ForGradOf{0}}},
            [o, sd, x_sizes = input.sizes()](FunctionNode& n, const variable_list& g) {
              Tensor gg = n.needs_input_grad(0) ? conv_any(sd, n.saved("input"), g[0], o) : Tensor();
              Tensor gx = n.needs_input_grad(1) ? conv_backward_input(n.saved("grad_output"), g[0], x_sizes,
                                                                      o.stride, o.padding, o.dilation, o.groups)
                                                : Tensor();
              return variable_list{gg, gx};
            }};
  });
}

}  // namespace convis
