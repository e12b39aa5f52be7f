// kernels/cpu/box_muller.h: standard normals from the counter-based generator, in float32
// arithmetic that vectorises (the spiking kernel's membrane noise, kernels/spiking.h).
//
//   float z[4];
//   cpu::draw_normal_pairs(generator.key(), /*first counter=*/10, /*pairs=*/2, z);
//   // z[0], z[1] from counter 10 (r cos, r sin of one Box-Muller pair), z[2], z[3] from 11
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

#include "convis/core/generator.h"
#include "convis/kernels/cpu/capability.h"
#include "convis/kernels/cpu/fast_math.h"

CONVIS_CPU_BEGIN

// Note [Box-Muller in float]
// A neuron step is a handful of flops; the normal it needs cost 30 ns through libm's double
// log, cos and sin, which do not vectorise.  Here every function is plain float arithmetic
// with no branch, so GCC vectorises the draw loop, and -ffp-contract=off (Note [One source,
// three capabilities]) makes every capability round the same operations the same way.
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
inline float log_unit(float w) {
  using namespace fast_math_detail;
  const uint32_t b = bits(w);
  const int32_t exponent = int32_t(b >> 23) - 127;
  const float m = from_bits((b & 0x7FFFFFu) | 0x3F800000u);  // w's mantissa, in [1, 2)
  const bool above = m > std::numbers::sqrt2_v<float>;
  const float mr = select(above, m * 0.5f, m);
  const float e = float(exponent + int32_t(above));
  const float s = (mr - 1.0f) / (mr + 1.0f), s2 = s * s;
  const float atanh_series = 1.0f + s2 * (1.0f / 3 + s2 * (1.0f / 5 + s2 * (1.0f / 7 + s2 * (1.0f / 9))));
  return e * std::numbers::ln2_v<float> + 2.0f * s * atanh_series;
}

// cos(2 pi u) and sin(2 pi u) for u in [0, 1).
inline void cos_sin_turns(float u, float& c, float& s) {
  using namespace fast_math_detail;
  const float x = u - select(u >= 0.5f, 1.0f, 0.0f);
  const float half_with_sign = from_bits(bits(0.5f) | (bits(x) & 0x80000000u));
  const bool far = from_bits(bits(x) & 0x7FFFFFFFu) > 0.25f;
  const float y = select(far, half_with_sign - x, x);
  const float t = 2.0f * std::numbers::pi_v<float> * y, t2 = t * t;
  s = t * (1 - t2 * (1.0f / 6) * (1 - t2 * (1.0f / 20) * (1 - t2 * (1.0f / 42) * (1 - t2 * (1.0f / 72) * (1 - t2 * (1.0f / 110))))));
  const float cy = 1 - t2 * (1.0f / 2) *
                           (1 - t2 * (1.0f / 12) *
                                    (1 - t2 * (1.0f / 30) *
                                             (1 - t2 * (1.0f / 56) * (1 - t2 * (1.0f / 90) * (1 - t2 * (1.0f / 132))))));
  c = select(far, -cy, cy);
}

// The normals of `pairs` pairs from counters first, first + 1, ...: pair i gives z[2i] and z[2i + 1].
inline void draw_normal_pairs(uint64_t key, uint64_t first, int64_t pairs, float* z) {
  for (int64_t i = 0; i < pairs; ++i) {
    const uint64_t b = splitmix64(key + (first + uint64_t(i)) * kSplitMixGamma);
    const float w = float(int32_t(0x1000000 - int32_t(b >> 40))) * 0x1.0p-24f;  // 1 - u1, in (0, 1]
    const float u2 = float(int32_t((b >> 16) & 0xFFFFFFu)) * 0x1.0p-24f;
    const float r = std::sqrt(-2.0f * log_unit(w));
    float c, s;
    cos_sin_turns(u2, c, s);
    z[2 * i] = r * c;
    z[2 * i + 1] = r * s;
  }
}

CONVIS_CPU_END
