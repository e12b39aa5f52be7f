// core/cpu_capability.h: which instruction set the CPU kernels run with.
//
//   convis::cpu_capability();        // "avx512" on a Zen 4, "avx2" on a Zen 3
//   // CONVIS_CPU_CAPABILITY=default ./app   -> "default": baseline x86-64 (SSE2) kernels
//
// Every CPU kernel is compiled three times (generic, AVX2+FMA, AVX-512); at the first kernel
// call convis asks the processor what it has and uses the best of the three.  The
// environment variable CONVIS_CPU_CAPABILITY (default, avx2 or avx512, as LibTorch's
// ATEN_CPU_CAPABILITY) lowers the choice; asking for more than the processor has gives the
// most it has, and any other value is an error at the first kernel call.
#pragma once

#include <string_view>

namespace convis {

enum class CpuCapability : int { kDefault = 0, kAVX2 = 1, kAVX512 = 2 };

std::string_view cpu_capability();                    // "default", "avx2" or "avx512"
std::string_view cpu_capability_name(CpuCapability c);

}  // namespace convis
