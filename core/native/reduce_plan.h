// core/native/reduce_plan.h: what the reduction ops (core/native/reduce*.cpp) share; internal,
// not part of the public API.
//
//   // sum of a float32 x over dims {0, 2}, keepdim = false:
//   DimMask mask = reduce_mask(x, {0, 2}, "sum");               // {true, false, true}
//   Tensor out = run_reduce({OpKind::sum, kFloat32}, x, mask, false);
//
// run_reduce allocates the output (contiguous, the reduced dims kept as size 1), builds the
// ReduceArgs (see Note [Reduce args] in kernels/reduce.h), runs the kernel keyed by the
// input's dtype, and drops the reduced dims unless keepdim.  The caller has already checked
// the arguments and cast the input to the dtype the kernel computes in.
#pragma once

#include <tuple>
#include <vector>

#include "convis/core/tensor.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/reduce.h"

namespace convis::detail {

// mask[d] is true when dim d of the input is reduced.  A 0-dim tensor has an empty mask.
using DimMask = std::vector<bool>;

// Normalizes `dims` (negative dims, range, duplicates) into a mask; empty dims = all dims.
DimMask reduce_mask(const Tensor& x, const Shape& dims, const char* op);
// The mask of one dim (a 0-dim tensor accepts 0 and -1 and gives an empty mask).
DimMask single_dim_mask(const Tensor& x, int64_t dim, const char* op);
// The number of input elements folded into each output.
int64_t reduced_numel(const Tensor& x, const DimMask& mask);
// The result's shape: reduced dims become 1 (keepdim) or disappear.
Shape reduced_shape(const Tensor& x, const DimMask& mask, bool keepdim);

// Throws unless the input is defined.
void check_defined(const Tensor& x, const char* op);
// Throws the error torch gives for max, amax, argmax, ... of nothing.  `all_dims`: the user
// named no dim.
void check_nonempty_reduction(const Tensor& x, const DimMask& mask, bool all_dims, const char* op);

// `out` has the input's rank; its sizes are the input's, with every reduced dim 1
// (reductions) or unchanged (scans).  keep_order: keep the inner dims in the input's order
// (arg-reductions report positions in it); otherwise the smallest stride goes innermost.
ReduceArgs make_reduce_args(const Tensor& in, const DimMask& mask, const Tensor& out, bool keep_order);

struct ReduceCall {
  OpKind op;
  DType out_dtype;
  ReduceParams params = {};
};
Tensor run_reduce(const ReduceCall& call, const Tensor& in, const DimMask& mask, bool keepdim);
// argmax / argmin: (values or an undefined tensor unless with_values, int64 indices).
std::tuple<Tensor, Tensor> run_arg_reduce(OpKind op, const Tensor& in, const DimMask& mask, bool keepdim,
                                          bool with_values);
// softmax, log_softmax, cumsum over `dim`: an output of the input's shape and dtype.
Tensor run_scan(OpKind op, const Tensor& in, int64_t dim, const char* name);

}  // namespace convis::detail
