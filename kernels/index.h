// kernels/index.h: what an indexing kernel (gather, scatter, index_select, ...) receives.
//
//   // out = gather(src, 0, index) with src [3, 4] (contiguous float) and index [2, 4]:
//   //   out[i][j] = src[index[i][j]][j]
//   IndexLoop L;                                      // the loop runs over index's shape [2, 4]
//   L.ndim = 2;  L.sizes[0] = 2;  L.sizes[1] = 4;
//   L.out = out;  L.out_strides[0] = 16;  L.out_strides[1] = 4;  // out: a contiguous float [2, 4]
//   L.src = src;  L.src_strides[0] = 0;   L.src_strides[1] = 4;  // src's dim 0 is moved by the index
//   L.nindices = 1;
//   IndexOperand& ix = L.indices[0];
//   ix.data = index;  ix.numel = 8;  ix.size = 3;  ix.dim_stride = 16;  // 16: src's dim-0 stride in bytes
//   ix.strides[0] = 32;  ix.strides[1] = 8;                             // index: a contiguous int64 [2, 4]
//   IndexCheck c = find_kernel<OpKind::gather>(kCPU, kFloat32)(L);
//   // c.ok == false when some index value is outside [0, 3); then nothing was written.
//
// Note [Index loop]
// Every indexing op is one loop over a "loop shape" with an output, a source and one or more
// int64 index operands, all three kinds given by their byte strides over that shape.  At each
// position p the index operands give values v_k, and the moved operand is displaced by
// sum_k v_k * dim_stride_k bytes:
//   gather, index_select, Tensor::index  (OpKind::gather, index_select)   out[p] = src[p + disp]
//   scatter, Tensor::index_put_          (OpKind::scatter)                 out[p + disp] = src[p]
//   scatter_add, index_add               (OpKind::scatter_add, index_add)  out[p + disp] += alpha * src[p]
// The op (core/native/index.cpp) sets the strides so that this one formula is each op: for
// gather the loop runs over index's shape and src's stride along `dim` is 0; for
// index_select the 1-D index gets stride 0 in every dim but `dim`; several index operands
// (advanced indexing with several tensors) simply add their displacements.
//
// Before writing anything the kernel checks every value of every index operand (each given
// as `numel` contiguous int64 values) against [0, size), or [-size, size) with
// wrap_negative (advanced indexing, where -1 means the last element).  On a bad value it
// returns it in IndexCheck and writes nothing, so the op can throw an Error that names the
// value, and an in-place op leaves its tensor as it was.  Kernels never throw.
//
// Later writes win when a scatter meets the same element twice: the loop visits the loop
// shape in row-major order.
#pragma once

#include <cstdint>
#include "convis/kernels/dispatch.h"

namespace convis {

struct IndexOperand {
  static constexpr int kMaxDims = 16;
  const int64_t* data = nullptr;  // `numel` contiguous values: what the check scans
  int64_t numel = 0;
  int64_t size = 0;               // the size of the dim this operand indexes
  int64_t dim_stride = 0;         // bytes the moved operand shifts per unit of the value
  int64_t strides[kMaxDims] = {};  // bytes, over the loop shape (0 where broadcast)
};

struct IndexLoop {
  static constexpr int kMaxDims = IndexOperand::kMaxDims;
  static constexpr int kMaxIndices = 16;
  int ndim = 1;                      // >= 1; the last dim is the inner loop
  int64_t sizes[kMaxDims] = {};      // the loop shape (a product of 0 runs only the check)
  char* out = nullptr;
  int64_t out_strides[kMaxDims] = {};  // bytes
  const char* src = nullptr;
  int64_t src_strides[kMaxDims] = {};  // bytes
  int nindices = 0;
  IndexOperand indices[kMaxIndices];
  bool wrap_negative = false;  // accept [-size, size) and count negative values from the end
  double alpha_f = 1;          // scatter_add / index_add factor, floating dtypes
  int64_t alpha_i = 1;         // the same for int64
};

// The result of a kernel's index check: ok, or the first bad value and its operand.
struct IndexCheck {
  bool ok = true;
  int operand = 0;
  int64_t value = 0;
};

// The kernel signature IndexKernel is declared in kernels/dispatch.h, with the ops
// (Note [One list of ops]).

}  // namespace convis
