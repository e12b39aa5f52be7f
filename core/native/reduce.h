// core/native/reduce.h: the compute-only reductions (no autograd recording).
//
//   Tensor s = native::sum(x, {1});   // as convis::sum, but never records a grad_fn
//
// The public ops in core/ops.h are defined in autograd/ops/reduce.cpp: each calls the
// native version here and records its backward.  argmax, argmin, all and any are not
// differentiable and have no native version.
#pragma once

#include <cstdint>
#include <optional>
#include <tuple>

#include "convis/core/ops.h"  // the public twins, and the types the lists in core/ops/ use
#include "convis/core/tensor.h"

namespace convis::native {

// The ops of core/ops/reduce.inc, compute-only (Note [One list of signatures] in core/ops.h).
#include "convis/core/ops/reduce.inc"

}  // namespace convis::native
