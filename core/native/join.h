// core/native/join.h: the compute-only joins, reorders and pads, without autograd.
//
//   Tensor y = native::cat({a, b}, 0);      // recorded by nobody
//
// The public versions (core/ops.h) are defined in autograd/ops/join.cpp: each calls its native
// version here and records a Node.  Defined in core/native/join.cpp and core/native/pad.cpp.
#pragma once

#include <vector>

#include "convis/core/ops.h"

namespace convis::native {

// ---- joining and reordering ----
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim);
Tensor flip(const Tensor& x, const Shape& dims);
Tensor roll(const Tensor& x, const Shape& shifts, const Shape& dims);

// ---- padding ----
Tensor pad(const Tensor& x, const Shape& pads, PadMode mode, double value);

}  // namespace convis::native
