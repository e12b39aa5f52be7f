// core/native/index_loop.h: from tensors to an IndexLoop (see Note [Index loop] in kernels/index.h).
// Internal to the indexing ops: core/native/index.cpp (gather, scatter, index_select, index_add)
// and core/native/indexing.cpp (Tensor::index, index_put_).
//
//   // out = gather(x, 0, index) with x [3, 4] and index [2, 4] (index contiguous):
//   Shape loop{2, 4};
//   IndexInput in{index, contiguous_strides(loop), /*size=*/x.size(0), /*dim_stride=*/x.stride(0), /*dim=*/0};
//   run_index_kernel(OpKind::gather, "gather", loop, {out, contiguous_strides(loop)},
//                    {x, Shape{0, x.stride(1)}}, {in});
//
// Every stride here is in elements and counts over the loop shape, from the operand's
// data_ptr(); run_index_kernel turns them into bytes, drops dims of size 1 and merges dims
// that every operand steps through evenly, as the strided loop does for elementwise ops.
#pragma once

#include <cstdint>
#include <vector>

#include "convis/core/tensor.h"
#include "convis/kernels/dispatch.h"

namespace convis {

// A tensor walked with the given strides (elements, over the loop shape).
struct StridedOperand {
  Tensor tensor;
  Shape strides;
};

// One int64 index operand.
struct IndexInput {
  Tensor values;       // int64 and contiguous: the kernel checks every value before writing
  Shape strides;       // elements, over the loop shape (0 where the index is broadcast)
  int64_t size = 0;    // the size of the indexed dim
  int64_t dim_stride = 0;  // elements the moved operand shifts per unit of the index value
  int64_t dim = 0;     // the indexed dim, as the error message names it
};

// Runs the index kernel `op` (keyed by out's device and dtype).  Throws Error naming `opname`,
// the bad value, the dim and its size when an index is out of range; then nothing was written.
void run_index_kernel(OpKind op, const char* opname, const Shape& sizes, const StridedOperand& out,
                      const StridedOperand& src, const std::vector<IndexInput>& indices,
                      bool wrap_negative = false, const Scalar& alpha = 1);

}  // namespace convis
