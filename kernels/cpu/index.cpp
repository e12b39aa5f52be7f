// kernels/cpu/index.cpp
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/dispatch.h"

namespace convis {

void register_index_cpu_kernels() {}

}  // namespace convis
