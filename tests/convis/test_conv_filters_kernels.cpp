// convis kernel generators (docs/convis-toolbox.md 1.5, section 2 item 14).
#include <cmath>

#include "helpers.h"

#include "convis/nn/convis/filters/kernels.h"

using namespace convis;
using namespace convis::filters;
using convis_test::values;

TEST_CASE("exponential_filter_1d: 47 taps for 10 ms, first 0.0961, sum 1.0004", "[convis][conv_filters]") {
  Tensor k = exponential_filter_1d(0.01);
  CHECK(k.dtype() == kFloat32);
  REQUIRE(k.sizes() == Shape{47});
  auto v = values(k);
  CHECK(v[0] == Approx(0.1 * std::exp(-0.04)).epsilon(1e-6));
  CHECK(v[0] == Approx(0.0961).margin(5e-5));
  CHECK(v[1] == Approx(0.1 * std::exp(-0.14)).epsilon(1e-6));
  CHECK(k.sum().item<double>() == Approx(1.0004).margin(1e-4));
  // decreasing; the 0.4 offset puts the last tap a little below epsilon
  for (size_t i = 1; i < v.size(); ++i) CHECK(v[i] < v[i - 1]);
  CHECK(v.back() == Approx(0.1 * std::exp(-4.64)).epsilon(1e-5));
  // f64 on request, the same numbers
  Tensor k64 = exponential_filter_1d(0.01, {}, default_resolution, kFloat64);
  CHECK(k64.dtype() == kFloat64);
  CHECK(k64.sum().item<double>() == Approx(1.00044).margin(1e-5));
}

TEST_CASE("exponential_filter_1d: min_steps, max_length, normalize, resolution and gamma cascade",
          "[convis][conv_filters]") {
  // a very short tau still gets min_steps taps
  CHECK(exponential_filter_1d(0.0005).size(0) == 10);
  ExponentialOptions o;
  o.max_length = 20;
  CHECK(exponential_filter_1d(0.1, o).size(0) == 20);
  // without normalize the first tap is amplification * exp(-0.4 / tau_s)
  ExponentialOptions raw;
  raw.normalize = false;
  raw.amplification = 2.0;
  CHECK(values(exponential_filter_1d(0.01, raw))[0] == Approx(2.0 * std::exp(-0.04)).epsilon(1e-6));
  // at 2000 steps per second the same tau spans twice the taps
  ResolutionInfo fine;
  fine.steps_per_second = 2000;
  CHECK(exponential_filter_1d(0.01, {}, fine).size(0) == 79);  // floor(-20 ln(0.001 / 0.05)) + 1
  // gamma cascade n = 2: L' = floor(-10 ln 0.001) - 2 = 67, 134 taps, sum about 1
  ExponentialOptions g;
  g.n = 2;
  Tensor c = exponential_filter_1d(0.01, g, default_resolution, kFloat64);
  REQUIRE(c.size(0) == 134);
  double t = 1, tau_s = 10;
  CHECK(values(c)[0] == Approx(std::pow(2 * t, 2) * std::exp(-2 * t / tau_s) / std::pow(tau_s, 3)));
  CHECK(c.sum().item<double>() == Approx(1.0).margin(0.05));
  CHECK_THROWS_WITH(exponential_filter_1d(0.0), Catch::Contains("[exponential_filter_1d] expected a positive time constant"));
  CHECK_THROWS_WITH(exponential_filter_1d(-1.0), Catch::Contains("got -1"));
}

TEST_CASE("exponential_highpass_filter_1d: 73 taps starting with 1.0, sum 0.316", "[convis][conv_filters]") {
  Tensor h = exponential_highpass_filter_1d(0.02, 0.7);
  REQUIRE(h.sizes() == Shape{73});
  auto v = values(h);
  CHECK(v[0] == 1.0);
  CHECK(v[1] == Approx(-0.7 / 20 * std::exp(-0.4 / 20)).epsilon(1e-5));
  CHECK(h.sum().item<double>() == Approx(0.316).margin(5e-4));
  CHECK_THROWS_WITH(exponential_highpass_filter_1d(0.02, 0.0), Catch::Contains("[exponential_highpass_filter_1d]"));
}

TEST_CASE("gauss_filter_2d: sizes 3, 7, 11, 13 for 0.05 .. 0.2 degrees; sum about 1", "[convis][conv_filters]") {
  const std::pair<double, int64_t> cases[] = {{0.05, 3}, {0.1, 7}, {0.15, 11}, {0.2, 13}};
  for (auto [sigma, n] : cases) {
    INFO("sigma " << sigma);
    Tensor g = gauss_filter_2d(sigma, sigma);
    CHECK(g.sizes() == Shape{n, n});
    if (sigma >= 0.1) CHECK(g.sum().item<double>() == Approx(1.0).margin(0.01));
    // symmetric, peak in the centre
    CHECK_ALLCLOSE(g, g.flip({0, 1}));
    CHECK(g.max().item<double>() == Approx(values(g)[size_t(n * n / 2)]));
  }
  // 0.1 deg = 1 px: centre = (1 / sqrt(2 pi))^2, neighbour one px off times exp(-1/2)
  auto v = values(gauss_filter_2d(0.1, 0.1, default_resolution, kFloat64));
  double a = 1.0 / std::sqrt(2 * M_PI);
  CHECK(v[24] == Approx(a * a));
  CHECK(v[25] == Approx(a * a * std::exp(-0.5)));
  // 0.05 deg = 0.5 px: the 1-D peak a = 0.798 stays below the clip at 1
  CHECK(values(gauss_filter_2d(0.05, 0.05))[4] == Approx(std::pow(2 * a, 2)).epsilon(1e-6));
  // anisotropic: dim 0 follows sigma_x
  CHECK(gauss_filter_2d(0.2, 0.1).sizes() == Shape{13, 7});
  CHECK(gauss_filter_2d(0.0, 0.3).sizes() == Shape{1, 1});
  CHECK(values(gauss_filter_2d(0.0, 0.0)) == std::vector<double>{1.0});
  CHECK_THROWS_WITH(gauss_filter_2d(-0.1, 0.1), Catch::Contains("[gauss_filter_2d] expected non-negative"));
}

TEST_CASE("deriche_coefficients: the formulas of SpatialRecursiveFilter, unit DC gain", "[convis][conv_filters]") {
  DericheCoefficients d = deriche_coefficients(1.0);
  double alpha = 1.695, e = std::exp(-alpha);
  double k = (1 - e) * (1 - e) / (1 + 2 * alpha * e - e * e);
  CHECK(d.A1 == Approx(k));
  CHECK(d.A1 == Approx(0.41954).margin(1e-5));
  CHECK(d.A2 == Approx(k * e * (alpha - 1)));
  CHECK(d.A3 == Approx(k * e * (alpha + 1)));
  CHECK(d.A4 == Approx(-k * e * e));
  CHECK(d.B1 == Approx(2 * e));
  CHECK(d.B2 == Approx(-e * e));
  for (double density : {0.2, 1.0, 3.0}) {
    DericheCoefficients c = deriche_coefficients(density);
    CHECK((c.A1 + c.A2 + c.A3 + c.A4) / (1 - c.B1 - c.B2) == Approx(1.0));
  }
  CHECK_THROWS_WITH(deriche_coefficients(0.0), Catch::Contains("[deriche_coefficients] expected a positive density"));
}
