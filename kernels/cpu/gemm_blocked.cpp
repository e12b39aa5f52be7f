// kernels/cpu/gemm_blocked.cpp: the packed, register-blocked, threaded GEMM for float32 and
// float64 (the idea of GotoBLAS and BLIS), behind gemm_matrix (kernels/cpu/gemm_cpu.h).
//
// Note [Packed GEMM]
// C (m x n) += A (m x k) * B (k x n) is cut into blocks that fit the caches, and each block
// is copied ("packed") into the order the micro-kernel reads it:
//
//   for jc in steps of NC:                 B panel  kc x nc   -> L2 / L3
//     for pc in steps of KC:               pack B[pc.., jc..] into NR-column micro-panels
//                                          pack A[.., pc..]   into MR-row micro-panels
//       for each (ic, jr) tile:            A block MC x kc -> L2
//         for ir in steps of MR:           B micro-panel kc x NR -> L1
//           micro-kernel: an MR x NR tile of C in MR*NR/W registers, kc rank-1 updates
//
// The micro-kernel keeps the C tile in vector registers: per step p it loads NR/W vectors
// of B's micro-panel, broadcasts MR values of A's, and does MR*NR/W FMAs, so every element
// it loads feeds many FMAs and the FMA units, not memory, set the pace.  MR and NR depend on
// the level (Vec<T>::kWidth and the register count: 16 ymm at avx2, 32 zmm at avx512).
// Packing makes A's and B's strides irrelevant (a transposed operand costs nothing extra)
// and pads the edges with zeros, so the micro-kernel always runs full tiles; edge tiles of
// C are written through a small buffer.
//
// Threads: each takes a share of C's rows (of its columns when C is short) and runs all of
// the above on it alone, with its own packing buffers.  Nothing is shared, so there is no
// barrier and no packed panel crosses cores (sharing the packed panels, as BLIS does, ran
// 1024^2 at 262 GFLOP/s on 2 threads here; this runs it at 316-331, 256^2 at 200 -> 296).
// Determinism: every element of C is the sum over the KC blocks in order, each block summed
// by one micro-kernel in p order, and none of the block sizes depends on the thread count;
// threads only decide who computes which rows.  So 1, 2 or 3 threads give the same bits.
// (The FMAs make the bits differ from the generic level's, which has no FMA unit to use.)
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "convis/kernels/cpu/gemm_cpu.h"
#include "convis/kernels/cpu/vec.h"

CONVIS_CPU_BEGIN

namespace {

// Block sizes per element type at this level (see the Note).
template <typename T>
struct Blocking {
  using V = Vec<T>;
  static constexpr int kW = V::kWidth;
  static constexpr int kNV = 2;                      // B vectors per row of the tile
  static constexpr int kNR = kNV * kW;               // tile columns
  static constexpr int kMR = CONVIS_CPU_LEVEL == 2 ? 12 : 6;  // tile rows: 24 or 12 accumulators
  static constexpr int64_t kMC = kMR * (CONVIS_CPU_LEVEL == 2 ? 16 : 24);
  static constexpr int64_t kNC = 4096;
};

// acc (MR x NR, row-major) = sum over p < kc of A(i, p) * b[p*NR + j], where A(i, p) is
// a[p*MR + i] in a packed panel, or a[i*a_rs + p*a_cs] when A is read in place (kInPlace).
template <typename T, bool kInPlace>
void micro_kernel(int64_t kc, const T* a, int64_t a_rs, int64_t a_cs, const T* b, T* acc_out) {
  using B = Blocking<T>;
  using V = typename B::V;
  if constexpr (!kInPlace) a_rs = 1, a_cs = B::kMR;
  V acc[B::kMR][B::kNV];
#pragma GCC unroll 16
  for (int i = 0; i < B::kMR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < B::kNV; ++v) acc[i][v] = V(T(0));
  for (int64_t p = 0; p < kc; ++p) {
    V bv[B::kNV];
#pragma GCC unroll 4
    for (int v = 0; v < B::kNV; ++v) bv[v] = V::load(b + v * B::kW);
#pragma GCC unroll 16
    for (int i = 0; i < B::kMR; ++i) {
      const V ai(a[i * a_rs]);
#pragma GCC unroll 4
      for (int v = 0; v < B::kNV; ++v) acc[i][v] = fmadd(ai, bv[v], acc[i][v]);
    }
    a += a_cs;
    b += B::kNR;
  }
#pragma GCC unroll 16
  for (int i = 0; i < B::kMR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < B::kNV; ++v) acc[i][v].store(acc_out + i * B::kNR + v * B::kW);
}

// c(i, j) = alpha * acc(i, j) + beta * c(i, j) for the mr x nr corner of the tile; beta 0: c unread.
template <typename T>
void store_tile(const T* acc, int mr, int nr, T alpha, T beta, MutableMatrixView<T> c) {
  using B = Blocking<T>;
  for (int i = 0; i < mr; ++i) {
    T* row = c.data + i * c.row_stride;
    const T* a = acc + i * B::kNR;
    if (c.col_stride == 1 && nr == B::kNR) {
      for (int v = 0; v < B::kNV; ++v) {
        Vec<T> x = Vec<T>(alpha) * Vec<T>::load(a + v * B::kW);
        if (beta != T(0)) x = x + Vec<T>(beta) * Vec<T>::load(row + v * B::kW);
        x.store(row + v * B::kW);
      }
    } else {
      for (int j = 0; j < nr; ++j) {
        T* p = row + j * c.col_stride;
        *p = beta == T(0) ? alpha * a[j] : alpha * a[j] + beta * *p;
      }
    }
  }
}

// Copies the rows x cols block of src (strides rs, cs) into dst[i * ld + j] and zeroes
// columns cols..ld-1 (a partial panel's padding).  The inner loop runs along whichever of src's dims has unit stride,
// so a transposed operand is read as contiguously as a plain one (a 2 KiB stride read
// element by element would also hit the same L1 sets over and over).
template <typename T>
void copy_block(const T* src, int64_t rs, int64_t cs, int64_t rows, int64_t cols, T* dst, int64_t ld) {
  if (cs == 1) {  // a plain loop: for the short rows of a panel it beats a call to memcpy
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) dst[i * ld + j] = src[i * rs + j];
  } else if (rs == 1) {
    for (int64_t j = 0; j < cols; ++j)
      for (int64_t i = 0; i < rows; ++i) dst[i * ld + j] = src[i + j * cs];
  } else {
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) dst[i * ld + j] = src[i * rs + j * cs];
  }
  for (int64_t i = 0; cols < ld && i < rows; ++i)  // the zero padding of a partial panel
    for (int64_t j = cols; j < ld; ++j) dst[i * ld + j] = T(0);
}

// Rows [i0, i0 + rows) x columns [p0, p0 + kc) of A as MR-row micro-panels, zero-padded:
// panel element (p, r) is A(i0 + r, p0 + p), the transpose of the block, so src is read
// with its strides swapped.
template <typename T>
void pack_a(MatrixView<T> a, int64_t i0, int64_t rows, int64_t p0, int64_t kc, T* out) {
  constexpr int MR = Blocking<T>::kMR;
  const int mr = int(std::min<int64_t>(MR, rows));
  copy_block(a.data + i0 * a.row_stride + p0 * a.col_stride, a.col_stride, a.row_stride, kc, int64_t(mr), out,
             int64_t(MR));
}

// Rows [p0, p0 + kc) x columns [j0, j0 + cols) of B as one NR-column micro-panel, zero-padded.
template <typename T>
void pack_b(MatrixView<T> b, int64_t p0, int64_t kc, int64_t j0, int64_t cols, T* out) {
  constexpr int NR = Blocking<T>::kNR;
  const int nr = int(std::min<int64_t>(NR, cols));
  copy_block(b.data + p0 * b.row_stride + j0 * b.col_stride, b.row_stride, b.col_stride, kc, int64_t(nr), out,
             int64_t(NR));
}

struct Shape {
  int64_t m, n, k;
};

// One (jc, pc) step of the Note: pack B's and A's blocks, then compute the tiles.  When n is
// only a panel or two, each row of A is used so few times that packing it (a transpose) would
// cost as much as the products: full MR-row panels of a row-major A are then read in place,
// MR rows at a time.
template <typename T>
void gemm_block(Shape s, int64_t jc, int64_t nc, int64_t pc, int64_t kc, T alpha, MatrixView<T> a,
                MatrixView<T> b, T beta, MutableMatrixView<T> c, T* a_pack, T* b_pack) {
  using B = Blocking<T>;
  const int64_t b_panels = (nc + B::kNR - 1) / B::kNR, a_panels = (s.m + B::kMR - 1) / B::kMR;
  const bool a_in_place = b_panels <= 2 && a.col_stride == 1;
  const int64_t full_a_panels = s.m / B::kMR;
  for (int64_t q = 0; q < b_panels + a_panels; ++q) {
    if (q < b_panels) {  // B micro-panel q
      pack_b(b, pc, kc, jc + q * B::kNR, std::min<int64_t>(B::kNR, nc - q * B::kNR), b_pack + q * B::kNR * kc);
      continue;
    }
    const int64_t r = q - b_panels;  // A micro-panel r
    if (a_in_place && r < full_a_panels) continue;
    pack_a(a, r * B::kMR, std::min<int64_t>(B::kMR, s.m - r * B::kMR), pc, kc, a_pack + r * B::kMR * kc);
  }
  const int64_t mc = B::kMC, ic_blocks = (s.m + mc - 1) / mc;
  alignas(64) T acc[B::kMR * B::kNR];
  for (int64_t t = 0; t < ic_blocks * b_panels; ++t) {
    const int64_t ic = (t / b_panels) * mc, jr = (t % b_panels) * B::kNR;
    const int nr = int(std::min<int64_t>(B::kNR, nc - jr));
    for (int64_t ir = ic; ir < std::min(ic + mc, s.m); ir += B::kMR) {
      const int mr = int(std::min<int64_t>(B::kMR, s.m - ir));
      if (a_in_place && mr == B::kMR)
        micro_kernel<T, true>(kc, a.data + ir * a.row_stride + pc, a.row_stride, 1, b_pack + jr * kc, acc);
      else
        micro_kernel<T, false>(kc, a_pack + ir * kc, 0, 0, b_pack + jr * kc, acc);
      store_tile(acc, mr, nr, alpha, beta,
                 {c.data + ir * c.row_stride + (jc + jr) * c.col_stride, c.row_stride, c.col_stride});
    }
  }
}

// A packing buffer of at least n elements.
template <typename T>
T* buffer(std::vector<T>& v, int64_t n) {
  if (int64_t(v.size()) < n) v.resize(size_t(n));
  return v.data();
}

// The whole product on the calling thread, with its packing buffers (grown as needed, kept
// for the thread's next product).  noinline: it runs inside a parallel region (Note [OpenMP
// regions and the target pragma]).
template <typename T>
[[gnu::noinline]] void gemm_serial(int64_t m, int64_t n, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b,
                                   T beta, MutableMatrixView<T> c) {
  using B = Blocking<T>;
  thread_local std::vector<T> a_buf, b_buf;
  const int64_t kc_max = gemm_kc(k), nc_max = std::min<int64_t>(B::kNC, n);
  T* a_pack = buffer(a_buf, ((m + B::kMR - 1) / B::kMR) * B::kMR * kc_max);
  T* b_pack = buffer(b_buf, ((nc_max + B::kNR - 1) / B::kNR) * B::kNR * kc_max);
  for (int64_t jc = 0; jc < n; jc += B::kNC) {
    for (int64_t pc = 0; pc < k; pc += kc_max) {
      const T step_beta = pc == 0 ? beta : T(1);  // later KC blocks add to what the first wrote
      gemm_block<T>({m, n, k}, jc, std::min(B::kNC, n - jc), pc, std::min(kc_max, k - pc), alpha, a, b,
                    step_beta, c, a_pack, b_pack);
    }
  }
}

}  // namespace

// Threads each take a share of C's rows, in whole MR-row panels (of its columns, in NR-column
// panels, when C has too few rows), and run gemm_serial on it (see the Note).
template <typename T>
void gemm_blocked(int64_t m, int64_t n, int64_t k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta,
                  MutableMatrixView<T> c, int threads) {
  using B = Blocking<T>;
  const bool by_rows = m >= 4 * B::kMR * threads;
  const int64_t unit = by_rows ? B::kMR : B::kNR, extent = by_rows ? m : n;
  const int64_t units = (extent + unit - 1) / unit;
  threads = int(std::min<int64_t>(threads, units));
  if (threads <= 1) return gemm_serial<T>(m, n, k, alpha, a, b, beta, c);
#pragma omp parallel num_threads(threads)
  {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t begin = std::min(extent, units * t / nt * unit), end = std::min(extent, units * (t + 1) / nt * unit);
    if (begin < end) {
      if (by_rows)
        gemm_serial<T>(end - begin, n, k, alpha, {a.data + begin * a.row_stride, a.row_stride, a.col_stride}, b,
                       beta, {c.data + begin * c.row_stride, c.row_stride, c.col_stride});
      else
        gemm_serial<T>(m, end - begin, k, alpha, a, {b.data + begin * b.col_stride, b.row_stride, b.col_stride},
                       beta, {c.data + begin * c.col_stride, c.row_stride, c.col_stride});
    }
  }
}

template void gemm_blocked<float>(int64_t, int64_t, int64_t, float, MatrixView<float>, MatrixView<float>, float,
                                  MutableMatrixView<float>, int);
template void gemm_blocked<double>(int64_t, int64_t, int64_t, double, MatrixView<double>, MatrixView<double>,
                                   double, MutableMatrixView<double>, int);

CONVIS_CPU_END
