// The CPU capability levels (Note [One source, three capabilities]): cpu_capability() reports
// the level in use, CONVIS_CPU_CAPABILITY chooses one, and every level gives the same bits for
// the kernels whose arithmetic is the same at every level.  (CTest also runs the whole suite
// once per lower level: tests/CMakeLists.txt.)
#include <cstdlib>
#include <functional>
#include <string>

#include "convis/kernels/cpu/cpu_dispatch.h"
#include "helpers.h"
#include "kernels/levels.h"

using namespace convis;
using convis_test::available_levels;
using convis_test::LevelGuard;
using convis_test::same_bits;

namespace {

// Inputs with odd lengths (vector tails), a strided view, NaN, +-inf and huge values.
Tensor awkward_input(DType dt) {
  Tensor x = (randn({3, 37}, dt) * 8.0).contiguous();
  Tensor special = tensor({std::nan(""), INFINITY, -INFINITY, 100.0, -100.0, 0.0, -0.0}, dt);
  x.select(0, 1).slice(0, 0, 7).copy_(special);
  return x;
}

}  // namespace

TEST_CASE("cpu_capability names the level in use, within what the processor has", "[kernels]") {
  std::string got{cpu_capability()};
  CHECK((got == "default" || got == "avx2" || got == "avx512"));
  const char* env = std::getenv("CONVIS_CPU_CAPABILITY");
  std::string best{cpu_capability_name(cpu::best_cpu_capability())};
  if (env == nullptr) CHECK(got == best);  // no variable: the best level
  else if (std::string(env) == "default") CHECK(got == "default");
  else if (std::string(env) == "avx2") CHECK(got == (best == "default" ? "default" : "avx2"));
}

TEST_CASE("every capability level gives the same bits for elementwise, reductions and copies", "[kernels]") {
  LevelGuard guard;
  for (DType dt : {kFloat32, kFloat64}) {
    manual_seed(7);
    Tensor x = awkward_input(dt);
    cpu::use_cpu_capability(CpuCapability::kDefault);
    std::vector<Tensor> want;
    for (auto& [name, op] : convis_test::kernel_ops()) want.push_back(op(x));
    for (CpuCapability level : available_levels()) {
      cpu::use_cpu_capability(level);
      REQUIRE(cpu_capability() == cpu_capability_name(level));
      size_t k = 0;
      for (auto& [name, op] : convis_test::kernel_ops()) {
        INFO(name << " at " << cpu_capability() << " in " << dtype_name(dt));
        CHECK(same_bits(op(x), want[k++]));
      }
    }
  }
}

TEST_CASE("asking for a level the processor lacks is an error naming what it has", "[kernels]") {
  if (cpu::best_cpu_capability() == CpuCapability::kAVX512) return;  // nothing to lack here
  CHECK_THROWS_WITH(cpu::use_cpu_capability(CpuCapability::kAVX512),
                    Catch::Contains("[use_cpu_capability]") && Catch::Contains("no avx512 kernels"));
}

// Run by CTest alone, with CONVIS_CPU_CAPABILITY=avx3 (tests/CMakeLists.txt): the first
// kernel call, and every one after it, reports the bad value.
TEST_CASE("a bad CONVIS_CPU_CAPABILITY is an error at the first kernel call", "[.bad_capability_env]") {
  const char* env = std::getenv("CONVIS_CPU_CAPABILITY");
  if (env == nullptr || std::string(env) != "avx3") return;  // run with the file's other cases: nothing to see
  for (int attempt = 0; attempt < 2; ++attempt)
    CHECK_THROWS_WITH(ones({2}) + ones({2}), Catch::Contains("[CONVIS_CPU_CAPABILITY]") &&
                                                 Catch::Contains("expected one of default, avx2, avx512, got 'avx3'"));
}
