// kernels/gemm.h: what a GEMM kernel receives (OpKind::gemm).
//
//   // C[b] = alpha * A[b] @ B[b] + beta * C[b] for every b of a [2, 5] batch, A[b] 3x4, B[b] 4x6:
//   GemmArgs g;
//   g.m = 3;  g.n = 6;  g.k = 4;
//   g.batch_ndim = 2;  g.batch_sizes[0] = 2;  g.batch_sizes[1] = 5;
//   g.a = {a_ptr, /*row_stride=*/4, /*col_stride=*/1, {12, 0}};   // A broadcast over dim 1
//   g.b = {b_ptr, 6, 1, {0, 24}};                                  // B broadcast over dim 0
//   g.c = {c_ptr, 6, 1, {90, 18}};
//   find_kernel<OpKind::gemm>(kCPU, kFloat32)(g);
//
// Note [GEMM strides]
// Every operand is a strided matrix: element (i, j) of batch (b0, b1, ...) sits at
// data + b0*batch_strides[0] + b1*batch_strides[1] + ... + i*row_stride + j*col_stride,
// strides in ELEMENTS (unlike StridedLoop, whose strides are bytes).  So a transposed
// view is just swapped strides, a broadcast batch dim is a zero batch stride, and the op
// never copies an operand to call the kernel.  C must not overlap A or B.  When beta is 0,
// C is only written, never read (so an uninitialised output is fine, as in BLAS).  The
// kernel trusts its arguments: the op (core/native/linalg.cpp) has checked them.
#pragma once

#include <cstdint>
#include "convis/kernels/dispatch.h"

namespace convis {

inline constexpr int kGemmMaxBatchDims = 16;

// A strided matrix, possibly batched; Ptr is `const void*` for inputs, `void*` for the output.
template <typename Ptr>
struct StridedMatrix {
  Ptr data = nullptr;
  int64_t row_stride = 0;  // elements between (i, j) and (i + 1, j)
  int64_t col_stride = 0;  // elements between (i, j) and (i, j + 1)
  int64_t batch_strides[kGemmMaxBatchDims] = {};
};

struct GemmArgs {
  int64_t m = 0, n = 0, k = 0;  // C is m x n, A is m x k, B is k x n
  int batch_ndim = 0;           // 0: one plain matrix product
  int64_t batch_sizes[kGemmMaxBatchDims] = {};
  StridedMatrix<const void*> a, b;
  StridedMatrix<void*> c;
  double alpha = 1, beta = 0;  // converted to the element type (exact for int64 when integral)
};

// The kernel signature GemmKernel is declared in kernels/dispatch.h, with the ops
// (Note [One list of ops]).

}  // namespace convis
