// core/cuda_stub.cpp: the answers of core/cuda.h in a build without CUDA (CONVIS_CUDA=OFF).
// With CONVIS_CUDA=ON, kernels/cuda/device.cu answers instead.
#include "convis/core/cuda.h"

#ifndef CONVIS_WITH_CUDA
namespace convis::cuda {

bool is_available() { return false; }
int64_t device_count() { return 0; }
bool is_built() { return false; }

}  // namespace convis::cuda
#endif
