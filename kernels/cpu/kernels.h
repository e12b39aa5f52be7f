// kernels/cpu/kernels.h: declarations of the CPU kernels that register.cpp lists.
#pragma once

#include "convis/kernels/strided_loop.h"

namespace convis {

void register_elementwise_cpu_kernels();  // kernels/cpu/elementwise.cpp
void register_reduce_cpu_kernels();       // kernels/cpu/reduce.cpp
void register_index_cpu_kernels();        // kernels/cpu/index.cpp
void register_gemm_cpu_kernels();         // kernels/cpu/linalg.cpp
void register_conv_cpu_kernels();         // kernels/cpu/conv.cpp
void register_pool_cpu_kernels();         // kernels/cpu/pool.cpp

}  // namespace convis
