// core/native/linalg.h: the compute-only matrix products (no autograd recording).
//
//   Tensor y = native::mm(a, b);   // what convis::mm computes, recording nothing
//
// The public ops (core/ops.h) are defined in autograd/ops/linalg.cpp: each calls its native
// version here and records its backward node.  Defined in core/native/linalg.cpp; the GEMM
// kernel they run is kernels/cpu/linalg.cpp.
#pragma once

#include <tuple>

#include "convis/core/ops.h"  // the public twins, and the types the lists in core/ops/ use
#include "convis/core/tensor.h"

namespace convis::native {

// The ops of core/ops/linalg.inc, compute-only (Note [One list of signatures] in core/ops.h).
#include "convis/core/ops/linalg.inc"

}  // namespace convis::native
