// kernels/lif_step.h: the arithmetic of one leaky integrate-and-fire step and of its Box-Muller
// normals (kernels/spiking.h), written once for the CPU kernel (kernels/cpu/spiking.cpp) and the
// CUDA one (kernels/cuda/recurrent.cuh).  C++17 and __host__ __device__: nvcc includes it.
//
//   float z0, z1;
//   lif::normal_pair(generator.key(), /*counter=*/10, z0, z1);   // r cos, r sin of one pair
//   lif::Neuron n{v, refr};
//   bool spike = lif::step(constants, current, z0, 0.0f, n);      // n.v, n.refr updated
//
// Every function is always inlined: the CPU compiles this header once per capability (Note
// [One source, three capabilities]), and an out-of-line copy built for AVX-512 must never be
// what the baseline path calls.  Each operation is a plain float operation in the order
// written; the callers compile it without contraction into FMAs (-ffp-contract=off on the CPU,
// --fmad=false for nvcc: Note [Exact CUDA units] in kernels/cuda/recurrent.cuh), so the CPU's
// capabilities, the emulated device and a GPU give the same bits.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "convis/core/generator.h"
#include "convis/kernels/elementwise_functors.h"  // CONVIS_HOST_DEVICE, CONVIS_ALWAYS_INLINE

namespace convis::lif {

CONVIS_HOST_DEVICE CONVIS_ALWAYS_INLINE std::uint32_t bits(float f) {
#ifdef __CUDA_ARCH__
  return __float_as_uint(f);
#else
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
#endif
}

CONVIS_HOST_DEVICE CONVIS_ALWAYS_INLINE float from_bits(std::uint32_t u) {
#ifdef __CUDA_ARCH__
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
#endif
}

// c ? a : b as bit masks.  GCC (with its default -ftrapping-math) keeps a plain `?:` on a
// float compare as a branch, which stops the CPU loops vectorising; this form becomes a packed
// compare and and/andnot/or.  Both a and b are always computed.
CONVIS_HOST_DEVICE CONVIS_ALWAYS_INLINE float select(bool c, float a, float b) {
  const std::uint32_t m = 0u - std::uint32_t(c);
  return from_bits((bits(a) & m) | (bits(b) & ~m));
}

constexpr float kSqrt2 = 1.41421356237309504880f;
constexpr float kLn2 = 0.693147180559945309417f;
constexpr float kPi = 3.14159265358979323846f;

// Note [Box-Muller in float]
// A neuron step is a handful of flops; the normal it needs cost 30 ns through libm's double
// log, cos and sin, which do not vectorise.  Here every function is plain float arithmetic
// with no branch, so GCC vectorises the draw loop, and without contraction every capability
// (and the device) rounds the same operations the same way.
//   log(w), w = 1 - u1 in [2^-24, 1] (exact in float): w = 2^e m with m in [sqrt(1/2), sqrt(2)),
//     log w = e log 2 + 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.1716, and the atanh series
//     s (1 + s^2/3 + s^4/5 + s^6/7 + s^8/9) leaves out less than 2 s^11/11 < 1e-9.
//   cos and sin of 2 pi u2: x = u2 (minus 1 above 1/2) in [-1/2, 1/2) is exact; for |x| > 1/4
//     the angle is reflected to y = sign(x)/2 - x (exact), where sin keeps its value and cos
//     changes sign; then t = 2 pi y in [-pi/2, pi/2] and the Taylor series of sin to t^11 and
//     of cos to t^12 (nested as in Horner's rule) leave out less than 6e-8.
// tests/kernels/test_spiking.cpp checks the normals against double libm (|error| < 2e-6 over
// the whole grid of r's, since r sqrt-amplifies the log's error near w = 1) and their moments.

// log(w) for w in [2^-24, 1].
CONVIS_HOST_DEVICE CONVIS_ALWAYS_INLINE float log_unit(float w) {
  const std::uint32_t b = bits(w);
  const std::int32_t exponent = std::int32_t(b >> 23) - 127;
  const float m = from_bits((b & 0x7FFFFFu) | 0x3F800000u);  // w's mantissa, in [1, 2)
  const bool above = m > kSqrt2;
  const float mr = select(above, m * 0.5f, m);
  const float e = float(exponent + std::int32_t(above));
  const float s = (mr - 1.0f) / (mr + 1.0f), s2 = s * s;
  const float atanh_series = 1.0f + s2 * (1.0f / 3 + s2 * (1.0f / 5 + s2 * (1.0f / 7 + s2 * (1.0f / 9))));
  return e * kLn2 + 2.0f * s * atanh_series;
}

// cos(2 pi u) and sin(2 pi u) for u in [0, 1).
CONVIS_HOST_DEVICE CONVIS_ALWAYS_INLINE void cos_sin_turns(float u, float& c, float& s) {
  const float x = u - select(u >= 0.5f, 1.0f, 0.0f);
  const float half_with_sign = from_bits(bits(0.5f) | (bits(x) & 0x80000000u));
  const bool far = from_bits(bits(x) & 0x7FFFFFFFu) > 0.25f;
  const float y = select(far, half_with_sign - x, x);
  const float t = 2.0f * kPi * y, t2 = t * t;
  s = t * (1 - t2 * (1.0f / 6) * (1 - t2 * (1.0f / 20) * (1 - t2 * (1.0f / 42) * (1 - t2 * (1.0f / 72) * (1 - t2 * (1.0f / 110))))));
  const float cy = 1 - t2 * (1.0f / 2) *
                           (1 - t2 * (1.0f / 12) *
                                    (1 - t2 * (1.0f / 30) *
                                             (1 - t2 * (1.0f / 56) * (1 - t2 * (1.0f / 90) * (1 - t2 * (1.0f / 132))))));
  c = select(far, -cy, cy);
}

// The two normals of one counter: z0 = r cos(2 pi u2), z1 = r sin(2 pi u2), r = sqrt(-2 log(1 - u1)),
// u1 from the top 24 bits of the counter's 64 random bits and u2 from the next 24.
CONVIS_HOST_DEVICE CONVIS_ALWAYS_INLINE void normal_pair(std::uint64_t key, std::uint64_t counter, float& z0, float& z1) {
  const std::uint64_t b = splitmix64(key + counter * kSplitMixGamma);
  const float w = float(std::int32_t(0x1000000 - std::int32_t(b >> 40))) * 0x1.0p-24f;  // 1 - u1, in (0, 1]
  const float u2 = float(std::int32_t((b >> 16) & 0xFFFFFFu)) * 0x1.0p-24f;
  const float r = std::sqrt(-2.0f * log_unit(w));
  float c, s;
  cos_sin_turns(u2, c, s);
  z0 = r * c;
  z1 = r * s;
}

// The constants of a step, from LifArgs (kernels/spiking.h).
struct StepConstants {
  float dt, g_leak, noise_scale, refractory_steps_mu, refractory_steps_sigma;
};

// One frame of one neuron (kernels/spiking.h gives the equations); xi and xr are its two normals.
// Returns whether it spiked; v and refr are updated.
CONVIS_HOST_DEVICE CONVIS_ALWAYS_INLINE bool step(const StepConstants& c, float input, float xi, float xr, float& v,
                                                  float& refr) {
  float vp = v + (input - c.g_leak * v) * c.dt + c.noise_scale * xi;
  float r = refr - 1.0f;
  r = select(r > 0.0f, r, 0.0f);
  vp = select(r >= 0.5f, 0.0f, vp);
  const bool spike = vp > 1.0f;
  v = select(spike, 0.0f, vp);
  refr = select(spike, c.refractory_steps_mu + c.refractory_steps_sigma * xr, r);
  return spike;
}

}  // namespace convis::lif
