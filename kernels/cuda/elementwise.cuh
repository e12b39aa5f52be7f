// kernels/cuda/elementwise.cuh: binary elementwise kernels, strided and broadcasting, over
// functors written once for host and device (compiled by nvcc in kernels.cu and by g++ against
// the emulator in the tests).
//
//   BinaryStrides s = ...;   // the output's sizes; each operand's element strides (0: broadcast)
//   klaunch(binary_strided<float, MulOp>, dim3(blocks), dim3(256), 0, out, a, b, s, n, MulOp{});
#pragma once

#include <cstdint>

#include "convis/kernels/cuda/compat.h"

namespace convis::cuda_kernels {

constexpr int kMaxDims = 6;
constexpr int kElementwiseThreads = 256;

// Element i of the output (row-major over sizes) is out[sum k_d * out[d]], and reads
// a[sum k_d * a[d]] and b[sum k_d * b[d]].
struct BinaryStrides {
  int dims = 0;
  std::int64_t sizes[kMaxDims] = {};
  std::int64_t out[kMaxDims] = {}, a[kMaxDims] = {}, b[kMaxDims] = {};
};

struct AddOp {
  template <typename T>
  __host__ __device__ T operator()(T x, T y) const { return x + y; }
};
struct SubOp {
  template <typename T>
  __host__ __device__ T operator()(T x, T y) const { return x - y; }
};
struct MulOp {
  template <typename T>
  __host__ __device__ T operator()(T x, T y) const { return x * y; }
};
struct DivOp {
  template <typename T>
  __host__ __device__ T operator()(T x, T y) const { return x / y; }
};
// As torch.maximum: a NaN on either side wins.
struct MaxOp {
  template <typename T>
  __host__ __device__ T operator()(T x, T y) const { return x != x ? x : y != y ? y : x > y ? x : y; }
};

// One grid-stride loop over the output; each thread turns its flat index into the three offsets.
template <typename T, typename Op>
__global__ void binary_strided(T* out, const T* a, const T* b, BinaryStrides s, std::int64_t n, Op op) {
  const std::int64_t step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    std::int64_t rest = i, at_out = 0, at_a = 0, at_b = 0;
    for (int d = s.dims - 1; d >= 0; --d) {
      const std::int64_t k = rest % s.sizes[d];
      rest /= s.sizes[d];
      at_out += k * s.out[d];
      at_a += k * s.a[d];
      at_b += k * s.b[d];
    }
    out[at_out] = op(a[at_a], b[at_b]);
  }
}

// Three contiguous operands of n elements: no index arithmetic.
template <typename T, typename Op>
__global__ void binary_contiguous(T* out, const T* a, const T* b, std::int64_t n, Op op) {
  const std::int64_t step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) out[i] = op(a[i], b[i]);
}

// Blocks for n elements: enough to cover them, at most `cap` (then the loops stride).
inline unsigned elementwise_blocks(std::int64_t n, std::int64_t cap = 4096) {
  const std::int64_t blocks = (n + kElementwiseThreads - 1) / kElementwiseThreads;
  return unsigned(blocks < 1 ? 1 : blocks > cap ? cap : blocks);
}

}  // namespace convis::cuda_kernels
