// kernels/cuda/reduce.cuh: a deterministic sum: the same bits on every run and every device.
//
//   const std::int64_t chunk = sum_chunk(n), blocks = (n + chunk - 1) / chunk;
//   klaunch(sum_blocks<float>, dim3(blocks), dim3(kReduceThreads), 0, x, n, chunk, partial);
//   klaunch(sum_blocks<float>, dim3(1), dim3(kReduceThreads), 0, partial, blocks, blocks, out);
//
// Note [Deterministic CUDA sum]
// Which elements a thread adds, and in which order the partial sums meet, depend only on n:
// block j takes the elements [j * chunk, (j + 1) * chunk) with chunk = sum_chunk(n), thread t
// of it adds elements t, t + 256, ... of its range in order, each warp folds its 32 values by
// shuffles down (16, 8, 4, 2, 1), warp 0 folds the 8 warp sums the same way, and a second
// launch folds the block sums like one block.  No atomics, so no order left to the hardware.
#pragma once

#include <cstdint>

#include "convis/kernels/cuda/compat.h"

namespace convis::cuda_kernels {

constexpr int kReduceThreads = 256;  // 8 full warps: the shuffles never meet a partial warp

// Elements per block: at least 8 per thread, at most 1024 blocks.
inline std::int64_t sum_chunk(std::int64_t n) {
  const std::int64_t per_block = std::int64_t(kReduceThreads) * 8;
  const std::int64_t by_blocks = (n + 1023) / 1024;
  return by_blocks > per_block ? by_blocks : per_block;
}

template <typename T>
__device__ T warp_sum(T value) {
  for (int offset = warpSize / 2; offset > 0; offset /= 2) value += __shfl_down_sync(0xffffffffu, value, offset);
  return value;
}

// partial[blockIdx.x] = the sum of x[blockIdx.x * chunk, ...) (Note [Deterministic CUDA sum]).
template <typename T>
__global__ void sum_blocks(const T* x, std::int64_t n, std::int64_t chunk, T* partial) {
  __shared__ T warp_sums[kReduceThreads / 32];
  const std::int64_t begin = std::int64_t(blockIdx.x) * chunk;
  const std::int64_t end = begin + chunk < n ? begin + chunk : n;
  T sum = T(0);
  for (std::int64_t i = begin + threadIdx.x; i < end; i += blockDim.x) sum += x[i];
  sum = warp_sum(sum);
  const unsigned lane = threadIdx.x % warpSize, warp = threadIdx.x / warpSize;
  if (lane == 0) warp_sums[warp] = sum;
  __syncthreads();
  if (warp == 0) {
    sum = lane < blockDim.x / warpSize ? warp_sums[lane] : T(0);
    sum = warp_sum(sum);
    if (lane == 0) partial[blockIdx.x] = sum;
  }
}

}  // namespace convis::cuda_kernels
