// tests/kernels/levels.h: running a test at every CPU capability level the processor has.
//
//   LevelGuard guard;                                   // puts the level back at the end
//   for (CpuCapability level : available_levels()) {
//     cpu::use_cpu_capability(level);
//     ...                                               // every CPU kernel is this level's
//   }
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "convis/core/cpu_capability.h"
#include "convis/convis.h"
#include "convis/kernels/cpu/cpu_dispatch.h"

namespace convis_test {

inline std::vector<convis::CpuCapability> available_levels() {
  std::vector<convis::CpuCapability> levels;
  for (int c = 0; c <= int(convis::cpu::best_cpu_capability()); ++c) levels.push_back(convis::CpuCapability(c));
  return levels;
}

// Restores the thread count in use when the test ends.
struct ThreadGuard {
  int before = convis::get_num_threads();
  ~ThreadGuard() { convis::set_num_threads(before); }
};

// Restores the level in use when the test ends, whatever happens in it.
struct LevelGuard {
  std::string before{convis::cpu_capability()};
  ~LevelGuard() {
    for (convis::CpuCapability c : available_levels())
      if (convis::cpu_capability_name(c) == before) convis::cpu::use_cpu_capability(c);
  }
};

using Op = std::function<convis::Tensor(const convis::Tensor&)>;

// One op of every kernel family whose bits are the same at every level and thread count
// (Note [One source, three capabilities], Note [Deterministic threads]), on a 2-D input.
inline std::vector<std::pair<std::string, Op>> kernel_ops() {
  using namespace convis;
  return {
      {"exp", [](const Tensor& x) { return x.exp(); }},
      {"tanh", [](const Tensor& x) { return x.tanh(); }},
      {"sigmoid", [](const Tensor& x) { return x.sigmoid(); }},
      {"log", [](const Tensor& x) { return x.abs().log(); }},
      {"add alpha", [](const Tensor& x) { return x.add(x.flip({1}), 0.3); }},
      {"mul strided", [](const Tensor& x) { return x.slice(1, 0, 36, 3) * x.slice(1, 1, 37, 3); }},
      {"div broadcast", [](const Tensor& x) { return x / x.select(0, 0); }},
      {"clamp", [](const Tensor& x) { return x.clamp(-1.5, 2.5); }},
      {"sum", [](const Tensor& x) { return x.sum(); }},
      {"sum dim 0", [](const Tensor& x) { return x.sum({0}); }},
      {"sum dim 1", [](const Tensor& x) { return x.sum({1}); }},
      {"var", [](const Tensor& x) { return x.var({1}); }},
      {"amax", [](const Tensor& x) { return x.amax({0}); }},
      {"softmax", [](const Tensor& x) { return softmax(x, 1); }},
      {"log_softmax dim 0", [](const Tensor& x) { return log_softmax(x, 0); }},
      {"cumsum", [](const Tensor& x) { return cumsum(x, 1); }},
      {"transpose copy", [](const Tensor& x) { return x.t().contiguous(); }},
  };
}

}  // namespace convis_test
