// kernels/cuda/strided.cuh: elementwise kernels over a strided loop (kernels/strided_loop.h's
// StridedLoop as a kernel parameter): any strides, broadcasts (stride 0) and dtype pairs, one
// grid-stride loop that turns each flat index into byte offsets.  Compiled by nvcc for the
// device and by g++ for the emulated device (kernels/cuda/backend_kernels.h).
//
//   Loop loop = ...;   // from a StridedLoop: operand 0 the output, byte strides
//   klaunch(map_strided<float, Convert<float, double>, double>, dim3(blocks), dim3(kElementwiseThreads), 0,
//           loop, n, Convert<float, double>{});
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "convis/kernels/cuda/compat.h"

namespace convis::cuda_kernels {

// A StridedLoop as a kernel parameter (by value, ~740 bytes; the limit is 4 KB): its walk, and
// the plain numbers among its operands inline (scalar_mask bit k: operand k is the number in
// scalars[k], not memory: core keeps such numbers in host buffers, which a device cannot read).
struct Loop {
  static constexpr int kMaxOperands = 4, kMaxDims = 16;
  int ntensors = 0, ndim = 0;
  unsigned scalar_mask = 0;
  std::int64_t sizes[kMaxDims] = {};
  char* data[kMaxOperands] = {};
  std::int64_t strides[kMaxOperands][kMaxDims] = {};  // bytes
  std::uint64_t scalars[kMaxOperands] = {};
};

// The byte offsets of flat element i (row-major over sizes, the last dim fastest) in the first
// N operands.  One dim (contiguous or evenly strided operands, after core's coalescing) needs
// no division.
template <int N>
__device__ __forceinline__ void loop_offsets(const Loop& L, std::int64_t i, std::int64_t (&at)[N]) {
  if (L.ndim == 1) {
    for (int k = 0; k < N; ++k) at[k] = i * L.strides[k][0];
    return;
  }
  for (int k = 0; k < N; ++k) at[k] = 0;
  for (int d = L.ndim - 1; d >= 0; --d) {
    const std::int64_t size = L.sizes[d], index = i % size;
    i /= size;
    for (int k = 0; k < N; ++k) at[k] += index * L.strides[k][d];
  }
}

// Operand k of element at byte offset `at`.
template <typename T>
__device__ __forceinline__ T load_operand(const Loop& L, int k, std::int64_t at) {
  if ((L.scalar_mask >> k) & 1u) {
    T value;
    memcpy(&value, &L.scalars[k], sizeof(T));
    return value;
  }
  return *reinterpret_cast<const T*>(L.data[k] + at);
}

template <typename Out, typename... In, typename F, std::size_t... K>
__device__ __forceinline__ void map_element(const Loop& L, const std::int64_t* at, const F& f,
                                            std::index_sequence<K...>) {
  *reinterpret_cast<Out*>(L.data[0] + at[0]) = f(load_operand<In>(L, int(K) + 1, at[K + 1])...);
}

// out = f(in_1, ..., in_n) for every element: the one loop of every elementwise op.
template <typename Out, typename F, typename... In>
__global__ void map_strided(Loop L, std::int64_t n, F f) {
  const std::int64_t step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    std::int64_t at[1 + sizeof...(In)];
    loop_offsets(L, i, at);
    map_element<Out, In...>(L, at, f, std::index_sequence_for<In...>{});
  }
}

// The copy functor, as the CPU's copy kernel: to bool is "not zero", the rest C++'s conversion.
template <typename Out, typename In>
struct Convert {
  __host__ __device__ Out operator()(In x) const {
    if constexpr (std::is_same<Out, bool>::value) return x != In(0);
    else return static_cast<Out>(x);
  }
};

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
