// core/native/linalg.h: the compute-only matrix products (no autograd recording).
//
//   Tensor y = native::mm(a, b);   // what convis::mm computes, recording nothing
//
// The public ops (core/ops.h) are defined in autograd/ops/linalg.cpp: each calls its native
// version here and records its backward node.  Defined in core/native/linalg.cpp; the GEMM
// kernel they run is kernels/cpu/linalg.cpp.
#pragma once

#include <tuple>

#include "convis/core/tensor.h"

namespace convis::native {

Tensor matmul(const Tensor& a, const Tensor& b);
Tensor mm(const Tensor& a, const Tensor& b);
Tensor bmm(const Tensor& a, const Tensor& b);
Tensor mv(const Tensor& a, const Tensor& v);
Tensor dot(const Tensor& a, const Tensor& b);
Tensor outer(const Tensor& a, const Tensor& b);

}  // namespace convis::native
