// core/generator.cpp: the counter-based generator (see Note [Counter-based generator]).
#include "convis/core/generator.h"

namespace convis {

namespace {

constexpr uint64_t kGamma = 0x9E3779B97F4A7C15ull;  // 2^64 / golden ratio, SplitMix64's increment
constexpr uint64_t kDefaultSeed = 67280421310721ull;  // LibTorch's default seed

// SplitMix64: one step of the stream, then the finalizer (a bijection of 64-bit values).
constexpr uint64_t mix(uint64_t z) {
  z += kGamma;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

uint64_t Generator::bits(uint64_t counter) const { return mix(mix(seed_) + counter * kGamma); }

double Generator::uniform(uint64_t counter) const { return double(bits(counter) >> 11) * 0x1.0p-53; }

float Generator::uniform_float(uint64_t counter) const { return float(bits(counter) >> 40) * 0x1.0p-24f; }

Generator& default_generator() {
  static Generator generator(kDefaultSeed);
  return generator;
}

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace convis
