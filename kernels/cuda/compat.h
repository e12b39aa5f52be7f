// kernels/cuda/compat.h: the one switch between the device and the CPU emulation.  A kernel
// source (.cuh) includes this and nothing else of CUDA's: under nvcc it gets CUDA itself, under
// g++ the emulator of kernels/cuda/emu/emu.h (Note [Emulated kernels]), which runs the same
// source on the CPU for the tests.
//
//   #include "convis/kernels/cuda/compat.h"
//   __global__ void fill(float* x, int n) {
//     DYN_SHARED(float, scratch);                    // dynamic shared memory, typed
//     ...
//   }
//   klaunch(fill, dim3(blocks), dim3(256), bytes, x, n);   // <<<...>>> on the device
#pragma once

#include <cstddef>
#include <utility>

#ifdef __CUDACC__

#include <cuda_runtime.h>

#include "convis/kernels/cuda/runtime.h"

// On the calling thread's current stream (Note [CUDA streams] in core/cuda_stream.h).
template <typename... Params, typename... Args>
void klaunch(void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t dynamic_bytes, Args&&... args) {
  kernel<<<grid, block, dynamic_bytes, static_cast<cudaStream_t>(convis::cuda_runtime::launch_stream())>>>(
      std::forward<Args>(args)...);
}

#define DYN_SHARED(T, name)                                          \
  extern __shared__ __align__(16) unsigned char convis_dynamic_shared_[]; \
  T* name = reinterpret_cast<T*>(convis_dynamic_shared_)

#else

#include "convis/kernels/cuda/emu/emu.h"

#endif
