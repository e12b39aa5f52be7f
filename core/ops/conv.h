// core/ops/conv.h: the gradients of convolution and pooling, for the autograd layer.
//
//   Tensor y = conv2d(x, w, b, /*stride=*/2, /*padding=*/1);
//   Tensor gx = conv_backward_input(gy, w, x.sizes(), 2, 1, /*dilation=*/1, /*groups=*/1);
//   Tensor gw = conv_backward_weight(gy, x, w.sizes(), 2, 1, 1, 1);   // gb = gy summed over N, T, H, W
//   auto [v, idx] = max_pool2d_with_indices(x, {3, 3}, {2, 2});
//   Tensor gx2 = max_pool2d_backward(gv, x, idx);
//
// The forward ops are in core/ops.h.  These take the same arguments as their forward (the
// spatial rank comes from the weight's, or from the function's name) and accept batched
// and unbatched shapes alike.  Each result is what torch.autograd.grad gives for
// sum(forward(...) * grad_output).
#pragma once

#include <tuple>

#include "convis/core/tensor.h"

namespace convis {

Tensor conv_backward_input(const Tensor& grad_output, const Tensor& weight, const Shape& input_sizes,
                           const Shape& stride = 1, const Shape& padding = 0, const Shape& dilation = 1,
                           int64_t groups = 1);
Tensor conv_backward_weight(const Tensor& grad_output, const Tensor& input, const Shape& weight_sizes,
                            const Shape& stride = 1, const Shape& padding = 0, const Shape& dilation = 1,
                            int64_t groups = 1);

// Values and the flat index of each maximum inside its input plane (H*W for 2-D), as LibTorch.
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& x, const Shape& kernel_size, const Shape& stride = {},
                                                   const Shape& padding = 0, const Shape& dilation = 1,
                                                   bool ceil_mode = false);
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, const Shape& kernel_size, const Shape& stride = {},
                                                   const Shape& padding = 0, const Shape& dilation = 1,
                                                   bool ceil_mode = false);
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& x, const Shape& kernel_size, const Shape& stride = {},
                                                   const Shape& padding = 0, const Shape& dilation = 1,
                                                   bool ceil_mode = false);
Tensor max_pool1d_backward(const Tensor& grad_output, const Tensor& input, const Tensor& indices);
Tensor max_pool2d_backward(const Tensor& grad_output, const Tensor& input, const Tensor& indices);
Tensor max_pool3d_backward(const Tensor& grad_output, const Tensor& input, const Tensor& indices);
Tensor avg_pool1d_backward(const Tensor& grad_output, const Tensor& input, const Shape& kernel_size,
                           const Shape& stride = {}, const Shape& padding = 0, bool ceil_mode = false,
                           bool count_include_pad = true);
Tensor avg_pool2d_backward(const Tensor& grad_output, const Tensor& input, const Shape& kernel_size,
                           const Shape& stride = {}, const Shape& padding = 0, bool ceil_mode = false,
                           bool count_include_pad = true);
Tensor avg_pool3d_backward(const Tensor& grad_output, const Tensor& input, const Shape& kernel_size,
                           const Shape& stride = {}, const Shape& padding = 0, bool ceil_mode = false,
                           bool count_include_pad = true);

namespace detail {
// One entry per spatial dim: a single value is repeated, a list must have `spatial_dims`
// entries (else an Error from `op` naming the parameter).
Shape expand_spatial_param(const char* op, const char* name, const Shape& values, int64_t spatial_dims);
}  // namespace detail

}  // namespace convis
