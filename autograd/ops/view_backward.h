// autograd/ops/view_backward.h: the adjoints of the shape ops that take more than a line,
// written with public ops so that they are differentiable themselves (defined in
// autograd/ops/join.cpp, used by view.cpp too).
//
//   embed(g, 0, 5, 1, 2)    g of size 2 along dim 0 -> [0, g0, 0, g1, 0]   (slice's adjoint)
#pragma once

#include "convis/core/tensor.h"

namespace convis::autograd {

// `g` padded with zeros along dim d: `before` in front, `after` behind (negative: cropped).
Tensor pad_dim(const Tensor& g, int64_t d, int64_t before, int64_t after);

// Zeros of size n along dim d, with g's slices at start, start + step, ... (g.size(d) of them).
Tensor embed(const Tensor& g, int64_t d, int64_t n, int64_t start, int64_t step);

// The gradient of x.unfold(d, size, step) for an x of shape `sizes`: windows added back.
Tensor unfold_backward(const Tensor& g, const Shape& sizes, int64_t d, int64_t size, int64_t step);

// What as_strided's backward needs to know of its input and its view.
struct AsStridedGeometry {
  Shape input_sizes;
  bool input_contiguous = false;
  int64_t input_offset = 0;
  Shape sizes, strides;
  int64_t offset = 0;
};
Tensor as_strided_backward(const Tensor& g, const AsStridedGeometry& geo);

}  // namespace convis::autograd
