// kernels/cpu/linalg.cpp: the CPU GEMM (OpKind::gemm): the batch walk, the choice between
// the packed GEMM (kernels/cpu/gemm_blocked.cpp) and the plain one below, and the threads.
//
// Note [A plain cache-aware GEMM]
// C is computed in column strips of kStripN columns.  For one strip, B's k x kStripN block
// is made contiguous (used in place when B's rows already are, else packed once), then for
// each row i of A the strip row is accumulated in a small stack buffer in i-k-j order:
//     acc[j] += A(i, p) * B(p, j)      for p in 0..k, j in the strip
// The inner j loop reads B and acc with unit stride, which the compiler vectorises; A is
// read one element at a time, so its layout (transposed or not) costs nothing.  Sums are
// kept in the element type (float32 sums in float32, as BLAS does).  It serves int64, tiny
// products (where packing would cost more than it saves) and matrix-vector products.
//
// Note [GEMM threads]
// A product of m*n*k multiply-adds gets one thread per kWorkPerThread of them, at most
// get_num_threads(): a small product stays on the calling thread and pays no fork.  A batch
// of many products each too small to split runs its products in parallel instead, one per
// thread at a time.  Either way each product's bits do not depend on the thread count (Note
// [Packed GEMM]).  kWorkPerThread (96^3 multiply-adds, ~5 us of work) is where a second
// thread starts to pay on the 2-core development machine: 128x128x128 takes 31 us on one
// thread and 20 on two, 128x512x64 52 and 36.
#include <omp.h>

#include <algorithm>
#include <array>
#include <type_traits>
#include <vector>

#include "convis/kernels/cpu/gemm_cpu.h"
#include "convis/kernels/cpu/vec.h"
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/gemm.h"

CONVIS_CPU_BEGIN

namespace {

constexpr int64_t kStripN = 256;
constexpr int64_t kPackedMinWork = 16 * 16 * 16;  // m*n*k below which packing does not pay
constexpr int64_t kWorkPerThread = 96 * 96 * 96;  // see Note [GEMM threads]

int threads_for(int64_t work) {
  return int(std::clamp<int64_t>(work / kWorkPerThread, 1, omp_get_max_threads()));
}

template <typename T>
void store(MutableMatrixView<T> c, int64_t i, int64_t j, T alpha, T beta, T value) {
  T* p = c.data + i * c.row_stride + j * c.col_stride;
  *p = beta == T(0) ? alpha * value : alpha * value + beta * *p;  // beta 0: never read C
}

// s + a * b as Note [GEMM arithmetic] has it (int64: exact, wrapping as the unsigned sum does).
template <typename T>
T mul_add(T a, T b, T s) {
  if constexpr (std::is_floating_point_v<T>) return fmadd(a, b, s);
  else return T(uint64_t(a) * uint64_t(b) + uint64_t(s));
}

// n == 1: every c(i, 0) is the dot product of row i of a with the single column of b.
template <typename T>
void gemm_column(int64_t m, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta, MutableMatrixView<T> c) {
  for (int64_t i = 0; i < m; ++i) {
    const T* row = a.data + i * a.row_stride;
    T sum = 0;
    for (int64_t p = 0; p < k; ++p) sum = mul_add(row[p * a.col_stride], b.data[p * b.row_stride], sum);
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
void gemm_strips(int64_t m, int64_t n, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta,
                 MutableMatrixView<T> c, std::vector<T>& workspace) {
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
        for (int64_t j = 0; j < nb; ++j) acc[size_t(j)] = mul_add(av, b_row[j], acc[size_t(j)]);
      }
      for (int64_t j = 0; j < nb; ++j) store(c, i, j0 + j, alpha, beta, acc[size_t(j)]);
    }
  }
}

// The plain GEMM, one gemm_kc(k) block of p at a time (Note [GEMM arithmetic]).
template <typename T>
void gemm_with_workspace(int64_t m, int64_t n, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta,
                         MutableMatrixView<T> c, std::vector<T>& workspace) {
  if (m == 0 || n == 0) return;
  if (k == 0) {  // c = beta * c (or 0)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) store(c, i, j, alpha, beta, T(0));
    return;
  }
  const int64_t block = gemm_kc(k);
  for (int64_t p0 = 0; p0 < k; p0 += block) {
    const int64_t kc = std::min(block, k - p0);
    const T step_beta = p0 == 0 ? beta : T(1);
    const MatrixView<T> ab{a.data + p0 * a.col_stride, a.row_stride, a.col_stride};
    const MatrixView<T> bb{b.data + p0 * b.row_stride, b.row_stride, b.col_stride};
    if (n == 1) gemm_column(m, kc, alpha, ab, bb, step_beta, c);
    else gemm_strips(m, n, kc, alpha, ab, bb, step_beta, c, workspace);
  }
}

// One product on `threads` threads: the packed GEMM where it pays, else the plain one.
template <typename T>
void gemm_one(int64_t m, int64_t n, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta,
              MutableMatrixView<T> c, int threads, std::vector<T>& workspace) {
  if constexpr (std::is_floating_point_v<T>) {
    if (n > 1 && k > 0 && m * n * k >= kPackedMinWork) return gemm_blocked(m, n, k, alpha, a, b, beta, c, threads);
  }
  gemm_with_workspace(m, n, k, alpha, a, b, beta, c, workspace);
}

// OpKind::gemm: product `index` of the batch, its offsets found from the batch dims.
// noinline: it runs inside a parallel region (Note [OpenMP regions and the target pragma]).
template <typename T>
[[gnu::noinline]] void gemm_batch_item(const GemmArgs& g, int64_t index, int threads, std::vector<T>& workspace) {
  int64_t oa = 0, ob = 0, oc = 0;
  for (int d = g.batch_ndim - 1; d >= 0; --d) {
    const int64_t i = index % g.batch_sizes[d];
    index /= g.batch_sizes[d];
    oa += i * g.a.batch_strides[d];
    ob += i * g.b.batch_strides[d];
    oc += i * g.c.batch_strides[d];
  }
  gemm_one<T>(g.m, g.n, g.k, T(g.alpha), {static_cast<const T*>(g.a.data) + oa, g.a.row_stride, g.a.col_stride},
              {static_cast<const T*>(g.b.data) + ob, g.b.row_stride, g.b.col_stride}, T(g.beta),
              {static_cast<T*>(g.c.data) + oc, g.c.row_stride, g.c.col_stride}, threads, workspace);
}

// See Note [GEMM threads].
template <typename T>
void gemm_kernel(const GemmArgs& g) {
  int64_t batches = 1;
  for (int d = 0; d < g.batch_ndim; ++d) batches *= g.batch_sizes[d];
  const int64_t work = g.m * g.n * g.k;
  const int per_product = threads_for(work), over_batch = threads_for(work * batches);
  if (batches > 1 && per_product < over_batch) {
#pragma omp parallel num_threads(over_batch)
    {
      std::vector<T> workspace;
#pragma omp for schedule(static)
      for (int64_t index = 0; index < batches; ++index) gemm_batch_item<T>(g, index, 1, workspace);
    }
    return;
  }
  std::vector<T> workspace;
  for (int64_t index = 0; index < batches; ++index) gemm_batch_item<T>(g, index, per_product, workspace);
}

}  // namespace

template <typename T>
void gemm_matrix(int64_t m, int64_t n, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta,
                 MutableMatrixView<T> c) {
  std::vector<T> workspace;
  gemm_one(m, n, k, alpha, a, b, beta, c, omp_in_parallel() ? 1 : threads_for(m * n * k), workspace);
}

template void gemm_matrix<float>(int64_t, int64_t, int64_t, float, MatrixView<float>, MatrixView<float>, float,
                                 MutableMatrixView<float>);
template void gemm_matrix<double>(int64_t, int64_t, int64_t, double, MatrixView<double>, MatrixView<double>,
                                  double, MutableMatrixView<double>);
template void gemm_matrix<int64_t>(int64_t, int64_t, int64_t, int64_t, MatrixView<int64_t>, MatrixView<int64_t>,
                                   int64_t, MutableMatrixView<int64_t>);

void register_gemm_kernels() {
  register_kernel<OpKind::gemm>(kCPU, kFloat32, &gemm_kernel<float>);
  register_kernel<OpKind::gemm>(kCPU, kFloat64, &gemm_kernel<double>);
  register_kernel<OpKind::gemm>(kCPU, kInt64, &gemm_kernel<int64_t>);
}

CONVIS_CPU_END
