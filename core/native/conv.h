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

#include "convis/core/ops.h"  // the public twins, and the types the lists in core/ops/ use
#include "convis/core/tensor.h"

namespace convis::native {

// The ops of core/ops/conv.inc, compute-only (Note [One list of signatures] in core/ops.h).
#include "convis/core/ops/conv.inc"

}  // namespace convis::native
