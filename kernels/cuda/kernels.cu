// kernels/cuda/kernels.cu: the device instances of kernels/cuda/*.cuh and their launchers
// (kernels/cuda/launch.h).  The same .cuh sources run on the CPU in the tests (tests/cuda/,
// through kernels/cuda/emu), so what is tested there is what runs here.
#include <cstdio>

#define CONVIS_CUDA_NS device_kernels
#define CONVIS_CUDA_REDUCE_THREADS 256
#define CONVIS_CUDA_GRID_CAP 4096
#include "convis/kernels/cuda/backend_kernels.h"

#include "convis/core/error.h"
#include "convis/kernels/cuda/conv3d.cuh"
#include "convis/kernels/cuda/elementwise.cuh"
#include "convis/kernels/cuda/launch.h"
#include "convis/kernels/cuda/reduce.cuh"

namespace convis::cuda_launch {

namespace {

using device_kernels::check_launch;

template <typename Op>
void binary(float* out, const float* a, const float* b, std::int64_t n, const char* name) {
  if (n == 0) return;
  klaunch(cuda_kernels::binary_contiguous<float, Op>, dim3(cuda_kernels::elementwise_blocks(n)),
          dim3(cuda_kernels::kElementwiseThreads), 0, out, a, b, n, Op{});
  check_launch(name);
}

template <typename T>
void sum_of(const T* x, std::int64_t n, T* partial, T* out) {
  const std::int64_t blocks = sum_blocks_needed(n);
  const std::int64_t chunk = cuda_kernels::sum_chunk(n);
  klaunch(cuda_kernels::sum_blocks<T>, dim3(unsigned(blocks)), dim3(cuda_kernels::kReduceThreads), 0, x, n, chunk,
          partial);
  check_launch("sum_blocks");
  klaunch(cuda_kernels::sum_blocks<T>, dim3(1), dim3(cuda_kernels::kReduceThreads), 0, static_cast<const T*>(partial),
          blocks, blocks, out);
  check_launch("sum_blocks (second pass)");
}

template <typename T>
void conv_of(const T* x, const T* w, T* y, const cuda_kernels::ConvSizes& s) {
  klaunch(cuda_kernels::conv3d_one_channel<T>, cuda_kernels::conv3d_grid(s),
          dim3(cuda_kernels::kConvTile, cuda_kernels::kConvTile), cuda_kernels::conv3d_shared_bytes<T>(s), x, w, y, s);
  check_launch("conv3d_one_channel");
}

}  // namespace

void add_contiguous(float* out, const float* a, const float* b, std::int64_t n) {
  binary<cuda_kernels::AddOp>(out, a, b, n, "binary_contiguous<add>");
}
void mul_contiguous(float* out, const float* a, const float* b, std::int64_t n) {
  binary<cuda_kernels::MulOp>(out, a, b, n, "binary_contiguous<mul>");
}
std::int64_t sum_blocks_needed(std::int64_t n) {
  const std::int64_t chunk = cuda_kernels::sum_chunk(n);
  return n == 0 ? 1 : (n + chunk - 1) / chunk;
}
void sum(const float* x, std::int64_t n, float* partial, float* out) { sum_of(x, n, partial, out); }
void sum(const double* x, std::int64_t n, double* partial, double* out) { sum_of(x, n, partial, out); }
void conv3d_one_channel(const float* x, const float* w, float* y, const cuda_kernels::ConvSizes& s) { conv_of(x, w, y, s); }
void conv3d_one_channel(const double* x, const double* w, double* y, const cuda_kernels::ConvSizes& s) {
  conv_of(x, w, y, s);
}

}  // namespace convis::cuda_launch

namespace convis {

void register_device_cuda_kernels() { device_kernels::register_kernels(); }

}  // namespace convis
