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

#include "convis/core/ops.h"  // the public twins, and the types the lists in core/ops/ use
#include "convis/core/tensor.h"

namespace convis::native {

// ---- views ----
// The ops of core/ops/view.inc, compute-only (Note [One list of signatures] in core/ops.h).
#include "convis/core/ops/view.inc"

// ---- copies ----
const Tensor& copy_(const Tensor& self, const Tensor& src);
const Tensor& fill_(const Tensor& self, const Scalar& value);
// A copy with the options' dtype and device, or `x` itself when they match and !copy.
Tensor to(const Tensor& x, const TensorOptions& options, bool copy, bool non_blocking = false);
// A copy of CPU tensor x in page-locked memory (x itself when it is there already).
Tensor pin_memory(const Tensor& x);
inline Tensor to(const Tensor& x, DType dtype) { return to(x, TensorOptions(dtype).device(x.device()), false); }
inline Tensor to(const Tensor& x, Device device) { return to(x, TensorOptions(x.dtype()).device(device), false); }
// x itself when contiguous, else a contiguous copy.
inline Tensor contiguous(const Tensor& x) { return x.is_contiguous() ? x : native::clone(x); }

}  // namespace convis::native
