// core/cuda.h: is there a CUDA device?  As LibTorch's torch::cuda namespace.
//
//   if (convis::cuda::is_available()) { ... }
//   convis::cuda::device_count();   // 0 in a build without CUDA or on a machine without a GPU
#pragma once

#include <cstdint>

namespace convis::cuda {

// True when this build has the CUDA backend (CONVIS_CUDA=ON) and a device is present.
bool is_available();
// Number of visible CUDA devices; 0 without a driver, without a GPU, or without CUDA support.
int64_t device_count();
// True when the library was built with CONVIS_CUDA=ON.
bool is_built();

}  // namespace convis::cuda
