// core/generator.h: reproducible random numbers.
//
//   convis::manual_seed(42);
//   auto a = convis::rand({3});
//   convis::manual_seed(42);
//   auto b = convis::rand({3});            // equal(a, b): same seed, same numbers
//
// Note [Counter-based generator]
// The generator is counter-based: element i of a draw is a pure function of
// (seed, offset + i), computed with the SplitMix64 mixer (Steele, Lea and Flood, 2014)
// applied twice: once to turn the seed into a key, once per value,
//   key = mix(seed),   bits(c) = mix(key + c * 0x9E3779B97F4A7C15),
// where mix(z) is one SplitMix64 step (add 0x9E3779B97F4A7C15, then the finalizer), so that
// bits(c) is value c of the SplitMix64 stream seeded with `key`.  After a draw of n values the
// offset moves on by the n counters it used.  Because no element depends on another, any
// thread may compute any element, and the numbers are the same for every thread count and
// every chunking.  They are not the same numbers PyTorch draws (PyTorch's CPU generator is
// an mt19937 whose sequence we do not reproduce).
//   uniform float/double: the top 24/53 bits of the 64-bit value, times 2^-24/2^-53, in [0, 1)
//   normal: Box-Muller on two uniforms drawn from counters 2k and 2k+1 (n normals use 2n
//     counters), z = sqrt(-2 log(1 - u1)) * cos(2 pi u2), computed in double
//   randint(low, high): low + (value mod (high - low)); the bias is below 2^-40 for ranges < 2^24
//   randperm(n): Fisher-Yates, swapping i with (bits(first + i) mod (i + 1)) for i = n-1 .. 1
//   bernoulli(p): 1 where uniform(counter) < p (double uniform, whatever p's dtype)
#pragma once

#include <cstdint>

namespace convis {

void manual_seed(uint64_t seed);

inline constexpr uint64_t kSplitMixGamma = 0x9E3779B97F4A7C15ull;  // 2^64 / golden ratio

// SplitMix64: one step of the stream, then the finalizer (a bijection of 64-bit values).
// Inline so that kernels drawing many numbers (kernels/cpu/spiking.cpp) can vectorise it.
constexpr uint64_t splitmix64(uint64_t z) {
  z += kSplitMixGamma;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : seed_(seed) {}
  void manual_seed(uint64_t seed) {
    seed_ = seed;
    offset_ = 0;
  }
  uint64_t seed() const { return seed_; }
  uint64_t offset() const { return offset_; }
  // Reserves n counters and returns the first; the caller computes bits(first + i).
  uint64_t reserve(uint64_t n) {
    uint64_t first = offset_;
    offset_ += n;
    return first;
  }
  // The 64 random bits for one counter value: splitmix64(key() + counter * kSplitMixGamma).
  uint64_t bits(uint64_t counter) const { return splitmix64(key() + counter * kSplitMixGamma); }
  uint64_t key() const { return splitmix64(seed_); }
  double uniform(uint64_t counter) const;     // [0, 1) with 53 bits
  float uniform_float(uint64_t counter) const;  // [0, 1) with 24 bits

 private:
  uint64_t seed_;
  uint64_t offset_ = 0;
};

// The process-wide generator behind rand/randn/randint/dropout (not thread-safe by design:
// seed it and draw from one thread, as with LibTorch's default generator).
Generator& default_generator();

}  // namespace convis
