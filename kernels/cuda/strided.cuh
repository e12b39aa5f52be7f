// kernels/cuda/strided.cuh: elementwise kernels over a strided loop (kernels/strided_loop.h's
// StridedLoop as a kernel parameter): any strides, broadcasts (stride 0) and dtype pairs, one
// grid-stride loop that turns each flat index into byte offsets.  Compiled by nvcc for the
// device and by g++ for the emulated device (kernels/cuda/backend_kernels.h).
//
//   Loop loop = ...;   // from a StridedLoop: operand 0 the output, byte strides
//   klaunch(copy_strided<float, double>, dim3(blocks), dim3(kElementwiseThreads), 0, loop, n);
#pragma once

#include <cstdint>
#include <type_traits>

#include "convis/kernels/cuda/compat.h"

namespace convis::cuda_kernels {

// A StridedLoop's walk (no params, no dtypes): passed by value, ~700 bytes of kernel
// parameters (the limit is 4 KB).
struct Loop {
  static constexpr int kMaxOperands = 4, kMaxDims = 16;
  int ntensors = 0, ndim = 0;
  std::int64_t sizes[kMaxDims] = {};
  char* data[kMaxOperands] = {};
  std::int64_t strides[kMaxOperands][kMaxDims] = {};  // bytes
};

// The byte offsets of flat element i (row-major over sizes, the last dim fastest) in the first
// N operands.
template <int N>
__device__ __forceinline__ void loop_offsets(const Loop& L, std::int64_t i, std::int64_t (&at)[N]) {
  for (int k = 0; k < N; ++k) at[k] = 0;
  for (int d = L.ndim - 1; d >= 0; --d) {
    const std::int64_t size = L.sizes[d], index = i % size;
    i /= size;
    for (int k = 0; k < N; ++k) at[k] += index * L.strides[k][d];
  }
}

// As the CPU's copy kernel: to bool is "not zero", the rest C++'s conversion.
template <typename Out, typename In>
__device__ __forceinline__ Out convert(In x) {
  if constexpr (std::is_same<Out, bool>::value) return x != In(0);
  else return static_cast<Out>(x);
}

// out = convert(in) for every element.
template <typename Out, typename In>
__global__ void copy_strided(Loop L, std::int64_t n) {
  const std::int64_t step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    std::int64_t at[2];
    loop_offsets(L, i, at);
    *reinterpret_cast<Out*>(L.data[0] + at[0]) = convert<Out>(*reinterpret_cast<const In*>(L.data[1] + at[1]));
  }
}

// out = value for every element.
template <typename T>
__global__ void fill_strided(Loop L, std::int64_t n, T value) {
  const std::int64_t step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    std::int64_t at[1];
    loop_offsets(L, i, at);
    *reinterpret_cast<T*>(L.data[0] + at[0]) = value;
  }
}

}  // namespace convis::cuda_kernels
