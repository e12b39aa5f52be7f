// Sample stimuli: exact pixels from the formulas, ranges, shapes, seeds, bad sizes.
#include <cmath>
#include <numbers>

#include "convis/nn/convis/samples.h"
#include "helpers.h"

using namespace convis;
using convis_test::values;

namespace {

float at(const Tensor& t, int64_t k, int64_t i, int64_t j) {
  return t.contiguous().data_ptr<float>()[(k * t.size(1) + i) * t.size(2) + j];
}
float at2(const Tensor& t, int64_t i, int64_t j) { return t.contiguous().data_ptr<float>()[i * t.size(1) + j]; }
double total(const Tensor& t) { return t.sum().item<double>(); }
bool binary(const Tensor& t) {
  for (double e : values(t))
    if (e != 0.0 && e != 1.0) return false;
  return true;
}

}  // namespace

TEST_CASE("samples: shapes and dtype of every stimulus", "[convis][samples]") {
  for (const Tensor& s : {samples::moving_grating(), samples::moving_bar(), samples::random_checker_stimulus(),
                          samples::sparse_input(), samples::pulse(), samples::chirp()}) {
    CHECK(s.sizes() == Shape{2000, 20, 20});
    CHECK(s.dtype() == kFloat32);
  }
  CHECK(samples::moving_bar(7, 3, 5).sizes() == Shape{7, 3, 5});
  CHECK(samples::mask_square(4, 6, 2).sizes() == Shape{4, 6});
  CHECK(samples::gabor_kernel().sizes() == Shape{16, 16});
}

TEST_CASE("samples: bad sizes are Errors", "[convis][samples]") {
  CHECK_THROWS_WITH(samples::moving_grating(0, 20, 20), Catch::Contains("[samples::moving_grating] expected sizes"));
  CHECK_THROWS_AS(samples::moving_bar(10, -1, 20), Error);
  CHECK_THROWS_AS(samples::random_checker_stimulus(10, 20, 0), Error);
  CHECK_THROWS_AS(samples::random_checker_stimulus(10, 20, 20, 0), Error);
  CHECK_THROWS_AS(samples::sparse_input(10, 20, 20, 1.5), Error);
  CHECK_THROWS_AS(samples::sparse_input(std::vector<double>{}, 4, 4), Error);
  CHECK_THROWS_AS(samples::pulse(10, 2, 2, 0), Error);
  CHECK_THROWS_AS(samples::chirp(0, 2, 2), Error);
  CHECK_THROWS_AS(samples::mask_square(0, 3, 1), Error);
  CHECK_THROWS_AS(samples::mask_circle(3, 3, -1), Error);
  CHECK_THROWS_AS(samples::gabor_kernel(2.0, 0), Error);
  CHECK_THROWS_AS(samples::moving_bar(10, 4, 4, -1, 0, 1, 0.01, false, -1.0), Error);
}

TEST_CASE("samples: moving_grating is sin(vt T + vx X + vy Y) on linspace grids", "[convis][samples]") {
  // t = 201: T = linspace(0, 201, 201) = k * 201 / 200; x = 5: X = -1, -0.5, 0, 0.5, 1; y = 3: Y = -1, 0, 1.
  Tensor g = samples::moving_grating(201, 5, 3);
  CHECK(at(g, 0, 0, 0) == Approx(std::sin(-5.0)).margin(1e-6));
  CHECK(at(g, 100, 2, 1) == Approx(std::sin(100.5 / 200.0)).margin(1e-6));
  CHECK(at(g, 200, 4, 2) == Approx(std::sin(201.0 / 200.0 + 3.0 + 2.0)).margin(1e-6));
  CHECK(at(g, 40, 1, 2) == Approx(std::sin(40.2 / 200.0 - 1.5 + 2.0)).margin(1e-6));
  Tensor h = samples::moving_grating(10, 4, 4, 0.5, 0.0, 0.0);  // full field: sin(0.5 T)
  CHECK(at(h, 9, 3, 1) == Approx(std::sin(0.5 * 10.0)).margin(1e-6));
  Tensor d = samples::moving_grating();
  CHECK(d.min().item<double>() >= -1.0);
  CHECK(d.max().item<double>() <= 1.0);
}

TEST_CASE("samples: moving_bar, sharp, sweeps one column at a time", "[convis][samples]") {
  // Direction 0: the bar is a column (fixed j) where |-Y_j + 1 + 2.025 ((T v) mod 2 - 1) + 0.005| <= 0.05.
  Tensor b = samples::moving_bar(200, 20, 20, -1.0, 0.0, 1.0, 0.01, true);
  CHECK(binary(b));
  // Frame 0: |-Y + 1 - 2.025 + 0.005| = |Y + 1.02| -> only j = 0 (Y = -1) is within 0.05.
  for (int64_t i = 0; i < 20; ++i) {
    CHECK(at(b, 0, i, 0) == 1.0f);
    CHECK(at(b, 0, i, 1) == 0.0f);
  }
  CHECK(total(b.narrow(0, 0, 1)) == 20.0);
  // The lit column never moves backwards within one sweep (T v < 2 up to frame 198; the last
  // frame, T = 200, starts the next sweep on column 0 again).
  int64_t last = 0;
  for (int64_t k = 0; k < 199; ++k) {
    for (int64_t j = 0; j < 20; ++j) {
      if (at(b, k, 0, j) == 1.0f) {
        CHECK(j >= last);
        last = j;
      }
    }
  }
  CHECK(last == 19);
  CHECK(at(b, 199, 0, 0) == 1.0f);
  // Turned by -pi/2 the bar is a row: the same video transposed.
  Tensor r = samples::moving_bar(200, 20, 20, -1.0, -std::numbers::pi / 2, 1.0, 0.01, true);
  CHECK_ALLCLOSE(r, b.transpose(1, 2).contiguous());
}

TEST_CASE("samples: moving_bar smoothed is a Gaussian (sigma 1 frame) over time", "[convis][samples]") {
  // A fast bar (v = 0.2) lights each column for one frame per 10-frame sweep: away from the ends
  // a lit pixel becomes the Gaussian's centre weight 1 / sum_{d=-4..4} exp(-d^2 / 2).
  Tensor sharp = samples::moving_bar(60, 20, 20, -1.0, 0.0, 1.0, 0.2, true);
  Tensor smooth = samples::moving_bar(60, 20, 20, -1.0, 0.0, 1.0, 0.2, false, 1.0);
  double z = 0.0;
  for (int d = -4; d <= 4; ++d) z += std::exp(-0.5 * d * d);
  // Reference: the sharp video filtered in time with reflected ends (d c b a | a b c d).
  for (int64_t k = 0; k < 60; ++k) {
    for (int64_t j = 0; j < 20; j += 3) {
      double expected = 0.0;
      for (int d = -4; d <= 4; ++d) {
        int64_t s = k + d;
        if (s < 0) s = -s - 1;
        if (s >= 60) s = 2 * 60 - 1 - s;
        expected += std::exp(-0.5 * d * d) / z * at(sharp, s, 5, j);
      }
      CHECK(at(smooth, k, 5, j) == Approx(expected).margin(1e-6));
    }
  }
  bool found_isolated = false;
  for (int64_t k = 4; k < 56 && !found_isolated; ++k) {
    for (int64_t j = 0; j < 20; ++j) {
      if (at(sharp, k, 0, j) == 1.0f) {
        double around = 0.0;
        for (int d = -4; d <= 4; ++d) around += at(sharp, k + d, 0, j);
        if (around == 1.0) {
          CHECK(at(smooth, k, 0, j) == Approx(1.0 / z).margin(1e-6));  // 0.39894
          found_isolated = true;
          break;
        }
      }
    }
  }
  CHECK(found_isolated);
  CHECK(1.0 / z == Approx(0.398942).margin(1e-6));
  // temporal_smoothing = 0 leaves the binary bar.
  CHECK_ALLCLOSE(samples::moving_bar(60, 20, 20, -1.0, 0.0, 1.0, 0.2, false, 0.0), sharp);
}

TEST_CASE("samples: random_checker_stimulus draws one uniform per checker, seeded", "[convis][samples]") {
  Tensor a = samples::random_checker_stimulus(30, 12, 7, 5, 42);
  Tensor b = samples::random_checker_stimulus(30, 12, 7, 5, 42);
  Tensor c = samples::random_checker_stimulus(30, 12, 7, 5, 43);
  CHECK(a.sizes() == Shape{30, 12, 7});
  CHECK(a.equal(b));
  CHECK_FALSE(a.equal(c));
  CHECK(a.min().item<double>() >= 0.0);
  CHECK(a.max().item<double>() < 1.0);
  // The checkers are the values of rand({30, 12 / 5 + 1, 7 / 5 + 1}) from a generator seeded alike,
  // each repeated over 5 x 5 pixels and cropped.
  manual_seed(42);
  Tensor u = rand({30, 3, 2});
  for (int64_t k = 0; k < 30; k += 7)
    for (int64_t i = 0; i < 12; ++i)
      for (int64_t j = 0; j < 7; ++j) CHECK(at(a, k, i, j) == at(u, k, i / 5, j / 5));
  // Without a seed: the default generator, so manual_seed reproduces it.
  manual_seed(42);
  Tensor d = samples::random_checker_stimulus(30, 12, 7, 5);
  CHECK(d.equal(a));
  // A seeded draw leaves the default generator alone.
  manual_seed(5);
  Tensor first = rand({4});
  manual_seed(5);
  (void)samples::random_checker_stimulus(3, 4, 4, 2, 99);
  CHECK(rand({4}).equal(first));
}

TEST_CASE("samples: sparse_input is Bernoulli(p), per frame if asked", "[convis][samples]") {
  Tensor s = samples::sparse_input(50, 20, 20, 0.1, 3);
  CHECK(binary(s));
  CHECK(s.mean().item<double>() == Approx(0.1).margin(0.01));  // 20000 draws: sd 0.002
  CHECK(s.equal(samples::sparse_input(50, 20, 20, 0.1, 3)));
  CHECK_FALSE(s.equal(samples::sparse_input(50, 20, 20, 0.1, 4)));
  manual_seed(11);
  Tensor expected = bernoulli(full({6, 5, 4}, 0.3));
  manual_seed(11);
  CHECK(samples::sparse_input(6, 5, 4, 0.3).equal(expected));
  Tensor per_frame = samples::sparse_input(std::vector<double>{0.0, 1.0, 0.5}, 8, 8, 1);
  CHECK(per_frame.sizes() == Shape{3, 8, 8});
  CHECK(total(per_frame.narrow(0, 0, 1)) == 0.0);
  CHECK(total(per_frame.narrow(0, 1, 1)) == 64.0);
  CHECK(samples::sparse_input(10, 4, 4, 0.0).sum().item<double>() == 0.0);
}

TEST_CASE("samples: pulse is a full-field square wave", "[convis][samples]") {
  Tensor p = samples::pulse(10, 2, 3, 3);
  const float expected[10] = {1, 1, 1, 0, 0, 0, 1, 1, 1, 0};
  for (int64_t k = 0; k < 10; ++k) {
    CHECK(at(p, k, 0, 0) == expected[k]);
    CHECK(at(p, k, 1, 2) == expected[k]);
  }
  Tensor d = samples::pulse();
  CHECK(at(d, 99, 0, 0) == 1.0f);
  CHECK(at(d, 100, 0, 0) == 0.0f);
  CHECK(total(d) == 1000.0 * 400.0);
}

TEST_CASE("samples: chirp on the 4500-frame template", "[convis][samples]") {
  Tensor c = samples::chirp(4500, 2, 2);
  auto f = [&](int64_t k) { return static_cast<double>(at(c, k, 1, 1)); };
  CHECK(f(0) == 0.0);
  CHECK(f(499) == 0.0);
  CHECK(f(500) == 1.0);
  CHECK(f(999) == 1.0);
  CHECK(f(1000) == 0.0);
  CHECK(f(1499) == 0.0);
  // Amplitude ramp: linspace(0, 1, 1000)[i] * sin(2 pi 5 i / 1000).
  CHECK(f(1500) == 0.0);
  CHECK(f(1550) == Approx(50.0 / 999.0).margin(1e-6));               // sin(pi / 2) = 1
  CHECK(f(2450) == Approx(-950.0 / 999.0).margin(1e-6));             // sin(2 pi 4.75) = -1
  CHECK(f(2499) == Approx(std::sin(2 * std::numbers::pi * 5 * 0.999)).margin(1e-6));
  CHECK(f(2500) == 0.0);
  // Sweep: phase 2 pi / 1000 (0.1 i + 0.5 (9.9 / 999) i^2), i.e. 0.1 Hz rising to 10 Hz.
  auto phase = [](double i) { return 2 * std::numbers::pi / 1000.0 * (0.1 * i + 0.5 * 9.9 / 999.0 * i * i); };
  CHECK(f(3000) == 0.0);
  CHECK(f(3500) == Approx(std::sin(phase(500))).margin(1e-5));
  CHECK(f(3999) == Approx(std::sin(phase(999))).margin(1e-5));
  CHECK((phase(999) - phase(998)) / (2 * std::numbers::pi) * 1000.0 == Approx(10.0).margin(0.01));  // Hz at the end
  CHECK(f(4000) == 0.0);
  CHECK(f(4499) == 0.0);
  CHECK(c.min().item<double>() >= -1.0);
  CHECK(c.max().item<double>() <= 1.0);
}

TEST_CASE("samples: chirp rescales its timetable to t", "[convis][samples]") {
  // t = 2000: every boundary times 2000/4500, truncated: step 222..443, ramp 666..1110,
  // sweep 1333..1776, nothing from 1777 on.
  Tensor c = samples::chirp(2000, 1, 1);
  auto f = [&](int64_t k) { return static_cast<double>(at(c, k, 0, 0)); };
  CHECK(f(221) == 0.0);
  CHECK(f(222) == 1.0);
  CHECK(f(443) == 1.0);
  CHECK(f(444) == 0.0);
  CHECK(f(666 + 50) == Approx(50.0 / 444.0).margin(1e-6));  // linspace(0, 1, 445)[50] * sin(pi / 2)
  CHECK(f(1333) == 0.0);
  CHECK(f(1334) != 0.0);
  CHECK(values(c.narrow(0, 1777, 223)) == std::vector<double>(223, 0.0));
  samples::ChirpOptions unscaled;
  unscaled.scale = false;
  Tensor u = samples::chirp(1600, 1, 1, unscaled);  // the template's first 1600 frames
  CHECK(at(u, 500, 0, 0) == 1.0f);
  CHECK(at(u, 1000, 0, 0) == 0.0f);
  CHECK(at(u, 1550, 0, 0) == Approx(50.0 / 999.0).margin(1e-6));  // the ramp as in the full template
}

TEST_CASE("samples: masks", "[convis][samples]") {
  Tensor sq = samples::mask_square(5, 5, 3);  // centre 2: |i - 2| < 1.5
  CHECK(total(sq) == 9.0);
  CHECK(at2(sq, 1, 1) == 1.0f);
  CHECK(at2(sq, 3, 3) == 1.0f);
  CHECK(at2(sq, 0, 2) == 0.0f);
  Tensor even = samples::mask_square(4, 6, 2);  // centres 1.5 and 2.5
  CHECK(total(even) == 4.0);
  CHECK(at2(even, 1, 2) == 1.0f);
  CHECK(at2(even, 2, 3) == 1.0f);
  CHECK(total(samples::mask_square(20, 20, 100)) == 400.0);
  Tensor circle = samples::mask_circle(5, 5, 1.0);  // the centre and its 4 neighbours
  CHECK(total(circle) == 5.0);
  CHECK(at2(circle, 2, 3) == 1.0f);
  CHECK(at2(circle, 1, 1) == 0.0f);
  Tensor soft = samples::mask_circle(5, 5, 1.0, 2.0);  // clamp((1 - r) / 2 + 0.5, 0, 1)
  CHECK(at2(soft, 2, 2) == 1.0f);
  CHECK(at2(soft, 2, 3) == Approx(0.5));
  CHECK(at2(soft, 1, 1) == Approx((1.0 - std::sqrt(2.0)) / 2.0 + 0.5));
  CHECK(at2(soft, 0, 0) == 0.0f);
}

TEST_CASE("samples: gabor_kernel", "[convis][samples]") {
  Tensor g = samples::gabor_kernel();  // phi 2, 16 px on linspace(-4, 4, 16), f 10
  auto gabor = [](double u, double w) {
    return std::exp(-std::pow(u / 2, 2) - std::pow(w / 2, 2)) *
           std::sin((std::sin(2.0) * u + std::cos(2.0) * w) * 10.0 / (2 * std::numbers::pi));
  };
  auto v = [](int64_t n) { return -4.0 + 8.0 * static_cast<double>(n) / 15.0; };
  CHECK(at2(g, 0, 15) == Approx(gabor(v(15), v(0))).margin(1e-7));
  CHECK(at2(g, 7, 9) == Approx(gabor(v(9), v(7))).margin(1e-6));
  CHECK(at2(g, 3, 12) == Approx(gabor(v(12), v(3))).margin(1e-6));
  // Phase 0: an odd function of the position.
  for (int64_t r = 0; r < 16; ++r)
    for (int64_t c = 0; c < 16; ++c) CHECK(at2(g, r, c) == Approx(-at2(g, 15 - r, 15 - c)).margin(1e-6));
  // Phase pi / 2: even, cos instead of sin; the centre of an odd size is the envelope's peak, 1.
  Tensor e = samples::gabor_kernel(0.0, 5, 1.0, 10.0, std::numbers::pi / 2);
  CHECK(at2(e, 2, 2) == Approx(1.0));
  CHECK(g.abs().max().item<double>() <= 1.0);
}
