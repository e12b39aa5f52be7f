// kernels/cuda/device.cu: device discovery for the CUDA backend.
//
// cudaGetDeviceCount fails with cudaErrorInsufficientDriver (35) on a machine without a
// driver and cudaErrorNoDevice (100) on one without a GPU; both mean "no device" here, so
// a CUDA build still runs everything on a CPU-only machine (see
// ../shared/reference/cuda-without-gpu.md).  We link the runtime only, never libcuda.
#include <cuda_runtime.h>

#include "convis/core/cuda.h"
#include "convis/kernels/dispatch.h"

namespace convis {

namespace cuda {

int64_t device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error so later calls start clean
    return 0;
  }
  return n;
}

bool is_available() { return device_count() > 0; }
bool is_built() { return true; }

}  // namespace cuda

// The CUDA kernels arrive with the CUDA issue; until then the table has no CUDA entries and
// a lookup on a CUDA tensor names the CPU kernels that exist (see Note [One dispatch table]).
void register_cuda_kernels() {}

}  // namespace convis
