// kernels/cuda/index_ops.cuh: gather, scatter and accumulate over an IndexLoop (kernels/index.h,
// Note [Index loop]) on the device.  Compiled by nvcc and by g++ for the emulated device
// (kernels/cuda/backend_index.h).
//
//   klaunch(index_check, dim3(blocks), dim3(256), 0, loop, first_bad);   // then, if all good:
//   klaunch(index_gather<float>, dim3(blocks), dim3(256), 0, loop, n);
//
// Note [CUDA indexing order]
// The check runs first and on its own: each bad value's position meets an atomicMin, so the
// first bad position of each operand comes back whatever the thread order, and nothing is
// written when one exists.  Gathers write each output element once, from one thread each.
// Scatters and accumulations may meet one element many times; the CPU's rule (later writes win,
// sums in row-major order) makes them one thread walking the loop in order: the same values and
// bits as the CPU, deterministic, but serial on the device.  Sorting the destinations and
// summing each run in order is the parallel form that keeps the rule (next step).
#pragma once

#include <cstdint>

#include "convis/kernels/cuda/compat.h"
#include "convis/kernels/index.h"

namespace convis::cuda_kernels {

// first_bad[k] = the smallest position of a value of operand k outside its range (initially
// INT64_MAX, left so when all are good).  (A template only so that every includer may have it.)
template <typename Position>
__global__ void index_check(IndexLoop L, Position* first_bad) {
  const std::int64_t step = std::int64_t(gridDim.x) * blockDim.x;
  for (int k = 0; k < L.nindices; ++k) {
    const IndexOperand& op = L.indices[k];
    const std::int64_t lo = L.wrap_negative ? -op.size : 0;
    for (std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < op.numel; i += step) {
      const std::int64_t v = op.data[i];
      if (v < lo || v >= op.size) atomicMin(&first_bad[k], static_cast<Position>(i));
    }
  }
}

// The byte offsets of loop position p in out and src, the moved operand's displacement added
// to src (kGather) or out.
// (Each index operand's offset is recomputed from p rather than kept in an array indexed by k,
// which the compiler would put in local memory.)
__device__ __forceinline__ std::int64_t loop_offset(const IndexLoop& L, std::int64_t p, const std::int64_t* strides) {
  std::int64_t at = 0;
  for (int d = L.ndim - 1; d >= 0; --d) {
    at += p % L.sizes[d] * strides[d];
    p /= L.sizes[d];
  }
  return at;
}
template <bool kGather>
__device__ __forceinline__ void index_offsets(const IndexLoop& L, std::int64_t p, std::int64_t& out, std::int64_t& src) {
  out = loop_offset(L, p, L.out_strides);
  src = loop_offset(L, p, L.src_strides);
  std::int64_t disp = 0;
  for (int k = 0; k < L.nindices; ++k) {
    const IndexOperand& op = L.indices[k];
    std::int64_t v = *reinterpret_cast<const std::int64_t*>(reinterpret_cast<const char*>(op.data) + loop_offset(L, p, op.strides));
    if (v < 0) v += op.size;  // only with wrap_negative: the check let it through
    disp += v * op.dim_stride;
  }
  (kGather ? src : out) += disp;
}

// out[p] = src[p + displacement]: one thread per position.
template <typename T>
__global__ void index_gather(IndexLoop L, std::int64_t n) {
  const std::int64_t step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t p = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; p < n; p += step) {
    std::int64_t out, src;
    index_offsets<true>(L, p, out, src);
    *reinterpret_cast<T*>(L.out + out) = *reinterpret_cast<const T*>(L.src + src);
  }
}

// out[p + displacement] = src[p] (kAccumulate: += alpha * src[p]), in row-major order by one
// thread (Note [CUDA indexing order]).
template <typename T, bool kAccumulate>
__global__ void index_scatter_in_order(IndexLoop L, std::int64_t n, T alpha) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  for (std::int64_t p = 0; p < n; ++p) {
    std::int64_t out, src;
    index_offsets<false>(L, p, out, src);
    T& o = *reinterpret_cast<T*>(L.out + out);
    const T s = *reinterpret_cast<const T*>(L.src + src);
    if constexpr (kAccumulate) o = static_cast<T>(o + alpha * s);
    else o = s;
  }
}

}  // namespace convis::cuda_kernels
