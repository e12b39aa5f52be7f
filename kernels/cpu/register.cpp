// kernels/cpu/register.cpp: every CPU kernel, one line each (see Note [One dispatch table]).
//
// To add a kernel: write it in the family's file (kernels/cpu/<family>.cpp), declare it in
// kernels/cpu/kernels.h, and add its line here.  Nothing registers itself anywhere else.
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/dispatch.h"

namespace convis {

void register_cpu_kernels() {
  // ---- elementwise (kernels/cpu/elementwise.cpp) ----
  register_elementwise_cpu_kernels();

  // ---- reductions (kernels/cpu/reduce.cpp) ----
  register_reduce_cpu_kernels();

  // ---- indexing (kernels/cpu/index.cpp) ----
  register_index_cpu_kernels();

  // ---- linear algebra (kernels/cpu/linalg.cpp) ----
  register_gemm_cpu_kernels();

  // ---- convolution and pooling (kernels/cpu/conv.cpp, kernels/cpu/pool.cpp) ----
  register_conv_cpu_kernels();
  register_pool_cpu_kernels();
}

}  // namespace convis
