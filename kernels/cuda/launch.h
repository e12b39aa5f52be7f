// kernels/cuda/launch.h: host functions that launch the CUDA kernels of kernels/cuda/*.cuh on
// the current device (compiled by nvcc in kernels.cu; C++17, like every header a .cu includes).
// Pointers are device pointers.  Each checks the launch and throws a convis::Error naming the
// kernel and CUDA's message.  The dispatch table takes them when CUDA tensors arrive (issue 13).
//
//   convis::cuda_launch::conv3d_one_channel(x, w, y, sizes);   // y = conv3d(x, w), one channel
#pragma once

#include <cstdint>

#include "convis/kernels/cuda/conv_sizes.h"

namespace convis::cuda_launch {

// out = a * b etc. over n contiguous floats.
void add_contiguous(float* out, const float* a, const float* b, std::int64_t n);
void mul_contiguous(float* out, const float* a, const float* b, std::int64_t n);
// *out = the sum of x[0, n) (Note [Deterministic CUDA sum]); `partial` holds sum_blocks_needed(n) values.
std::int64_t sum_blocks_needed(std::int64_t n);
void sum(const float* x, std::int64_t n, float* partial, float* out);
void sum(const double* x, std::int64_t n, double* partial, double* out);
void conv3d_one_channel(const float* x, const float* w, float* y, const cuda_kernels::ConvSizes& sizes);
void conv3d_one_channel(const double* x, const double* w, double* y, const cuda_kernels::ConvSizes& sizes);

}  // namespace convis::cuda_launch
