// kernels/cpu/gemm.cpp
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/dispatch.h"

namespace convis {

void register_gemm_cpu_kernels() {}

}  // namespace convis
