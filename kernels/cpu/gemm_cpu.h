// kernels/cpu/gemm_cpu.h: the CPU matrix product that the gemm and conv kernels share.
//
//   // c (3x5, row-major) = a (3x4, row-major) @ b^T, b stored 5x4 row-major:
//   cpu::gemm_matrix<float>(3, 5, 4, 1.0f, {a, 4, 1}, {b, 1, 4}, 0.0f, {c, 5, 1});
//
// One matrix, no batch; strides in elements (see Note [GEMM strides] in kernels/gemm.h).
// This is the seam for a faster blocked / SIMD GEMM later: every CPU caller goes through
// gemm_matrix, so replacing its body speeds up matmul and convolution at once.
#pragma once

#include <cstdint>
#include "convis/kernels/cpu/capability.h"

CONVIS_CPU_BEGIN

template <typename T>
struct MatrixView {
  const T* data;
  int64_t row_stride, col_stride;
};

template <typename T>
struct MutableMatrixView {
  T* data;
  int64_t row_stride, col_stride;
};

// c = alpha * a @ b + beta * c, with a m x k, b k x n, c m x n.  beta == 0: c is not read.
template <typename T>
void gemm_matrix(int64_t m, int64_t n, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta,
                 MutableMatrixView<T> c);

extern template void gemm_matrix<float>(int64_t, int64_t, int64_t, float, MatrixView<float>, MatrixView<float>,
                                        float, MutableMatrixView<float>);
extern template void gemm_matrix<double>(int64_t, int64_t, int64_t, double, MatrixView<double>,
                                         MatrixView<double>, double, MutableMatrixView<double>);
extern template void gemm_matrix<int64_t>(int64_t, int64_t, int64_t, int64_t, MatrixView<int64_t>,
                                          MatrixView<int64_t>, int64_t, MutableMatrixView<int64_t>);

CONVIS_CPU_END
