// kernels/cuda/gemm.cuh: C = alpha * A @ B + beta * C on the device, for strided and batched
// operands (kernels/gemm.h, Note [GEMM strides]).  Compiled by nvcc and by g++ for the emulated
// device (kernels/cuda/backend_kernels.h).
//
//   GemmLoop g = ...;   // a GemmArgs' sizes, pointers and strides
//   klaunch(gemm_tiled<float>, dim3((n + 63) / 64, (m + 63) / 64, batches), dim3(16, 16), 0, g, 1.0f, 0.0f);
//
// Note [CUDA GEMM tiles]
// A block computes a 64 x 64 tile of C with 16 x 16 threads, each holding 4 x 4 results in
// registers (rows ty + 16 i, columns tx + 16 j, so that neighbouring threads read neighbouring
// shared-memory words).  K is walked 16 at a time: the block copies a 64 x 16 slice of A and a
// 16 x 64 slice of B into shared memory (zeros past the edges), waits, and every thread does its
// 16 x 4 x 4 multiply-adds from there: each value fetched from global memory serves 64 products.
// Each result is one chain of multiply-adds in k order whatever the grid, so the bits do not
// depend on the launch; strided (transposed) operands are read as they are, uncoalesced.  The
// next steps are vector loads of contiguous operands and a tensor-core (mma, TF32) path.
#pragma once

#include <cstdint>

#include "convis/kernels/cuda/compat.h"

namespace convis::cuda_kernels {

constexpr int kGemmTile = 64, kGemmTileK = 16, kGemmThreads = 16, kGemmPerThread = 4;
constexpr int kGemmMaxBatchDims = 16;

struct GemmMatrix {
  const char* data = nullptr;  // bytes
  std::int64_t row_stride = 0, col_stride = 0;  // elements
  std::int64_t batch_strides[kGemmMaxBatchDims] = {};
};

struct GemmLoop {
  std::int64_t m = 0, n = 0, k = 0, batches = 1;
  int batch_ndim = 0;
  std::int64_t batch_sizes[kGemmMaxBatchDims] = {};
  GemmMatrix a, b, c;
};

// The element offset of batch z of `x` (z row-major over the batch dims).
__device__ __forceinline__ std::int64_t batch_offset(const GemmLoop& g, const GemmMatrix& x, std::int64_t z) {
  std::int64_t at = 0;
  for (int d = g.batch_ndim - 1; d >= 0; --d) {
    at += z % g.batch_sizes[d] * x.batch_strides[d];
    z /= g.batch_sizes[d];
  }
  return at;
}

template <typename T>
__global__ void gemm_tiled(GemmLoop g, T alpha, T beta) {
  __shared__ T a_tile[kGemmTileK][kGemmTile];
  __shared__ T b_tile[kGemmTileK][kGemmTile];
  const int tx = int(threadIdx.x), ty = int(threadIdx.y), id = ty * kGemmThreads + tx;
  const std::int64_t row0 = std::int64_t(blockIdx.y) * kGemmTile, col0 = std::int64_t(blockIdx.x) * kGemmTile;
  for (std::int64_t z = blockIdx.z; z < g.batches; z += gridDim.z) {
    const T* a = reinterpret_cast<const T*>(g.a.data) + batch_offset(g, g.a, z);
    const T* b = reinterpret_cast<const T*>(g.b.data) + batch_offset(g, g.b, z);
    T* c = reinterpret_cast<T*>(const_cast<char*>(g.c.data)) + batch_offset(g, g.c, z);
    T acc[kGemmPerThread][kGemmPerThread] = {};
    for (std::int64_t k0 = 0; k0 < g.k; k0 += kGemmTileK) {
      for (int e = id; e < kGemmTile * kGemmTileK; e += kGemmThreads * kGemmThreads) {
        const int r = e / kGemmTileK, kk = e % kGemmTileK;  // A: 64 rows x 16
        const std::int64_t i = row0 + r, k = k0 + kk;
        a_tile[kk][r] = i < g.m && k < g.k ? a[i * g.a.row_stride + k * g.a.col_stride] : T(0);
        const int kb = e / kGemmTile, cb = e % kGemmTile;   // B: 16 x 64 columns
        const std::int64_t kr = k0 + kb, j = col0 + cb;
        b_tile[kb][cb] = kr < g.k && j < g.n ? b[kr * g.b.row_stride + j * g.b.col_stride] : T(0);
      }
      __syncthreads();
      for (int kk = 0; kk < kGemmTileK; ++kk) {
        T x[kGemmPerThread], y[kGemmPerThread];
        for (int i = 0; i < kGemmPerThread; ++i) x[i] = a_tile[kk][ty + kGemmThreads * i];
        for (int j = 0; j < kGemmPerThread; ++j) y[j] = b_tile[kk][tx + kGemmThreads * j];
        for (int i = 0; i < kGemmPerThread; ++i)
          for (int j = 0; j < kGemmPerThread; ++j) acc[i][j] += x[i] * y[j];
      }
      __syncthreads();
    }
    for (int i = 0; i < kGemmPerThread; ++i) {
      const std::int64_t r = row0 + ty + kGemmThreads * i;
      for (int j = 0; j < kGemmPerThread; ++j) {
        const std::int64_t col = col0 + tx + kGemmThreads * j;
        if (r >= g.m || col >= g.n) continue;
        T& out = c[r * g.c.row_stride + col * g.c.col_stride];
        out = beta == T(0) ? alpha * acc[i][j] : alpha * acc[i][j] + beta * out;  // beta 0: C is not read
      }
    }
  }
}

}  // namespace convis::cuda_kernels
