// kernels/strided_loop.h: what an elementwise kernel receives, and how it walks it.
//
//   // out = a + b over any strides, written once as a scalar functor:
//   void add_f32(const StridedLoop& loop) {
//     cpu::binary_loop<float, float, float>(loop, [](float a, float b) { return a + b; });
//   }
//
// Note [Strided loop]
// Core (core/strided_loop.h) turns tensors into a StridedLoop: operand 0 is the output,
// the others the inputs, all already broadcast to the output's shape (a broadcast dim has
// stride 0) and cast to the kernel's dtype, and adjacent dims merged wherever every
// operand allows ("coalescing"), so a contiguous tensor of any rank is one dim.  Strides
// here are in BYTES.  The kernel only walks memory: it never sees a Tensor, never checks
// shapes, never allocates.
#pragma once

#include <cstdint>

#include "convis/core/dtype.h"

namespace convis {

// Up to two scalar parameters of an op, as double (floating kernels) and int64 (integer ones).
struct OpParams {
  double f[2] = {0, 0};
  int64_t i[2] = {0, 0};
  bool has[2] = {false, false};  // clamp: is min / max given
};

struct StridedLoop {
  static constexpr int kMaxOperands = 4;
  static constexpr int kMaxDims = 16;
  int ntensors = 0;  // operands, output first
  int ndim = 0;      // dims after coalescing, outermost first; the last is the inner loop
  // Only the first ndim entries of sizes and strides are meaningful, and only they are
  // written: the arrays are left uninitialized because zeroing ~600 bytes per op showed up in
  // the autograd benchmark.
  int64_t sizes[kMaxDims];
  char* data[kMaxOperands] = {};
  int64_t strides[kMaxOperands][kMaxDims];  // bytes
  DType dtypes[kMaxOperands] = {};
  OpParams params;  // alpha for add/sub, min/max for clamp, value for fill

  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; ++d) n *= sizes[d];
    return n;
  }
};

using ElementwiseKernel = void(const StridedLoop&);

}  // namespace convis
