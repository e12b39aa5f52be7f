// nn::functional against PyTorch 1.13 (tests/golden/make_functional.py): every activation and
// loss (each reduction) in value and input gradient, gradcheck rows in float64, and errors.
#include "helpers.h"

#include "convis/autograd/gradcheck.h"

using namespace convis;
namespace F = convis::nn::functional;
using convis_test::golden;
using convis_test::values;
using nn::Reduction;

namespace {

Tensor load(const std::string& name) { return golden("functional/" + name + ".npy"); }

// f(input) and d/dinput sum(f(input) * g) against the golden pair `name`, `name`_grad (g: its
// first numel(f(input)) values, shaped as the output).
void check_value_and_grad(const std::string& name, const Tensor& input, const Tensor& g,
                          const std::function<Tensor(const Tensor&)>& f) {
  INFO(name);
  Tensor x = input.clone().requires_grad_(true);
  Tensor y = f(x);
  CHECK_ALLCLOSE_TOL(y, load(name), 1e-10, 1e-12);
  (y * g.reshape({-1}).narrow(0, 0, y.numel()).reshape(y.sizes())).sum().backward();
  CHECK_ALLCLOSE_TOL(x.grad(), load(name + "_grad"), 1e-10, 1e-12);
}

}  // namespace

TEST_CASE("activations equal PyTorch's in value and gradient", "[nn][functional]") {
  Tensor x = load("x"), gy = load("gy");
  std::vector<std::pair<std::string, std::function<Tensor(const Tensor&)>>> acts{
      {"relu", [](const Tensor& t) { return F::relu(t); }},
      {"leaky_relu", [](const Tensor& t) { return F::leaky_relu(t, 0.2); }},
      {"elu", [](const Tensor& t) { return F::elu(t, 1.5); }},
      {"gelu", [](const Tensor& t) { return F::gelu(t); }},
      {"gelu_tanh", [](const Tensor& t) { return F::gelu(t, "tanh"); }},
      {"softplus", [](const Tensor& t) { return F::softplus(t); }},
      {"softplus_beta", [](const Tensor& t) { return F::softplus(t, 2, 5); }},
      {"sigmoid", [](const Tensor& t) { return F::sigmoid(t); }},
      {"tanh", [](const Tensor& t) { return F::tanh(t); }},
      {"softmax", [](const Tensor& t) { return F::softmax(t, 1); }},
      {"log_softmax", [](const Tensor& t) { return F::log_softmax(t, 0); }},
  };
  for (auto& [name, f] : acts) check_value_and_grad("act_" + name, x, gy, f);
}

TEST_CASE("losses equal PyTorch's for every reduction, in value and gradient", "[nn][functional]") {
  Tensor x = load("x"), prob = load("prob"), reg = load("target_reg"), bin = load("target_bin");
  Tensor classes = load("classes"), ignored = load("classes_ignored"), weight = load("weight");
  Tensor pos_weight = load("pos_weight"), logits3 = load("logits3"), classes3 = load("classes3");
  Tensor counts = load("counts"), rates = load("rates"), probs_target = load("probs_target"), gl = load("gl");
  using Fn = std::function<Tensor(const Tensor&, Reduction)>;
  std::vector<std::tuple<std::string, Tensor, Fn>> losses{
      {"mse", x, [&](const Tensor& i, Reduction r) { return F::mse_loss(i, reg, F::MSELossFuncOptions().reduction(r)); }},
      {"l1", x, [&](const Tensor& i, Reduction r) { return F::l1_loss(i, reg, r); }},
      {"smooth_l1", x, [&](const Tensor& i, Reduction r) { return F::smooth_l1_loss(i, reg, r); }},
      {"smooth_l1_beta", x, [&](const Tensor& i, Reduction r) { return F::smooth_l1_loss(i, reg, r, 0.5); }},
      {"nll", x, [&](const Tensor& i, Reduction r) { return F::nll_loss(i, classes, r); }},
      {"nll_weight_ignore", x,
       [&](const Tensor& i, Reduction r) {
         return F::nll_loss(i, ignored, F::NLLLossFuncOptions().weight(weight).reduction(r));
       }},
      {"cross_entropy", x, [&](const Tensor& i, Reduction r) { return F::cross_entropy(i, classes, r); }},
      {"cross_entropy_weight", x,
       [&](const Tensor& i, Reduction r) {
         return F::cross_entropy(i, ignored, F::CrossEntropyFuncOptions().weight(weight).reduction(r));
       }},
      {"cross_entropy_smooth", x,
       [&](const Tensor& i, Reduction r) {
         return F::cross_entropy(i, ignored, F::CrossEntropyFuncOptions().label_smoothing(0.2).reduction(r));
       }},
      {"cross_entropy_smooth_weight", x,
       [&](const Tensor& i, Reduction r) {
         return F::cross_entropy(i, ignored,
                                 F::CrossEntropyFuncOptions().weight(weight).label_smoothing(0.1).reduction(r));
       }},
      {"cross_entropy_3d", logits3, [&](const Tensor& i, Reduction r) { return F::cross_entropy(i, classes3, r); }},
      {"cross_entropy_probs", x,
       [&](const Tensor& i, Reduction r) {
         return F::cross_entropy(i, probs_target, F::CrossEntropyFuncOptions().label_smoothing(0.1).reduction(r));
       }},
      {"bce", prob, [&](const Tensor& i, Reduction r) { return F::binary_cross_entropy(i, bin, r); }},
      {"bce_weight", prob,
       [&](const Tensor& i, Reduction r) {
         return F::binary_cross_entropy(i, bin, F::BinaryCrossEntropyFuncOptions().weight(weight).reduction(r));
       }},
      {"bce_logits", x, [&](const Tensor& i, Reduction r) { return F::binary_cross_entropy_with_logits(i, bin, r); }},
      {"bce_logits_pos", x,
       [&](const Tensor& i, Reduction r) {
         return F::binary_cross_entropy_with_logits(
             i, bin, F::BinaryCrossEntropyWithLogitsFuncOptions().weight(weight).pos_weight(pos_weight).reduction(r));
       }},
      {"poisson", x, [&](const Tensor& i, Reduction r) { return F::poisson_nll_loss(i, counts, r); }},
      {"poisson_rate_full", rates,
       [&](const Tensor& i, Reduction r) {
         return F::poisson_nll_loss(i, counts, F::PoissonNLLLossFuncOptions().log_input(false).full(true).reduction(r));
       }},
  };
  std::vector<std::pair<std::string, Reduction>> reductions{
      {"mean", nn::kMean}, {"sum", nn::kSum}, {"none", nn::kNone}};
  for (auto& [name, input, f] : losses) {
    for (auto& [rname, r] : reductions) {
      Reduction red = r;
      Fn fn = f;
      check_value_and_grad("loss_" + name + "_" + rname, input, gl, [&](const Tensor& t) { return fn(t, red); });
    }
  }
}

namespace {

using autograd::variable_list;

Tensor f64(const Shape& shape, uint64_t seed, double lo = -2, double hi = 2) {
  manual_seed(seed);
  return (rand(shape, kFloat64) * (hi - lo) + lo).requires_grad_(true);
}

}  // namespace

TEST_CASE("gradcheck and gradgradcheck pass in float64", "[nn][functional]") {
  Tensor x = f64({3, 4}, 1), t = f64({3, 4}, 2), p = f64({3, 4}, 3, 0.05, 0.95);
  Tensor y = f64({3, 4}, 4, 0, 1).detach(), counts = f64({3, 4}, 5, 0, 4).detach().round();
  Tensor w = f64({5, 4}, 6), b = f64({5}, 7);
  Tensor classes = tensor(std::vector<int64_t>{2, 0, 3});
  using Fn = std::function<Tensor(const variable_list&)>;
  std::vector<std::tuple<std::string, Fn, variable_list>> rows{
      {"erf", [](const variable_list& v) { return F::erf(v[0]); }, {x}},
      {"gelu", [](const variable_list& v) { return F::gelu(v[0]); }, {x}},
      {"gelu_tanh", [](const variable_list& v) { return F::gelu(v[0], "tanh"); }, {x}},
      {"elu", [](const variable_list& v) { return F::elu(v[0], 0.7); }, {x}},
      {"leaky_relu", [](const variable_list& v) { return F::leaky_relu(v[0], 0.1); }, {x}},
      {"softplus", [](const variable_list& v) { return F::softplus(v[0], 1.5, 2.0); }, {x}},
      {"linear", [](const variable_list& v) { return F::linear(v[0], v[1], v[2]); }, {x, w, b}},
      {"mse", [](const variable_list& v) { return F::mse_loss(v[0], v[1]); }, {x, t}},
      {"smooth_l1", [](const variable_list& v) { return F::smooth_l1_loss(v[0], v[1], nn::kSum, 0.7); }, {x, t}},
      {"cross_entropy",
       [&](const variable_list& v) {
         return F::cross_entropy(v[0], classes, F::CrossEntropyFuncOptions().label_smoothing(0.1));
       },
       {x}},
      {"cross_entropy_probs", [&](const variable_list& v) { return F::cross_entropy(v[0], F::softmax(v[1], 1)); }, {x, t}},
      {"bce", [&](const variable_list& v) { return F::binary_cross_entropy(v[0], y); }, {p}},
      {"bce_logits",
       [&](const variable_list& v) {
         return F::binary_cross_entropy_with_logits(
             v[0], y, F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(full({4}, 2.0, kFloat64)));
       },
       {x}},
      {"poisson", [&](const variable_list& v) { return F::poisson_nll_loss(v[0], counts, nn::kNone); }, {x}},
  };
  for (auto& [name, f, inputs] : rows) {
    INFO(name);
    convis_test::check_gradients_twice(f, inputs);
  }
}

TEST_CASE("erf and gelu are finite far out and exact at known points", "[nn][functional]") {
  Tensor x = tensor({-40.0, -1.0, 0.0, 0.5, 40.0}, kFloat64);
  CHECK_ALLCLOSE_TOL(F::erf(x), tensor({-1.0, -0.8427007929497149, 0.0, 0.5204998778130465, 1.0}, kFloat64),
                     1e-15, 1e-15);
  CHECK(F::erf(tensor({1.0f})).dtype() == kFloat32);
  CHECK(F::erf(tensor({int64_t(1)})).is_floating_point());
  Tensor big = tensor({-800.0, 800.0}, dtype(kFloat64).requires_grad(true));
  (F::softplus(big) + F::elu(big) + F::binary_cross_entropy_with_logits(big, tensor({1.0, 0.0}, kFloat64), nn::kNone))
      .sum()
      .backward();
  CHECK(all(isfinite(big.grad())).item<bool>());
  CHECK_THROWS_WITH(F::gelu(x, "fast"), Catch::Contains("[gelu] expected approximate \"none\" or \"tanh\""));
}

TEST_CASE("dropout zeroes with probability p and rescales, only when training", "[nn][functional]") {
  Tensor x = ones({200, 100}, kFloat64);
  manual_seed(3);
  Tensor y = F::dropout(x, 0.3, true);
  double kept = (y != 0).to(kFloat64).mean().item<double>();
  CHECK(kept == Approx(0.7).margin(0.015));
  CHECK(values(y.max())[0] == Approx(1 / 0.7));
  CHECK(F::dropout(x, 0.3, false).is_same(x));
  CHECK(values(F::dropout(x, 1.0, true).abs().sum())[0] == 0);
  manual_seed(3);
  CHECK(equal(F::dropout(x, 0.3, true), y));  // seeded: reproducible
  CHECK_THROWS_WITH(F::dropout(x, 1.5), Catch::Contains("[dropout] expected a probability p in [0, 1]"));
}

TEST_CASE("linear, conv3d and pad forward to the core ops", "[nn][functional]") {
  Tensor x = arange(6, kFloat64).view({2, 3}), w = arange(12, kFloat64).view({4, 3}), b = ones({4}, kFloat64);
  CHECK_ALLCLOSE(F::linear(x, w, b), matmul(x, w.t()) + 1);
  CHECK_ALLCLOSE(F::linear(x, w), matmul(x, w.t()));
  CHECK_THROWS_WITH(F::linear(x, w.t()), Catch::Contains("[linear] expected input with last dim 4"));
  Tensor v = randn({1, 1, 4, 5, 5}, kFloat64), k = randn({2, 1, 3, 3, 3}, kFloat64);
  CHECK_ALLCLOSE(F::conv3d(v, k, {}, 1, 1), conv3d(v, k, {}, 1, 1));
  CHECK(F::pad(v, {1, 1, 2, 2, 0, 0}, PadMode::replicate).sizes() == Shape{1, 1, 4, 9, 7});
}

TEST_CASE("losses check their arguments", "[nn][functional]") {
  Tensor x = zeros({3, 4}, kFloat64);
  CHECK_THROWS_WITH(F::mse_loss(x, zeros({4, 3}, kFloat64)), Catch::Contains("[mse_loss] expected target of the input's shape"));
  CHECK_THROWS_WITH(F::cross_entropy(x, tensor({1.0, 2.0, 3.0})), Catch::Contains("[cross_entropy] expected probability targets"));
  CHECK_THROWS_WITH(F::cross_entropy(x, tensor(std::vector<int64_t>{1, 2})), Catch::Contains("expected target of shape [3]"));
  CHECK_THROWS_WITH(F::nll_loss(x, tensor(std::vector<int64_t>{1, 4, 0})), Catch::Contains("[nll_loss] expected class indices in [0, 4)"));
  CHECK_THROWS_WITH(F::nll_loss(x, tensor({1.0, 2.0, 0.0})), Catch::Contains("expected int64 class indices"));
  CHECK_THROWS_WITH(F::nll_loss(x, tensor(std::vector<int64_t>{1, 2, 0}), F::NLLLossFuncOptions().weight(ones({3}, kFloat64))),
                    Catch::Contains("expected a weight of shape [4]"));
  CHECK_THROWS_WITH(F::smooth_l1_loss(x, x, nn::kMean, -1), Catch::Contains("expected beta >= 0"));
  // A single sample [C] with a 0-dim target, as LibTorch.
  Tensor logits = tensor({1.0, 2.0, 0.5}, kFloat64);
  CHECK(F::cross_entropy(logits, tensor(int64_t(1))).item<double>() ==
        Approx(-F::log_softmax(logits, 0)[1].item<double>()));
}
