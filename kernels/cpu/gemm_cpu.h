// kernels/cpu/gemm_cpu.h: the CPU matrix product that the gemm and conv kernels share.
//
//   // c (3x5, row-major) = a (3x4, row-major) @ b^T, b stored 5x4 row-major:
//   cpu::gemm_matrix<float>(3, 5, 4, 1.0f, {a, 4, 1}, {b, 1, 4}, 0.0f, {c, 5, 1});
//
// One matrix, no batch; strides in elements (see Note [GEMM strides] in kernels/gemm.h).
// Every CPU caller (matmul, linear, convolution as GEMM) goes through gemm_matrix, which
// picks the packed GEMM (kernels/cpu/gemm_blocked.cpp, Note [Packed GEMM]) for float32 and
// float64 products big enough to pay for packing, and a plain loop otherwise
// (kernels/cpu/linalg.cpp, Note [A plain cache-aware GEMM]).
#pragma once

#include <cstdint>
#include "convis/kernels/cpu/capability.h"

CONVIS_CPU_BEGIN

// Note [GEMM arithmetic]
// Every CPU path (packed, plain, matrix-vector) computes each c(i, j) the same way, so the
// bits depend neither on the path a shape takes nor on the thread count:
//   for each block of gemm_kc(k) consecutive p, in order:
//     s = 0;  s = fmadd(a(i, p), b(p, j), s) for each p of the block, in order
//     c(i, j) = alpha * s + beta * c(i, j)   (the first block; beta 0: c is not read)
//     c(i, j) = alpha * s + c(i, j)          (every later block)
// (fmadd is kernels/cpu/vec.h's: one rounding at avx2 and avx512, two at generic.)  A
// convolution run in chunks therefore gives the bits of the whole run.
// The block: k cut into the fewest blocks of at most 256, all of one size but the last
// (784 = 196 + 196 + 196 + 196, not 256 + 256 + 256 + 16, whose last block would cost a
// pass over C for 16 multiply-adds).  It depends on k alone, as the Note needs.
inline int64_t gemm_kc(int64_t k) {
  const int64_t blocks = (k + 255) / 256;
  return blocks == 0 ? 1 : (k + blocks - 1) / blocks;
}

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

// The packed GEMM on `threads` OpenMP threads (1: the calling thread only); k >= 1.
template <typename T>
void gemm_blocked(int64_t m, int64_t n, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta,
                  MutableMatrixView<T> c, int threads);
extern template void gemm_blocked<float>(int64_t, int64_t, int64_t, float, MatrixView<float>, MatrixView<float>,
                                         float, MutableMatrixView<float>, int);
extern template void gemm_blocked<double>(int64_t, int64_t, int64_t, double, MatrixView<double>,
                                          MatrixView<double>, double, MutableMatrixView<double>, int);

extern template void gemm_matrix<float>(int64_t, int64_t, int64_t, float, MatrixView<float>, MatrixView<float>,
                                        float, MutableMatrixView<float>);
extern template void gemm_matrix<double>(int64_t, int64_t, int64_t, double, MatrixView<double>,
                                         MatrixView<double>, double, MutableMatrixView<double>);
extern template void gemm_matrix<int64_t>(int64_t, int64_t, int64_t, int64_t, MatrixView<int64_t>,
                                          MatrixView<int64_t>, int64_t, MutableMatrixView<int64_t>);

CONVIS_CPU_END
