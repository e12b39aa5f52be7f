// nn::init: exact fills, bounds and moments of the random fills, fans and gains, no-grad.
#include <cmath>

#include "helpers.h"

using namespace convis;
namespace init = convis::nn::init;
using convis_test::values;

namespace {
double mean_of(const Tensor& t) { return t.mean().item<double>(); }
double std_of(const Tensor& t) { return t.std().item<double>(); }
}  // namespace

TEST_CASE("fans and gains are LibTorch's", "[nn][init]") {
  auto [fan_in, fan_out] = init::calculate_fan_in_and_fan_out(empty({64, 32, 3, 3, 3}));
  CHECK(fan_in == 32 * 27);
  CHECK(fan_out == 64 * 27);
  auto [li, lo] = init::calculate_fan_in_and_fan_out(empty({4, 3}));
  CHECK((li == 3 && lo == 4));
  CHECK_THROWS_WITH(init::calculate_fan_in_and_fan_out(empty({5})), Catch::Contains("at least 2 dims"));
  using N = init::Nonlinearity;
  CHECK(init::calculate_gain(N::kLinear) == 1);
  CHECK(init::calculate_gain(N::kConv3D) == 1);
  CHECK(init::calculate_gain(N::kSigmoid) == 1);
  CHECK(init::calculate_gain(N::kTanh) == Approx(5.0 / 3));
  CHECK(init::calculate_gain(N::kReLU) == Approx(std::sqrt(2.0)));
  CHECK(init::calculate_gain(N::kLeakyReLU) == Approx(std::sqrt(2.0 / (1 + 1e-4))));
  CHECK(init::calculate_gain(N::kLeakyReLU, std::sqrt(5.0)) == Approx(std::sqrt(1.0 / 3)));
  CHECK(init::calculate_gain(N::kSELU) == 0.75);
}

TEST_CASE("constant fills work in place on parameters without recording", "[nn][init]") {
  Tensor w = empty({2, 3}, dtype(kFloat64).requires_grad(true));
  Tensor r = init::constant_(w, 2.5);
  CHECK(r.is_same(w));
  CHECK(values(w) == std::vector<double>(6, 2.5));
  CHECK(w.is_leaf());
  CHECK_FALSE(w.grad_fn());
  init::zeros_(w);
  CHECK(values(w) == std::vector<double>(6, 0));
  init::ones_(w);
  CHECK(values(w) == std::vector<double>(6, 1));
  CHECK(w.requires_grad());
}

TEST_CASE("uniform fills stay in bounds with the right moments", "[nn][init]") {
  manual_seed(5);
  Tensor w = empty({200, 300});
  init::uniform_(w, -2, 3);
  CHECK(w.min().item<double>() >= -2);
  CHECK(w.max().item<double>() < 3);
  CHECK(mean_of(w) == Approx(0.5).margin(0.02));
  CHECK(std_of(w) == Approx(5 / std::sqrt(12.0)).epsilon(0.01));

  Tensor k = empty({64, 32, 3, 3, 3});
  init::kaiming_uniform_(k, std::sqrt(5.0));  // Conv3d's default: bound 1 / sqrt(fan_in)
  double bound = 1 / std::sqrt(32.0 * 27);
  CHECK(k.abs().max().item<double>() <= bound);
  CHECK(k.abs().max().item<double>() > 0.99 * bound);
  init::kaiming_uniform_(k, 0, init::kFanOut, init::Nonlinearity::kReLU);
  CHECK(k.abs().max().item<double>() <= std::sqrt(2.0) * std::sqrt(3.0 / (64 * 27)));
  CHECK(std_of(k) == Approx(std::sqrt(2.0 / (64 * 27))).epsilon(0.02));

  Tensor x = empty({100, 400});
  init::xavier_uniform_(x, 2.0);
  double xb = 2.0 * std::sqrt(6.0 / 500);
  CHECK(x.abs().max().item<double>() <= xb);
  CHECK(x.abs().max().item<double>() > 0.99 * xb);
}

TEST_CASE("normal fills have the requested moments", "[nn][init]") {
  manual_seed(9);
  Tensor w = empty({300, 300}, kFloat64);
  init::normal_(w, 1.5, 0.5);
  CHECK(mean_of(w) == Approx(1.5).margin(0.005));
  CHECK(std_of(w) == Approx(0.5).epsilon(0.01));
  init::xavier_normal_(w, 3.0);
  CHECK(std_of(w) == Approx(3.0 * std::sqrt(2.0 / 600)).epsilon(0.01));
  init::kaiming_normal_(w, 0, init::kFanIn, init::Nonlinearity::kTanh);
  CHECK(std_of(w) == Approx(5.0 / 3 / std::sqrt(300.0)).epsilon(0.01));
  CHECK(mean_of(w) == Approx(0).margin(0.002));
  // Reproducible from the seed.
  manual_seed(9);
  Tensor a = init::normal_(empty({5}), 0, 1);
  manual_seed(9);
  CHECK(equal(a, init::normal_(empty({5}), 0, 1)));
  CHECK_THROWS_WITH(init::normal_(empty({3}), 0, -1), Catch::Contains("[normal_] expected std >= 0"));
  CHECK_THROWS_WITH(init::uniform_(empty({3}, kInt64)), Catch::Contains("[uniform_] expected a defined floating-point"));
}
