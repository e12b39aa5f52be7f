// kernels/cuda/trig.cu: the device instances of sin and cos (Note [Trigonometry in local memory]
// in kernels/cuda/backend_kernels.h), compiled without -warn-lmem-usage (cmake/cuda.cmake).
#define CONVIS_CUDA_NS device_kernels
#define CONVIS_CUDA_REDUCE_THREADS 256
#define CONVIS_CUDA_GRID_CAP 4096
#define CONVIS_CUDA_TRIG_UNIT
#include "convis/kernels/cuda/backend_kernels.h"

namespace convis::device_kernels {

template struct CudaKernels<functors::Sin, float>;
template struct CudaKernels<functors::Sin, double>;
template struct CudaKernels<functors::Cos, float>;
template struct CudaKernels<functors::Cos, double>;

}  // namespace convis::device_kernels
