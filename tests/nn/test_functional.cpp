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
