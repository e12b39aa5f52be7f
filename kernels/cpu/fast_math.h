// kernels/cpu/fast_math.h: float32 exp, tanh and sigmoid as branch-free arithmetic, so that
// GCC vectorises the contiguous kernel loops (it does not vectorise calls into libm) and a
// scalar call costs a few nanoseconds.
//
//   float y = cpu::tanh_f32(0.5f);     // 0.462117165f, tanh(0.5) rounded to float
//   float e = cpu::exp_f32(1.0f);      // 2.71828175f (e rounded to float)
//   float s = cpu::sigmoid_f32(-2.0f); // 0.119202919f
//   cpu::unary_loop<float, float>(L, [](float x) { return cpu::tanh_f32(x); });  // packed SSE
//
// Note [Fast float math]
// exp_f32(x).  Clamp x to [-104, 89] (a NaN passes both compares unchanged), then write
// x = n*ln2 + r with n = round(x / ln2) and |r| <= ln2/2 (a little more when x*log2e rounds).
// n comes from the "shifter" trick: t = x*log2e + 1.5*2^23 leaves n in t's low mantissa bits,
// so n as a float is t - 1.5*2^23 and n as an integer is bits(t) - bits(1.5*2^23), with no
// float->int conversion (which would be undefined for NaN).  r = (x - n*ln2_hi) - n*ln2_lo
// (Cody-Waite): ln2_hi has 15 significant bits, so n*ln2_hi is exact for |n| <= 256 and so
// is the first subtraction.  e^r = 1 + r + r^2*Q(r) with Q of degree 4, a minimax fit of
// relative error 0.06 * 2^-24 on |r| <= 0.354 (scripts/fit_fast_math.py derives the
// coefficients; run it to reproduce them).  Scaling by 2^n is done in two steps, by 2^(n>>1)
// and 2^(n-(n>>1)), each built from exponent bits; both are normal floats for every n in
// [-150, 128] that the clamp allows, so one multiplication does the final rounding: results
// above FLT_MAX become +inf (x > 88.7228), results below FLT_MIN become denormals, and results
// below half the smallest denormal become 0 (x < -103.97).  exp(-inf) = 0, exp(nan) = nan.
//
// tanh_f32(x).  With a = |x|: for a < 0.55, tanh(a) = a + a^3*P(a^2), P of degree 4 (minimax,
// relative error 0.02 * 2^-24); above, tanh(a) = 1 - 2/(exp_f32(2a) + 1), where the result is
// >= 0.5 so the cancellation costs at most about one bit.  Both are computed and a select picks
// one (select(): a compare and and/andnot/or masks).  Then x's sign bit is or-ed in, which gives
// tanh(-0) = -0 and odd symmetry exactly.  For tiny a, a^3 underflows and tanh(a) == a; above
// a = 9.01, 2/(e+1) < 2^-25 so the result rounds to exactly 1; exp_f32(2a) = inf gives 1 too,
// and a NaN goes through exp_f32 and stays NaN.
//
// sigmoid_f32(x) = 1 / (1 + exp_f32(-x)), the same formula the float64 kernel uses with
// std::exp: 1 at +inf, 0 at -inf (and for x < -88.72, where exp(-x) overflows), NaN at NaN.
//
// Error bounds against double std::exp / std::tanh / 1/(1+std::exp(-x)) rounded to float,
// measured over every float in [-200, 200] (sigmoid: where exp(-x) is finite in float):
// exp_f32 <= 1 ulp, tanh_f32 <= 1 ulp, sigmoid_f32 <= 2 ulp (the 2 comes from rounding 1 + e
// near x = 0, as in the float64 formula).  tests/kernels/test_fast_math.cpp asserts these on a
// sweep with a stride of 1999 bit patterns.  They assume round-to-nearest and no -ffast-math;
// with FMA contraction (a -march with FMA) the scalar and vectorised loops may differ in bits.
#pragma once

#include <bit>
#include <cstdint>
#include "convis/kernels/cpu/capability.h"

CONVIS_CPU_BEGIN

namespace fast_math_detail {

inline uint32_t bits(float f) { return std::bit_cast<uint32_t>(f); }
inline float from_bits(uint32_t u) { return std::bit_cast<float>(u); }

// c ? a : b as bit masks.  GCC (with its default -ftrapping-math) keeps a plain `?:` on a
// float compare as a branch, which stops the loop vectorising; this form becomes a packed
// compare and and/andnot/or.  Both a and b are always computed.
inline float select(bool c, float a, float b) {
  const uint32_t m = 0u - uint32_t(c);
  return from_bits((bits(a) & m) | (bits(b) & ~m));
}

// 2^k for k in [-126, 127], built from the exponent field.
inline float pow2i(int32_t k) { return from_bits(uint32_t(k + 127) << 23); }

}  // namespace fast_math_detail

// always_inline: inside a vectorised loop the call would stop the vectoriser (GCC kept it out of
// line in the exp kernel, 3.5x slower).
[[gnu::always_inline]] inline float exp_f32(float x) {
  using namespace fast_math_detail;
  constexpr float kLog2e = 1.44269504f;
  constexpr float kShift = 12582912.0f;             // 1.5 * 2^23
  constexpr float kLn2Hi = 0.693145752f;            // 0x3f317200: 15 significant bits
  constexpr float kLn2Lo = 1.42860677e-06f;         // ln2 - kLn2Hi
  constexpr float e0 = 0.49999994f, e1 = 0.166665092f, e2 = 0.0416685268f, e3 = 0.00837013498f,
                  e4 = 0.00138116628f;              // scripts/fit_fast_math.py
  x = select(x < -104.0f, -104.0f, x);             // NaN compares false: stays NaN
  x = select(x > 89.0f, 89.0f, x);
  const float t = x * kLog2e + kShift;
  const float n = t - kShift;
  const int32_t ni = int32_t(bits(t) - bits(kShift));
  const float r = (x - n * kLn2Hi) - n * kLn2Lo;
  const float q = e0 + r * (e1 + r * (e2 + r * (e3 + r * e4)));
  const float p = 1.0f + (r + (r * r) * q);
  const int32_t n1 = ni >> 1;                       // floor(n / 2); n - n1 = ceil(n / 2)
  return (p * pow2i(n1)) * pow2i(ni - n1);
}

[[gnu::always_inline]] inline float tanh_f32(float x) {
  using namespace fast_math_detail;
  constexpr float kSmall = 0.55f;
  constexpr float t0 = -0.333333164f, t1 = 0.13332586f, t2 = -0.0538523085f, t3 = 0.021071665f,
                  t4 = -0.00627421821f;             // scripts/fit_fast_math.py
  const uint32_t sign = bits(x) & 0x80000000u;
  const float a = from_bits(bits(x) & 0x7fffffffu);
  const float s = a * a;
  const float small = a + (a * s) * (t0 + s * (t1 + s * (t2 + s * (t3 + s * t4))));
  const float big = 1.0f - 2.0f / (exp_f32(2.0f * a) + 1.0f);
  const float y = select(a < kSmall, small, big);   // NaN takes `big`, which stays NaN
  return from_bits(bits(y) | sign);
}

[[gnu::always_inline]] inline float sigmoid_f32(float x) { return 1.0f / (1.0f + exp_f32(-x)); }

CONVIS_CPU_END
