// kernels/cpu/cpu_dispatch.h: switching the CPU kernels between capabilities, for tests and
// benchmarks that compare them in one process.
//
//   cpu::use_cpu_capability(CpuCapability::kDefault);   // every CPU kernel is now the generic one
//   Tensor a = exp(x);
//   cpu::use_cpu_capability(cpu::best_cpu_capability());
//   Tensor b = exp(x);                                  // the same bits (Note [One source, three capabilities])
//
// Not thread-safe: it rewrites the CPU entries of the dispatch table while nothing else runs.
#pragma once

#include "convis/core/cpu_capability.h"

namespace convis::cpu {

void use_cpu_capability(CpuCapability c);  // throws Error if the processor lacks it
CpuCapability best_cpu_capability();       // the most this processor and build support
void register_kernels_for(CpuCapability c);

}  // namespace convis::cpu
