// kernels/cpu/reduce.cpp
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/dispatch.h"

namespace convis {

void register_reduce_cpu_kernels() {}

}  // namespace convis
