// kernels/cuda/emulated_kernels.cpp: the CUDA kernels of the emulated device: the sources
// kernels/cuda/kernels.cu gives nvcc, compiled by g++ against kernels/cuda/emu (Note [Two CUDA
// runtimes] in kernels/cuda/runtime.h).
#define CONVIS_CUDA_NS emulated_kernels
#define CONVIS_CUDA_REDUCE_THREADS 32
#define CONVIS_CUDA_GRID_CAP 4
#include "convis/kernels/cuda/backend_kernels.h"
#include "convis/kernels/cuda/backend_recurrent.h"

namespace convis {

void register_emulated_cuda_kernels() { emulated_kernels::register_kernels(); }

}  // namespace convis
