// kernels/cpu/fast_math.h (Note [Fast float math]): ulp error against double libm rounded to
// float over a dense sweep, the edge cases LibTorch has, and the kernels giving the same bits
// as the scalar functions on contiguous (vectorised) and strided rows.
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "convis/kernels/cpu/fast_math.h"
#include "helpers.h"

using namespace convis;
using cpu::generic::exp_f32;  // the generic build; the vectorised ones are tested through the ops
using cpu::generic::sigmoid_f32;  // the generic build; the vectorised ones are tested through the ops
using cpu::generic::tanh_f32;  // the generic build; the vectorised ones are tested through the ops

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNan = std::numeric_limits<float>::quiet_NaN();

// Floats mapped to integers in order, so that the difference counts the floats in between.
int64_t ordered(float f) {
  const int32_t i = std::bit_cast<int32_t>(f);
  return i < 0 ? -int64_t(i & 0x7fffffff) : int64_t(i);
}
int64_t ulps(float got, double want) {
  const float w = float(want);
  if (std::isnan(w) || std::isnan(got)) return std::isnan(w) && std::isnan(got) ? 0 : INT64_MAX;
  return std::abs(ordered(got) - ordered(w));
}
bool same_bits(float a, float b) { return std::bit_cast<uint32_t>(a) == std::bit_cast<uint32_t>(b); }

struct Worst {
  int64_t ulp = 0;
  float at = 0;
  void update(int64_t u, float x) {
    if (u > ulp) ulp = u, at = x;
  }
};

// Every float in [-limit, limit] whose bit pattern is a multiple of `stride`, both signs.
template <typename F>
void sweep(float limit, uint32_t stride, F f) {
  const uint32_t top = std::bit_cast<uint32_t>(limit);
  for (uint32_t b = 0; b <= top; b += stride) {
    f(std::bit_cast<float>(b));
    f(std::bit_cast<float>(b | 0x80000000u));
  }
}

std::vector<float> interesting_inputs(int64_t n) {
  std::vector<float> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(-12.0f + 24.0f * float(i) / float(n - 1));
  const float specials[] = {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-40f, 0.55f, -0.55f, 9.5f, 88.8f,
                            -88.8f, -104.0f, -110.0f, 200.0f, kInf, -kInf, kNan};
  for (size_t k = 0; k < std::size(specials) && k < v.size(); ++k) v[k * 7 % v.size()] = specials[k];
  return v;
}

void check_kernel_bits(const Tensor& in, const Tensor& out, float (*scalar)(float)) {
  std::vector<double> x = convis_test::values(in), y = convis_test::values(out);
  REQUIRE(x.size() == y.size());
  for (size_t i = 0; i < x.size(); ++i) {
    INFO("i " << i << " x " << x[i] << " kernel " << y[i] << " scalar " << scalar(float(x[i])));
    CHECK(same_bits(float(y[i]), scalar(float(x[i]))));
  }
}

}  // namespace

TEST_CASE("fast exp, tanh and sigmoid stay within their ulp bounds of double libm", "[kernels]") {
  Worst e, t, s;
  sweep(110.0f, 1999, [&](float x) {
    e.update(ulps(exp_f32(x), std::exp(double(x))), x);
    t.update(ulps(tanh_f32(x), std::tanh(double(x))), x);
    if (x > -88.72f)  // below, exp(-x) overflows and sigmoid is 0, as LibTorch (checked below)
      s.update(ulps(sigmoid_f32(x), 1.0 / (1.0 + std::exp(-double(x)))), x);
  });
  INFO("exp " << e.ulp << " ulp at " << e.at << ", tanh " << t.ulp << " ulp at " << t.at << ", sigmoid " << s.ulp
              << " ulp at " << s.at);
  CHECK(e.ulp <= 1);
  CHECK(t.ulp <= 1);
  CHECK(s.ulp <= 2);
}

TEST_CASE("fast exp: overflow, underflow, denormals, inf and nan", "[kernels]") {
  CHECK(exp_f32(0.0f) == 1.0f);
  CHECK(exp_f32(-0.0f) == 1.0f);
  CHECK(exp_f32(88.72f) == float(std::exp(double(88.72f))));  // just below FLT_MAX
  CHECK(exp_f32(88.73f) == kInf);
  CHECK(exp_f32(1000.0f) == kInf);
  CHECK(exp_f32(kInf) == kInf);
  CHECK(exp_f32(-kInf) == 0.0f);
  CHECK(exp_f32(-1000.0f) == 0.0f);
  CHECK(exp_f32(-104.0f) == 0.0f);
  CHECK(exp_f32(-100.0f) == float(std::exp(-100.0)));               // a denormal, kept
  CHECK(exp_f32(-103.9f) == std::numeric_limits<float>::denorm_min());
  CHECK(std::isnan(exp_f32(kNan)));
}

TEST_CASE("fast tanh: signs, tiny inputs, saturation, inf and nan", "[kernels]") {
  CHECK(same_bits(tanh_f32(0.0f), 0.0f));
  CHECK(same_bits(tanh_f32(-0.0f), -0.0f));
  CHECK(tanh_f32(1e-30f) == 1e-30f);
  CHECK(tanh_f32(-1e-30f) == -1e-30f);
  CHECK(tanh_f32(1e-40f) == 1e-40f);  // a denormal
  CHECK(tanh_f32(1e-4f) == 1e-4f);
  CHECK(tanh_f32(9.1f) == 1.0f);
  CHECK(tanh_f32(-9.1f) == -1.0f);
  CHECK(tanh_f32(50.0f) == 1.0f);
  CHECK(tanh_f32(kInf) == 1.0f);
  CHECK(tanh_f32(-kInf) == -1.0f);
  CHECK(std::isnan(tanh_f32(kNan)));
  sweep(20.0f, 4999, [](float x) {  // odd symmetry, bit for bit
    if (!same_bits(tanh_f32(-x), -tanh_f32(x))) FAIL("tanh(-x) != -tanh(x) at " << x);
  });
}

TEST_CASE("fast sigmoid: 1 / (1 + exp(-x)) at the edges, as LibTorch", "[kernels]") {
  CHECK(sigmoid_f32(0.0f) == 0.5f);
  CHECK(sigmoid_f32(kInf) == 1.0f);
  CHECK(sigmoid_f32(-kInf) == 0.0f);
  CHECK(sigmoid_f32(20.0f) == 1.0f);
  CHECK(sigmoid_f32(-88.0f) == float(1.0 / (1.0 + std::exp(88.0))));  // a denormal
  CHECK(sigmoid_f32(-100.0f) == 0.0f);                                 // torch.sigmoid(-100.) is 0 too
  CHECK(std::isnan(sigmoid_f32(kNan)));
}

TEST_CASE("float32 exp, tanh and sigmoid kernels give the scalar functions' bits", "[kernels]") {
  for (int64_t n : {1, 3, 8, 17, 1000}) {
    INFO("n " << n);
    const Tensor x = tensor(interesting_inputs(n));
    check_kernel_bits(x, x.exp(), &exp_f32);
    check_kernel_bits(x, x.tanh(), &tanh_f32);
    check_kernel_bits(x, x.sigmoid(), &sigmoid_f32);
  }
  const Tensor wide = tensor(interesting_inputs(2000));
  const Tensor strided = wide.slice(0, 1, 2000, 2);  // inner stride 2: the scalar loop
  check_kernel_bits(strided, strided.exp(), &exp_f32);
  check_kernel_bits(strided, strided.tanh(), &tanh_f32);
  check_kernel_bits(strided, strided.sigmoid(), &sigmoid_f32);
  const Tensor grid = tensor(interesting_inputs(1000)).reshape({25, 40}).transpose(0, 1);
  check_kernel_bits(grid, grid.tanh(), &tanh_f32);
}
