// kernels/cuda/recurrent.cu: the device instances of the kernels that run along time
// (kernels/cuda/backend_recurrent.h), compiled with --fmad=false (Note [Exact CUDA units] in
// kernels/cuda/recurrent.cuh; cmake/cuda.cmake).
#define CONVIS_CUDA_NS device_kernels
#define CONVIS_CUDA_GRID_CAP 4096
#include "convis/kernels/cuda/backend_recurrent.h"
