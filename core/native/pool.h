// core/native/pool.h: the compute-only poolings and their gradients (no autograd).
//
//   auto [v, idx] = native::max_pool2d_with_indices(x, {2, 2}, {2, 2}, 0, 1, false);
//
// The public ops (core/ops.h) are defined in autograd/ops/pool.cpp: each calls its native
// version here and records its backward node.  Defined in core/native/pool.cpp; the kernels
// are kernels/cpu/pool.cpp.
#pragma once

#include <tuple>

#include "convis/core/ops.h"  // the public twins, and the types the lists in core/ops/ use
#include "convis/core/tensor.h"

namespace convis::native {

// The ops of core/ops/pool.inc, compute-only (Note [One list of signatures] in core/ops.h).
#include "convis/core/ops/pool.inc"

}  // namespace convis::native
