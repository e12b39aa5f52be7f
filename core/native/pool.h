// core/native/pool.h: the compute-only poolings and their gradients (no autograd).
//
//   auto [v, idx] = native::max_pool2d_with_indices(x, {2, 2}, {2, 2}, 0, 1, false);
//
// The public ops (core/ops.h) are defined in autograd/ops/pool.cpp: each calls its native
// version here and records its backward node.  Defined in core/native/pool.cpp; the kernels
// are kernels/cpu/pool.cpp.
#pragma once

#include <tuple>

#include "convis/core/tensor.h"

namespace convis::native {

std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& x, const Shape& kernel_size, const Shape& stride,
                                                   const Shape& padding, const Shape& dilation, bool ceil_mode);
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, const Shape& kernel_size, const Shape& stride,
                                                   const Shape& padding, const Shape& dilation, bool ceil_mode);
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& x, const Shape& kernel_size, const Shape& stride,
                                                   const Shape& padding, const Shape& dilation, bool ceil_mode);
Tensor avg_pool1d(const Tensor& x, const Shape& kernel_size, const Shape& stride, const Shape& padding,
                  bool ceil_mode, bool count_include_pad);
Tensor avg_pool2d(const Tensor& x, const Shape& kernel_size, const Shape& stride, const Shape& padding,
                  bool ceil_mode, bool count_include_pad);
Tensor avg_pool3d(const Tensor& x, const Shape& kernel_size, const Shape& stride, const Shape& padding,
                  bool ceil_mode, bool count_include_pad);
Tensor avg_pool1d_backward(const Tensor& grad_output, const Tensor& input, const Shape& kernel_size,
                           const Shape& stride, const Shape& padding, bool ceil_mode, bool count_include_pad);
Tensor avg_pool2d_backward(const Tensor& grad_output, const Tensor& input, const Shape& kernel_size,
                           const Shape& stride, const Shape& padding, bool ceil_mode, bool count_include_pad);
Tensor avg_pool3d_backward(const Tensor& grad_output, const Tensor& input, const Shape& kernel_size,
                           const Shape& stride, const Shape& padding, bool ceil_mode, bool count_include_pad);

}  // namespace convis::native
