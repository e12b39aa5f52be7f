// kernels/cpu/linalg.cpp: the CPU GEMM (OpKind::gemm) and the matrix product it is built on.
//
// Note [A plain cache-aware GEMM]
// C is computed in column strips of kStripN columns.  For one strip, B's k x kStripN block
// is made contiguous (used in place when B's rows already are, else packed once), then for
// each row i of A the strip row is accumulated in a small stack buffer in i-k-j order:
//     acc[j] += A(i, p) * B(p, j)      for p in 0..k, j in the strip
// The inner j loop reads B and acc with unit stride, which the compiler vectorises; A is
// read one element at a time, so its layout (transposed or not) costs nothing.  Sums are
// kept in the element type (float32 sums in float32, as BLAS does).  A blocked,
// register-tiled SIMD kernel is a later step: it only has to replace gemm_matrix.
#include <algorithm>
#include <array>
#include <vector>

#include "convis/kernels/cpu/gemm_cpu.h"
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/gemm.h"

CONVIS_CPU_BEGIN

namespace {

constexpr int64_t kStripN = 256;

template <typename T>
void store(MutableMatrixView<T> c, int64_t i, int64_t j, T alpha, T beta, T value) {
  T* p = c.data + i * c.row_stride + j * c.col_stride;
  *p = beta == T(0) ? alpha * value : alpha * value + beta * *p;  // beta 0: never read C
}

// n == 1: every c(i, 0) is the dot product of row i of a with the single column of b.
template <typename T>
void gemm_column(int64_t m, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta, MutableMatrixView<T> c) {
  for (int64_t i = 0; i < m; ++i) {
    const T* row = a.data + i * a.row_stride;
    T sum = 0;
    if (a.col_stride == 1 && b.row_stride == 1) {
      for (int64_t p = 0; p < k; ++p) sum += row[p] * b.data[p];
    } else {
      for (int64_t p = 0; p < k; ++p) sum += row[p * a.col_stride] * b.data[p * b.row_stride];
    }
    store(c, i, 0, alpha, beta, sum);
  }
}

// The k x nb block of b starting at column j0, with unit column stride (see the Note).
template <typename T>
MatrixView<T> contiguous_strip(MatrixView<T> b, int64_t k, int64_t j0, int64_t nb, std::vector<T>& workspace) {
  const T* first = b.data + j0 * b.col_stride;
  if (b.col_stride == 1) return {first, b.row_stride, 1};
  workspace.resize(size_t(k * nb));
  for (int64_t p = 0; p < k; ++p)
    for (int64_t j = 0; j < nb; ++j) workspace[size_t(p * nb + j)] = first[p * b.row_stride + j * b.col_stride];
  return {workspace.data(), nb, 1};
}

template <typename T>
void gemm_with_workspace(int64_t m, int64_t n, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta,
                         MutableMatrixView<T> c, std::vector<T>& workspace) {
  if (m == 0 || n == 0) return;
  if (n == 1) return gemm_column(m, k, alpha, a, b, beta, c);
  std::array<T, kStripN> acc;
  for (int64_t j0 = 0; j0 < n; j0 += kStripN) {
    const int64_t nb = std::min(kStripN, n - j0);
    MatrixView<T> strip = contiguous_strip(b, k, j0, nb, workspace);
    for (int64_t i = 0; i < m; ++i) {
      std::fill(acc.begin(), acc.begin() + nb, T(0));
      const T* a_row = a.data + i * a.row_stride;
      for (int64_t p = 0; p < k; ++p) {
        const T av = a_row[p * a.col_stride];
        const T* b_row = strip.data + p * strip.row_stride;
        for (int64_t j = 0; j < nb; ++j) acc[size_t(j)] += av * b_row[j];
      }
      for (int64_t j = 0; j < nb; ++j) store(c, i, j0 + j, alpha, beta, acc[size_t(j)]);
    }
  }
}

// OpKind::gemm: walks the batch dims with an odometer and multiplies one matrix per batch.
template <typename T>
void gemm_kernel(const GemmArgs& g) {
  int64_t batches = 1;
  for (int d = 0; d < g.batch_ndim; ++d) batches *= g.batch_sizes[d];
  const T* a = static_cast<const T*>(g.a.data);
  const T* b = static_cast<const T*>(g.b.data);
  T* c = static_cast<T*>(g.c.data);
  std::vector<T> workspace;
  int64_t counter[kGemmMaxBatchDims] = {};
  for (int64_t index = 0; index < batches; ++index) {
    int64_t oa = 0, ob = 0, oc = 0;
    for (int d = 0; d < g.batch_ndim; ++d) {
      oa += counter[d] * g.a.batch_strides[d];
      ob += counter[d] * g.b.batch_strides[d];
      oc += counter[d] * g.c.batch_strides[d];
    }
    gemm_with_workspace<T>(g.m, g.n, g.k, T(g.alpha), {a + oa, g.a.row_stride, g.a.col_stride},
                           {b + ob, g.b.row_stride, g.b.col_stride}, T(g.beta),
                           {c + oc, g.c.row_stride, g.c.col_stride}, workspace);
    for (int d = g.batch_ndim - 1; d >= 0; --d) {  // odometer increment
      if (++counter[d] < g.batch_sizes[d]) break;
      counter[d] = 0;
    }
  }
}

}  // namespace

template <typename T>
void gemm_matrix(int64_t m, int64_t n, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta,
                 MutableMatrixView<T> c) {
  std::vector<T> workspace;
  gemm_with_workspace(m, n, k, alpha, a, b, beta, c, workspace);
}

template void gemm_matrix<float>(int64_t, int64_t, int64_t, float, MatrixView<float>, MatrixView<float>, float,
                                 MutableMatrixView<float>);
template void gemm_matrix<double>(int64_t, int64_t, int64_t, double, MatrixView<double>, MatrixView<double>,
                                  double, MutableMatrixView<double>);
template void gemm_matrix<int64_t>(int64_t, int64_t, int64_t, int64_t, MatrixView<int64_t>, MatrixView<int64_t>,
                                   int64_t, MutableMatrixView<int64_t>);

void register_gemm_kernels() {
  register_kernel(OpKind::gemm, kCPU, kFloat32, &gemm_kernel<float>);
  register_kernel(OpKind::gemm, kCPU, kFloat64, &gemm_kernel<double>);
  register_kernel(OpKind::gemm, kCPU, kInt64, &gemm_kernel<int64_t>);
}

CONVIS_CPU_END
