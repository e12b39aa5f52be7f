// kernels/reduce.h: what a reduction kernel receives (plain data, no Tensor).
//
//   // sum over dims {0, 2} of a contiguous float32 x of shape [3, 5, 7] (strides [35, 7, 1]):
//   ReduceArgs a;
//   a.in = x_data;  a.out = out_data;                // out: 5 floats
//   a.outer_ndim = 1;  a.outer_sizes[0] = 5;         // one output per index of dim 1
//   a.in_outer_strides[0] = 7;  a.out_outer_strides[0] = 1;
//   a.inner_ndim = 2;                                // the reduced dims, outermost first
//   a.inner_sizes[0] = 3;  a.in_inner_strides[0] = 35;
//   a.inner_sizes[1] = 7;  a.in_inner_strides[1] = 1;   // the tight inner loop
//   find_kernel<OpKind::sum>(kCPU, kFloat32)(a);
//
// Note [Reduce args]
// Core (core/native/reduce.cpp, make_reduce_args) splits the input's dims in two groups:
// the "outer" dims, which index the outputs, and the "inner" dims, which are reduced into
// one output each.  Dims of size 1 are dropped and neighbours that step evenly are merged,
// so a contiguous reduction over the last dims is one outer and one inner dim, and the
// last inner dim is the tight loop.  Strides here are in ELEMENTS (not bytes, unlike the
// StridedLoop): a reduction kernel knows its element type.  A dim of size 0 makes the
// product of its group 0: no outputs (outer) or an empty reduction (inner, the kernel
// writes the identity: 0 for sum, 1 for prod, -inf for logsumexp, ...).
//
// The position an arg-reduction reports is the row-major position in the inner dims as
// listed; core keeps them in the input's order for argmax/argmin so that this position
// is the flat index torch reports.  For the other ops core may reorder the inner dims
// so that the smallest stride is innermost.
//
// Scans (softmax, log_softmax, cumsum) write an output of the input's shape: they have at
// most one inner dim, and out_inner_stride is that dim's stride in the output.
#pragma once

#include <cstdint>
#include "convis/kernels/dispatch.h"

namespace convis {

// The scalar parameters of a reduction, by name.
struct ReduceParams {
  double divisor = 1;      // sum (floating dtypes): out = sum / divisor; mean passes the count
  int64_t correction = 1;  // var: out = sum of squared deviations / max(n - correction, 0)
  bool take_sqrt = false;  // var: return the square root (std)
  double p = 2;            // norm: the order, +-infinity allowed
  bool count_into_int64 = false;  // sum of bool: int64 outputs that count the true inputs
};

struct ReduceArgs {
  static constexpr int kMaxDims = 16;
  const void* in = nullptr;       // the input's first element, of the kernel's dtype
  void* out = nullptr;            // values: the kernel's dtype (kBool for all / any); null for argmax / argmin
  int64_t* out_index = nullptr;   // argmax / argmin (and max / min over a dim): positions, laid out as out

  int outer_ndim = 0;  // dims that index the outputs, outermost first
  int64_t outer_sizes[kMaxDims] = {};
  int64_t in_outer_strides[kMaxDims] = {};
  int64_t out_outer_strides[kMaxDims] = {};

  int inner_ndim = 0;  // dims reduced into each output, outermost first
  int64_t inner_sizes[kMaxDims] = {};
  int64_t in_inner_strides[kMaxDims] = {};
  int64_t out_inner_stride = 0;  // scans only: the stride of the scanned dim in out

  ReduceParams params;

  int64_t num_outputs() const {
    int64_t n = 1;
    for (int d = 0; d < outer_ndim; ++d) n *= outer_sizes[d];
    return n;
  }
  int64_t reduce_size() const {
    int64_t n = 1;
    for (int d = 0; d < inner_ndim; ++d) n *= inner_sizes[d];
    return n;
  }
};

// One signature for every op from `sum` to `any` in OpKind; keyed by the input's dtype.
// The kernel signature ReduceKernel is declared in kernels/dispatch.h, with the ops
// (Note [One list of ops]).

}  // namespace convis
