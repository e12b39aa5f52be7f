// core/native/view.h: the compute-only views and copies, without autograd.
//
//   Tensor v = native::transpose(x, 0, 1);   // a view, recorded by nobody
//   Tensor y = convis::transpose(x, 0, 1);   // the same view, recorded (autograd/ops/view.cpp)
//
// The public versions (core/ops.h and the Tensor methods) are defined in autograd/ops/view.cpp:
// each calls its native version here and records a Node.  Defined in core/native/view.cpp
// (views) and core/native/copy.cpp (copies).  Ops that are written with other public ops
// (narrow, flatten, contiguous, split, chunk, broadcast_tensors) have no native version: they
// are differentiable through the ops they call.
#pragma once

#include <optional>
#include <vector>

#include "convis/core/tensor.h"

namespace convis::native {

// ---- views ----
Tensor view(const Tensor& x, const Shape& shape);
Tensor reshape(const Tensor& x, const Shape& shape);  // a view when possible, else a contiguous copy
Tensor permute(const Tensor& x, const Shape& dims);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor t(const Tensor& x);
Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step);
Tensor select(const Tensor& x, int64_t dim, int64_t index);
Tensor expand(const Tensor& x, const Shape& size);
Tensor squeeze(const Tensor& x);
Tensor squeeze(const Tensor& x, int64_t dim);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor unfold(const Tensor& x, int64_t dim, int64_t size, int64_t step);
Tensor as_strided(const Tensor& x, const Shape& sizes, const Shape& strides, std::optional<int64_t> storage_offset);

// ---- copies ----
Tensor clone(const Tensor& x);
Tensor& copy_(Tensor& self, const Tensor& src);
Tensor& fill_(Tensor& self, const Scalar& value);
// A copy with the options' dtype and device, or `x` itself when they match and !copy.
Tensor to(const Tensor& x, const TensorOptions& options, bool copy);
inline Tensor to(const Tensor& x, DType dtype) { return to(x, TensorOptions(dtype).device(x.device()), false); }
inline Tensor to(const Tensor& x, Device device) { return to(x, TensorOptions(x.dtype()).device(device), false); }
// x itself when contiguous, else a contiguous copy.
inline Tensor contiguous(const Tensor& x) { return x.is_contiguous() ? x : native::clone(x); }

}  // namespace convis::native
