// kernels/cuda/check_launch.h: the check after every kernel launch of a CUDA backend
// (kernels/cuda/backend_*.h), in the includer's CONVIS_CUDA_NS.
//
//   klaunch(kernel, grid, block, 0, args...);
//   check_launch("kernel");   // an Error naming it if the launch failed
#pragma once

#include <cstdio>

#include "convis/core/error.h"
#include "convis/kernels/cuda/compat.h"

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

}  // namespace convis::CONVIS_CUDA_NS
