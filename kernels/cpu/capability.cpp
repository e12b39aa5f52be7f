// kernels/cpu/capability.cpp: CPUID, CONVIS_CPU_CAPABILITY, and the one call that registers
// the CPU kernels of the chosen level (see Note [One source, three capabilities]).
//
// This file is compiled once, for baseline x86-64; the three register_kernels() it calls are
// the same source (kernels/cpu/register.cpp) compiled at the three levels.
#include <cstdlib>
#include <string>
#include <string_view>

#include "convis/core/cpu_capability.h"
#include "convis/core/error.h"
#include "convis/kernels/cpu/cpu_dispatch.h"
#include "convis/kernels/dispatch.h"

namespace convis::cpu {
namespace generic {
void register_kernels();
}
#ifdef CONVIS_CPU_HAVE_AVX2
namespace avx2 {
void register_kernels();
}
#endif
#ifdef CONVIS_CPU_HAVE_AVX512
namespace avx512 {
void register_kernels();
}
#endif
}  // namespace convis::cpu

namespace convis {

namespace {

CpuCapability active = CpuCapability::kDefault;

// The most this processor (and its operating system, which must save the wide registers)
// supports among the levels this build compiled.  __builtin_cpu_supports checks both.
CpuCapability processor_capability() {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
#ifdef CONVIS_CPU_HAVE_AVX512
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("fma"))
    return CpuCapability::kAVX512;
#endif
#ifdef CONVIS_CPU_HAVE_AVX2
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CpuCapability::kAVX2;
#endif
#endif
  return CpuCapability::kDefault;
}

CpuCapability parse_capability(std::string_view s) {
  for (CpuCapability c : {CpuCapability::kDefault, CpuCapability::kAVX2, CpuCapability::kAVX512})
    if (s == cpu_capability_name(c)) return c;
  detail::throw_error("CONVIS_CPU_CAPABILITY",
                      fmt::format("expected one of default, avx2, avx512, got '{}'", s));
}

// The environment's choice, lowered to what the processor has.
CpuCapability chosen_capability() {
  CpuCapability best = processor_capability();
  const char* env = std::getenv("CONVIS_CPU_CAPABILITY");
  if (env == nullptr || *env == '\0') return best;
  CpuCapability asked = parse_capability(env);
  return int(asked) < int(best) ? asked : best;
}

}  // namespace

std::string_view cpu_capability_name(CpuCapability c) {
  switch (c) {
    case CpuCapability::kAVX2: return "avx2";
    case CpuCapability::kAVX512: return "avx512";
    default: return "default";
  }
}

std::string_view cpu_capability() {
  (void)find_kernel_or_null(OpKind::copy, kCPU, kFloat32);  // registers the kernels on first use
  return cpu_capability_name(active);
}

namespace cpu {

void register_kernels_for(CpuCapability c) {
  CONVIS_CHECK(int(c) <= int(processor_capability()), "use_cpu_capability",
               "this processor (or this build) has no {} kernels; the most it has is {}", cpu_capability_name(c),
               cpu_capability_name(processor_capability()));
  switch (c) {
#ifdef CONVIS_CPU_HAVE_AVX512
    case CpuCapability::kAVX512: avx512::register_kernels(); break;
#endif
#ifdef CONVIS_CPU_HAVE_AVX2
    case CpuCapability::kAVX2: avx2::register_kernels(); break;
#endif
    default: generic::register_kernels(); break;
  }
  active = c;
}

void use_cpu_capability(CpuCapability c) {
  (void)find_kernel_or_null(OpKind::copy, kCPU, kFloat32);  // the first registration happens once, before
  register_kernels_for(c);
}

CpuCapability best_cpu_capability() { return processor_capability(); }

}  // namespace cpu

void register_cpu_kernels() { cpu::register_kernels_for(chosen_capability()); }

}  // namespace convis
