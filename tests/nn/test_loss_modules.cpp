// Loss modules over nn::functional (rename to .cpp once nn/functional.h is merged):
// each module passes its options through, and prints as LibTorch's.
#include <cmath>
#include <sstream>

#include "helpers.h"

#include "convis/nn/loss.h"

using namespace convis;
using convis_test::values;

namespace {

std::string print(const nn::Module& m) {
  std::ostringstream ss;
  ss << m;
  return ss.str();
}

double item(const Tensor& t) { return t.to(kFloat64).item<double>(); }

}  // namespace

TEST_CASE("loss modules compute their functional with their options", "[nn][loss_modules]") {
  Tensor in = tensor({1.0, 2.0, 3.0}), target = tensor({1.0, 1.0, 1.0});
  CHECK(item(nn::MSELossImpl().forward(in, target)) == Approx(5.0 / 3));
  CHECK(item(nn::MSELossImpl(nn::kSum)(in, target)) == Approx(5.0));
  CHECK(nn::MSELossImpl(nn::MSELossOptions().reduction(nn::kNone)).forward(in, target).sizes() == Shape{3});
  CHECK(item(nn::L1LossImpl().forward(in, target)) == Approx(1.0));
  Tensor logits = zeros({1, 2});
  Tensor label = tensor({int64_t{0}});
  CHECK(item(nn::CrossEntropyLossImpl().forward(logits, label)) == Approx(std::log(2.0)));
  Tensor logp = tensor({-1.0, -2.0}).view({1, 2});
  CHECK(item(nn::NLLLossImpl().forward(logp, tensor({int64_t{1}}))) == Approx(2.0));
  CHECK(item(nn::BCELossImpl().forward(tensor({0.5}), tensor({1.0}))) == Approx(std::log(2.0)));
  CHECK(item(nn::BCEWithLogitsLossImpl().forward(tensor({0.0}), tensor({1.0}))) == Approx(std::log(2.0)));
  CHECK(item(nn::PoissonNLLLossImpl().forward(tensor({0.0}), tensor({2.0}))) == Approx(1.0));
}

TEST_CASE("loss modules are Modules: gradients flow, printing as LibTorch", "[nn][loss_modules]") {
  nn::MSELoss loss_fn;
  Tensor x = tensor({1.0, 3.0}, requires_grad());
  (*loss_fn)(x, tensor({0.0, 0.0})).backward();
  CHECK(values(x.grad()) == std::vector<double>{1.0, 3.0});  // d/dx mean(x^2) = x
  CHECK(print(*loss_fn) == "convis::nn::MSELoss()");
  CHECK(print(nn::CrossEntropyLossImpl()) == "convis::nn::CrossEntropyLoss()");
  CHECK(print(nn::PoissonNLLLossImpl()) == "convis::nn::PoissonNLLLoss()");
  CHECK(loss_fn->parameters().empty());
}
