// A LibTorch program that ports to convis by swapping the namespace (issue 16): the same source
// builds against LibTorch (-DPORT_WITH_LIBTORCH, scripts/make_port_expected.sh writes
// tests/port/expected.txt from it) and against convis (the CTest port/libtorch_style, which
// compares its output with expected.txt).  It follows LibTorch's own tutorials: the autograd
// basics, a custom module with TORCH_MODULE and holder members, polynomial regression with SGD,
// a small CNN trained with Adam, and a custom autograd function.  Weights and data are set
// from formulas, not random draws, so that both libraries compute the same numbers.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#ifdef PORT_WITH_LIBTORCH
#include <torch/torch.h>
namespace lib = torch;
#define LIB_MODULE TORCH_MODULE
#else
#include <convis/convis.h>
namespace lib = convis;
#define LIB_MODULE CONVIS_MODULE
#endif

namespace {

void print(const std::string& name, const lib::Tensor& t) {
  lib::Tensor flat = t.detach().to(lib::kFloat64).reshape({-1});
  for (int64_t i = 0; i < flat.numel(); ++i) std::printf("%s[%lld] %.9g\n", name.c_str(), (long long)i, flat[i].item<double>());
}

// Deterministic "random" values: sin of a multiple of the index.
void fill_pattern(lib::Tensor t, double scale, double phase) {
  lib::NoGradGuard no_grad;
  lib::Tensor values = lib::arange(t.numel(), lib::kFloat64).mul(0.7).add(phase).sin().mul(scale);
  t.copy_(values.reshape(t.sizes()).to(t.scalar_type()));
}

void autograd_basics() {
  lib::Tensor x = lib::ones({2, 2}, lib::requires_grad());
  lib::Tensor y = x + 2;
  lib::Tensor z = y * y * 3;
  lib::Tensor out = z.mean();
  out.backward();
  print("autograd.out", out);
  print("autograd.x_grad", x.grad());
  lib::Tensor a = lib::linspace(-1.0, 1.0, 5, lib::TensorOptions().dtype(lib::kFloat64)).requires_grad_(true);
  lib::Tensor b = (a * a).exp().sum();
  lib::Tensor g = lib::autograd::grad({b}, {a}, {}, /*retain_graph=*/true, /*create_graph=*/true)[0];
  g.sum().backward();
  print("autograd.grad", g);
  print("autograd.grad_of_grad", a.grad());
}

struct NetImpl : lib::nn::Module {
  NetImpl(int64_t n, int64_t m) : linear(register_module("linear", lib::nn::Linear(n, m))) {
    another_bias = register_parameter("b", lib::zeros({m}));
  }
  lib::Tensor forward(lib::Tensor input) { return linear(input) + another_bias; }
  lib::nn::Linear linear;
  lib::Tensor another_bias;
};
LIB_MODULE(Net);

void custom_module() {
  Net net(4, 5);
  for (auto& p : net->named_parameters()) fill_pattern(p.value(), 0.3, double(p.key().size()));
  for (const auto& p : net->named_parameters()) std::printf("module.parameter %s\n", p.key().c_str());
  lib::Tensor x = lib::ones({2, 4});
  fill_pattern(x, 1.0, 0.5);
  print("module.forward", net(x));
  print("module.forward_arrow", net->forward(x));
}

void polynomial_regression() {
  // y = 0.5 + 1.5 x - 2 x^2 + 0.7 x^3, fitted with a Linear(3, 1) on the features x, x^2, x^3
  lib::Tensor x = lib::linspace(-1.0, 1.0, 32).unsqueeze(1);
  lib::Tensor features = lib::cat({x, x.pow(2), x.pow(3)}, 1);
  lib::Tensor target = 0.5 + 1.5 * x - 2.0 * x.pow(2) + 0.7 * x.pow(3);
  lib::nn::Linear fc(3, 1);
  fill_pattern(fc->weight, 0.1, 0.0);
  fill_pattern(fc->bias, 0.1, 1.0);
  lib::optim::SGD optimizer(fc->parameters(), lib::optim::SGDOptions(0.1).momentum(0.9));
  double loss_value = 0;
  for (int step = 0; step < 300; ++step) {
    optimizer.zero_grad();
    lib::Tensor loss = lib::nn::functional::mse_loss(fc(features), target);
    loss.backward();
    optimizer.step();
    loss_value = loss.item<double>();
  }
  std::printf("regression.loss %.9g\n", loss_value);
  print("regression.weight", fc->weight);
  print("regression.bias", fc->bias);
}

struct SmallCnnImpl : lib::nn::Module {
  SmallCnnImpl()
      : conv(register_module("conv", lib::nn::Conv2d(lib::nn::Conv2dOptions(1, 4, 3).padding(1)))),
        fc(register_module("fc", lib::nn::Linear(4 * 4 * 4, 3))) {}
  lib::Tensor forward(lib::Tensor x) {
    x = lib::max_pool2d(conv(x).relu(), {2, 2});
    return fc(x.flatten(1));
  }
  lib::nn::Conv2d conv;
  lib::nn::Linear fc;
};
LIB_MODULE(SmallCnn);

void small_cnn() {
  SmallCnn net;
  for (auto& p : net->named_parameters()) fill_pattern(p.value(), 0.2, double(p.value().numel()));
  lib::Tensor images = lib::zeros({6, 1, 8, 8});
  fill_pattern(images, 1.0, 0.25);
  lib::Tensor labels = lib::arange(6, lib::kLong).remainder(3);
  lib::optim::Adam optimizer(net->parameters(), lib::optim::AdamOptions(0.01));
  for (int step = 0; step < 20; ++step) {
    optimizer.zero_grad();
    lib::Tensor loss = lib::nn::functional::cross_entropy(net(images), labels);
    loss.backward();
    optimizer.step();
    if (step % 5 == 4) std::printf("cnn.loss[%d] %.9g\n", step, loss.item<double>());
  }
  print("cnn.fc_bias", net->fc->bias);
}

struct LinearFunction : public lib::autograd::Function<LinearFunction> {
  static lib::Tensor forward(lib::autograd::AutogradContext* ctx, lib::Tensor input, lib::Tensor weight) {
    ctx->save_for_backward({input, weight});
    return input.mm(weight.t());
  }
  static lib::autograd::tensor_list backward(lib::autograd::AutogradContext* ctx,
                                             lib::autograd::tensor_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    lib::Tensor input = saved[0], weight = saved[1], grad = grad_outputs[0];
    return {grad.mm(weight), grad.t().mm(input)};
  }
};

void custom_function() {
  lib::Tensor x = lib::zeros({3, 2}).requires_grad_(true);
  lib::Tensor w = lib::zeros({4, 2}).requires_grad_(true);
  fill_pattern(x, 1.0, 0.0);
  fill_pattern(w, 1.0, 2.0);
  lib::Tensor y = LinearFunction::apply(x, w);
  (y * y).sum().backward();
  print("function.y", y);
  print("function.x_grad", x.grad());
  print("function.w_grad", w.grad());
}

}  // namespace

int main() {
  autograd_basics();
  custom_module();
  polynomial_regression();
  small_cnn();
  custom_function();
  return 0;
}
