// kernels/cpu/conv.cpp
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/dispatch.h"

namespace convis {

void register_conv_cpu_kernels() {}

}  // namespace convis
