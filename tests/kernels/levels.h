// tests/kernels/levels.h: running a test at every CPU capability level the processor has.
//
//   LevelGuard guard;                                   // puts the level back at the end
//   for (CpuCapability level : available_levels()) {
//     cpu::use_cpu_capability(level);
//     ...                                               // every CPU kernel is this level's
//   }
#pragma once

#include <string>
#include <vector>

#include "convis/core/cpu_capability.h"
#include "convis/kernels/cpu/cpu_dispatch.h"

namespace convis_test {

inline std::vector<convis::CpuCapability> available_levels() {
  std::vector<convis::CpuCapability> levels;
  for (int c = 0; c <= int(convis::cpu::best_cpu_capability()); ++c) levels.push_back(convis::CpuCapability(c));
  return levels;
}

// Restores the level in use when the test ends, whatever happens in it.
struct LevelGuard {
  std::string before{convis::cpu_capability()};
  ~LevelGuard() {
    for (convis::CpuCapability c : available_levels())
      if (convis::cpu_capability_name(c) == before) convis::cpu::use_cpu_capability(c);
  }
};

}  // namespace convis_test
