// core/native/conv.h: the compute-only convolutions and their gradients (no autograd).
//
//   Tensor y  = native::conv3d(x, w, b, 1, 0, 1, 1);                       // recording nothing
//   Tensor gx = native::conv_backward_input(gy, w, x.sizes(), 1, 0, 1, 1);
//
// The public ops (core/ops.h) are defined in autograd/ops/conv.cpp: each calls its native
// version here and records its backward node.  Defined in core/native/conv.cpp; the kernels
// are kernels/cpu/conv.cpp.
#pragma once

#include <tuple>

#include "convis/core/tensor.h"

namespace convis::native {

Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
              const Shape& padding, const Shape& dilation, int64_t groups);
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
              const Shape& padding, const Shape& dilation, int64_t groups);
Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
              const Shape& padding, const Shape& dilation, int64_t groups);
Tensor conv_backward_input(const Tensor& grad_output, const Tensor& weight, const Shape& input_sizes,
                           const Shape& stride, const Shape& padding, const Shape& dilation, int64_t groups);
Tensor conv_backward_weight(const Tensor& grad_output, const Tensor& input, const Shape& weight_sizes,
                            const Shape& stride, const Shape& padding, const Shape& dilation, int64_t groups);

}  // namespace convis::native
