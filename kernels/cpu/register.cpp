// kernels/cpu/register.cpp: every CPU kernel family, one line each (see Note [One dispatch table]).
//
// To add a kernel: write it in the family's file (kernels/cpu/<family>.cpp) and add its line
// to that file's register function; to add a family, declare its register function in
// kernels/cpu/kernels.h and call it here.  Nothing registers itself anywhere else.  This
// file, like the families, is compiled once per capability (Note [One source, three
// capabilities]); kernels/cpu/capability.cpp calls the register_kernels() of the one chosen.
#include "convis/kernels/cpu/kernels.h"

CONVIS_CPU_BEGIN

void register_kernels() {
  register_elementwise_kernels();  // kernels/cpu/elementwise.cpp
  register_reduce_kernels();       // kernels/cpu/reduce.cpp
  register_index_kernels();        // kernels/cpu/index.cpp
  register_gemm_kernels();         // kernels/cpu/linalg.cpp
  register_conv_kernels();         // kernels/cpu/conv.cpp
  register_pool_kernels();         // kernels/cpu/pool.cpp
  register_spiking_kernels();      // kernels/cpu/spiking.cpp
  register_recursion_kernels();    // kernels/cpu/recursion.cpp
}

CONVIS_CPU_END
