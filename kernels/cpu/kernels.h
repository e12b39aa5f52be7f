// kernels/cpu/kernels.h: the register functions of the CPU kernel families, which
// kernels/cpu/register.cpp calls, each in the namespace of the capability being compiled.
#pragma once

#include "convis/kernels/cpu/capability.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/strided_loop.h"

CONVIS_CPU_BEGIN

void register_kernels();              // kernels/cpu/register.cpp: all of the below
void register_elementwise_kernels();  // kernels/cpu/elementwise.cpp
void register_reduce_kernels();       // kernels/cpu/reduce.cpp
void register_index_kernels();        // kernels/cpu/index.cpp
void register_gemm_kernels();         // kernels/cpu/linalg.cpp
void register_conv_kernels();         // kernels/cpu/conv.cpp
void register_pool_kernels();         // kernels/cpu/pool.cpp
void register_spiking_kernels();      // kernels/cpu/spiking.cpp
void register_recursion_kernels();    // kernels/cpu/recursion.cpp

CONVIS_CPU_END
