// core/generator.cpp: the counter-based generator (see Note [Counter-based generator]).
#include "convis/core/generator.h"

namespace convis {

namespace {

constexpr uint64_t kDefaultSeed = 67280421310721ull;  // LibTorch's default seed

}  // namespace

double Generator::uniform(uint64_t counter) const { return double(bits(counter) >> 11) * 0x1.0p-53; }

float Generator::uniform_float(uint64_t counter) const { return float(bits(counter) >> 40) * 0x1.0p-24f; }

Generator& default_generator() {
  static Generator generator(kDefaultSeed);
  return generator;
}

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace convis
