// core/native/shape.h: the compute-only shape ops (views, copies, joins, pads), without autograd.
//
//   Tensor v = native::transpose(x, 0, 1);   // a view, recorded by nobody
//   Tensor y = convis::transpose(x, 0, 1);   // the same view, recorded (autograd/ops/shape.cpp)
//
// Each has the signature of its public twin in core/ops.h (or of the Tensor method, for
// copy_, fill_ and to, which take self first).  The public versions in autograd/ops/shape.cpp
// and autograd/ops/shape_join.cpp call these and record a Node.  Ops that core writes with
// other public ops (narrow, flatten, contiguous, split, chunk, broadcast_tensors) have no
// native version: they are differentiable through the ops they call.
#pragma once

#include <optional>

#include "convis/core/ops.h"

namespace convis::native {

// ---- views (core/ops/view.cpp) ----
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

// ---- copies (core/ops/copy.cpp) ----
Tensor clone(const Tensor& x);
Tensor& copy_(Tensor& self, const Tensor& src);
Tensor& fill_(Tensor& self, const Scalar& value);
// A copy with the options' dtype and device, or `x` itself when they match and !copy.
Tensor to(const Tensor& x, const TensorOptions& options, bool copy);

// ---- joining and reordering (core/ops/join.cpp) ----
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim);
Tensor flip(const Tensor& x, const Shape& dims);
Tensor roll(const Tensor& x, const Shape& shifts, const Shape& dims);

// ---- padding (core/ops/pad.cpp) ----
Tensor pad(const Tensor& x, const Shape& pads, PadMode mode, double value);

}  // namespace convis::native
