// kernels/cuda/backend_kernels.h: the CUDA entries of the dispatch table (kernels/dispatch.h)
// and their launches, written once and compiled twice (Note [Two CUDA runtimes] in
// kernels/cuda/runtime.h): by nvcc in kernels/cuda/kernels.cu, where klaunch is <<<...>>> on
// the device, and by g++ in kernels/cuda/emulated_kernels.cpp, where klaunch runs the same
// kernel on the CPU emulator.  The includer defines CONVIS_CUDA_NS, the namespace that keeps the
// two copies apart, and CONVIS_CUDA_GRID_CAP, the most blocks an elementwise launch takes (the
// kernels stride over the rest, so any cap gives the same result; the emulator takes a small
// one, since each of its threads is a fiber).
//
//   #define CONVIS_CUDA_NS device_kernels
//   #define CONVIS_CUDA_GRID_CAP 4096
//   #include "convis/kernels/cuda/backend_kernels.h"
//   convis::device_kernels::register_kernels();
#pragma once

#include <cstdio>

#include "convis/core/error.h"
#include "convis/kernels/cuda/elementwise.cuh"
#include "convis/kernels/cuda/strided.cuh"
#include "convis/kernels/strided_loop.h"

namespace convis::CONVIS_CUDA_NS {

// Throws an Error naming the kernel when its launch failed (the device reports it at the next
// runtime call; the emulator throws from the launch itself).
inline void check_launch(const char* kernel) {
#ifdef __CUDACC__
  const cudaError_t error = cudaGetLastError();
  if (error == cudaSuccess) return;
  char message[256];
  std::snprintf(message, sizeof(message), "[cuda] expected the kernel %s to launch, got: %s", kernel,
                cudaGetErrorString(error));
  throw Error(message);
#else
  (void)kernel;
#endif
}

inline cuda_kernels::Loop device_loop(const StridedLoop& s) {
  cuda_kernels::Loop L;
  L.ntensors = s.ntensors;
  L.ndim = s.ndim;
  for (int d = 0; d < s.ndim; ++d) L.sizes[d] = s.sizes[d];
  for (int k = 0; k < s.ntensors; ++k) {
    L.data[k] = s.data[k];
    for (int d = 0; d < s.ndim; ++d) L.strides[k][d] = s.strides[k][d];
  }
  return L;
}

inline unsigned grid_for(std::int64_t n) { return cuda_kernels::elementwise_blocks(n, CONVIS_CUDA_GRID_CAP); }

template <typename Out, typename In>
void launch_copy(const StridedLoop& s, std::int64_t n) {
  klaunch(cuda_kernels::copy_strided<Out, In>, dim3(grid_for(n)), dim3(cuda_kernels::kElementwiseThreads), 0,
          device_loop(s), n);
  check_launch("copy_strided");
}

// copy, keyed by the output's dtype; the input's is s.dtypes[1].
template <typename Out>
void copy_kernel(const StridedLoop& s) {
  const std::int64_t n = s.numel();
  if (n == 0) return;
  switch (s.dtypes[1]) {
    case DType::Bool: return launch_copy<Out, bool>(s, n);
    case DType::Int64: return launch_copy<Out, std::int64_t>(s, n);
    case DType::Float32: return launch_copy<Out, float>(s, n);
    case DType::Float64: return launch_copy<Out, double>(s, n);
  }
}

template <typename T>
void fill_kernel(const StridedLoop& s) {
  const std::int64_t n = s.numel();
  if (n == 0) return;
  const T value = std::is_same<T, bool>::value ? T(s.params.value.i != 0) : s.params.value.as<T>();
  klaunch(cuda_kernels::fill_strided<T>, dim3(grid_for(n)), dim3(cuda_kernels::kElementwiseThreads), 0,
          device_loop(s), n, value);
  check_launch("fill_strided");
}

// One line per kernel: the list of what this backend has.
inline void register_kernels() {
  register_kernel<OpKind::copy>(kCUDA, kBool, &copy_kernel<bool>);
  register_kernel<OpKind::copy>(kCUDA, kInt64, &copy_kernel<std::int64_t>);
  register_kernel<OpKind::copy>(kCUDA, kFloat32, &copy_kernel<float>);
  register_kernel<OpKind::copy>(kCUDA, kFloat64, &copy_kernel<double>);
  register_kernel<OpKind::fill>(kCUDA, kBool, &fill_kernel<bool>);
  register_kernel<OpKind::fill>(kCUDA, kInt64, &fill_kernel<std::int64_t>);
  register_kernel<OpKind::fill>(kCUDA, kFloat32, &fill_kernel<float>);
  register_kernel<OpKind::fill>(kCUDA, kFloat64, &fill_kernel<double>);
}

}  // namespace convis::CONVIS_CUDA_NS
