// core/cuda_stub.cpp: the real devices' runtime in a build without CUDA (CONVIS_CUDA=OFF):
// none.  With CONVIS_CUDA=ON, kernels/cuda/device.cu defines it.
#include "convis/kernels/cuda/runtime.h"

#ifndef CONVIS_WITH_CUDA
namespace convis::cuda_runtime {

const Runtime* device_runtime() { return nullptr; }

}  // namespace convis::cuda_runtime
#endif
