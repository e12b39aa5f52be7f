// kernels/spiking.h and kernels/cpu/box_muller.h: the float Box-Muller normals against double
// libm, and the LIF kernel at every level and thread count against a plain loop over neurons.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "convis/kernels/cpu/box_muller.h"
#include "convis/kernels/spiking.h"
#include "helpers.h"
#include "levels.h"

using namespace convis;
using namespace convis_test;

namespace {

// The pair of normals of one counter, in double with libm (Note [Spiking noise]).
void reference_pair(const Generator& g, uint64_t counter, double& z0, double& z1) {
  const uint64_t b = g.bits(counter);
  const double u1 = double(b >> 40) * 0x1.0p-24, u2 = double((b >> 16) & 0xFFFFFFu) * 0x1.0p-24;
  const double r = std::sqrt(-2.0 * std::log(1.0 - u1)), a = 2.0 * std::numbers::pi * u2;
  z0 = r * std::cos(a);
  z1 = r * std::sin(a);
}

struct LifCase {
  int64_t planes, frames, pixels;
  std::vector<float> input, v, refr;
  std::vector<uint8_t> spikes;
  LifArgs args() {
    LifArgs a;
    a.input = input.data(), a.v = v.data(), a.refr = refr.data();
    a.planes = planes, a.frames = frames, a.pixels = pixels;
    a.dt = 0.001f, a.g_leak = 50.0f, a.noise_scale = float(0.1 * std::sqrt(50.0 / 0.001) * 0.001);
    a.steps_per_second = 1000.0f, a.refr_mu = 0.003f, a.refr_sigma = 0.001f;
    a.key = Generator(99).key(), a.counter = 12345;
    return a;
  }
};

LifCase make_case(int64_t planes, int64_t frames, int64_t pixels) {
  LifCase c{planes, frames, pixels, {}, {}, {}, {}};
  const int64_t n = planes * pixels;
  for (int64_t i = 0; i < n * frames; ++i) c.input.push_back(float(400.0 + 300.0 * std::sin(0.37 * double(i))));
  for (int64_t p = 0; p < n; ++p) c.v.push_back(float(0.5 + 0.2 * std::cos(1.3 * double(p))));
  for (int64_t p = 0; p < n; ++p) c.refr.push_back(p % 5 == 0 ? 2.0f : 0.0f);
  return c;
}

// The kernel's equations, one neuron at a time, with its normals drawn one pair at a time.
void reference_lif(LifCase& c) {
  LifArgs a = c.args();
  const int64_t n = c.planes * c.pixels;
  const uint64_t per_frame = lif_counters_per_frame(n);
  c.spikes.assign(size_t(n * c.frames), 0);
  for (int64_t f = 0; f < c.frames; ++f) {
    for (int64_t p = 0; p < n; ++p) {
      float xi[2], xr[2];
      const uint64_t first = a.counter + uint64_t(f) * per_frame + uint64_t(p / 2);
      cpu::generic::draw_normal_pairs(a.key, first, 1, xi);
      cpu::generic::draw_normal_pairs(a.key, first + per_frame / 2, 1, xr);
      const size_t at = size_t(((p / c.pixels) * c.frames + f) * c.pixels + p % c.pixels);
      float v = c.v[size_t(p)] + (c.input[at] - a.g_leak * c.v[size_t(p)]) * a.dt + a.noise_scale * xi[p % 2];
      float r = std::max(c.refr[size_t(p)] - 1.0f, 0.0f);
      if (r >= 0.5f) v = 0.0f;
      const bool spike = v > 1.0f;
      if (spike) r = a.steps_per_second * a.refr_mu + a.steps_per_second * a.refr_sigma * xr[p % 2];
      c.v[size_t(p)] = spike ? 0.0f : v;
      c.refr[size_t(p)] = r;
      c.spikes[at] = spike;
    }
  }
}

void run_kernel(LifCase& c) {
  std::vector<char> out(size_t(c.planes * c.frames * c.pixels), 2);
  LifArgs a = c.args();
  a.spikes = reinterpret_cast<bool*>(out.data());
  find_kernel<OpKind::lif_forward>(kCPU, kFloat32)(a);
  c.spikes.assign(out.begin(), out.end());
}

}  // namespace

TEST_CASE("Box-Muller in float: within 2e-6 of double libm, mean 0 and variance 1", "[kernels][spiking]") {
  const Generator g(7);
  const int64_t pairs = 200000;
  std::vector<float> z(size_t(2 * pairs));
  cpu::generic::draw_normal_pairs(g.key(), 500, pairs, z.data());
  double worst = 0, sum = 0, sum_sq = 0;
  for (int64_t i = 0; i < pairs; ++i) {
    double z0, z1;
    reference_pair(g, 500 + uint64_t(i), z0, z1);
    worst = std::max({worst, std::abs(z[size_t(2 * i)] - z0), std::abs(z[size_t(2 * i + 1)] - z1)});
    sum += z0 + z1, sum_sq += z0 * z0 + z1 * z1;
  }
  CHECK(worst < 2e-6);
  CHECK(worst > 0);  // float, not double: the check above compares something
  CHECK(std::abs(sum / double(2 * pairs)) < 0.01);
  CHECK(std::abs(sum_sq / double(2 * pairs) - 1.0) < 0.01);
  // the grid's corners: u2 = 0 is (r, 0), and the largest r is sqrt(2 * 24 log 2)
  float c, s;
  lif::cos_sin_turns(0.0f, c, s);
  CHECK((c == 1.0f && s == 0.0f));
  lif::cos_sin_turns(0.25f, c, s);
  CHECK((std::abs(c) < 2e-7f && std::abs(s - 1.0f) < 2e-7f));
  CHECK(lif::log_unit(1.0f) == 0.0f);
  CHECK(std::abs(lif::log_unit(0x1.0p-24f) + 24.0 * std::numbers::ln2) < 2e-6);
}

TEST_CASE("lif_forward: the plain loop's bits at every level and thread count", "[kernels][spiking]") {
  LevelGuard levels;
  ThreadGuard threads;
  // 3 planes of 7 pixels: an odd neuron count, pairs across plane boundaries; 2 x 4001 x 20
  // goes over threads.
  for (auto [planes, frames, pixels] : {std::tuple{3, 5, 7}, std::tuple{2, 20, 4001}}) {
    LifCase want = make_case(planes, frames, pixels);
    reference_lif(want);
    int64_t spikes = 0;
    for (uint8_t s : want.spikes) spikes += s;
    REQUIRE(spikes > 0);
    REQUIRE(spikes < int64_t(want.spikes.size()) / 2);
    for (CpuCapability level : available_levels()) {
      cpu::use_cpu_capability(level);
      for (int t : {1, 2, 3}) {
        set_num_threads(t);
        INFO(planes << "x" << frames << "x" << pixels << " at " << cpu_capability() << " on " << t << " threads");
        LifCase got = make_case(planes, frames, pixels);
        run_kernel(got);
        CHECK(got.spikes == want.spikes);
        CHECK(got.v == want.v);
        CHECK(got.refr == want.refr);
      }
    }
  }
}
