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
#include <type_traits>

#include "convis/core/dtype.h"
#include "convis/kernels/dispatch.h"

namespace convis {

// A scalar parameter both ways: as double for floating kernels and as int64 for integer
// (and bool) ones, so an int64 kernel gets 2^62 + 1 exactly.  as<T>() picks the one for T.
struct ScalarParam {
  double f = 0;
  int64_t i = 0;
  template <typename T>
  T as() const {
    if constexpr (std::is_floating_point_v<T>) return T(f);
    else return T(i);
  }
};

// The scalar parameters of the elementwise ops, by name.
struct OpParams {
  ScalarParam alpha;                     // add, sub: out = a + alpha * b, a - alpha * b
  ScalarParam min, max;                  // clamp: the bounds ...
  bool has_min = false, has_max = false;  // ... that are given
  ScalarParam value;                     // fill: out = value
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
  // Bit k: operand k is a plain number in a host buffer (stride 0), not tensor memory; a device
  // kernel takes its value from there (kernels/cuda/backend_kernels.h).
  unsigned host_scalars = 0;
  OpParams params;  // alpha for add/sub, min/max for clamp, value for fill

  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; ++d) n *= sizes[d];
    return n;
  }
};

// The kernel signature ElementwiseKernel is declared in kernels/dispatch.h, with the ops
// (Note [One list of ops]).

}  // namespace convis
