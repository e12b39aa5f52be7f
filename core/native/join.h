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

// The ops of core/ops/join.inc, compute-only (Note [One list of signatures] in core/ops.h).
#include "convis/core/ops/join.inc"

}  // namespace convis::native
