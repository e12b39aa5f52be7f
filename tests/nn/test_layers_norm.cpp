// BatchNorm (train then eval, running statistics), LayerNorm, Dropout and the activations
// against PyTorch; gradchecks of Linear, BatchNorm, LayerNorm and GELU in float64.
#include <cmath>

#include "helpers.h"

using namespace convis;
using convis_test::golden;
using convis_test::set_no_grad;
using convis_test::values;
using V = std::vector<double>;

namespace {

Tensor g(const std::string& name) { return golden("module/" + name + ".npy"); }

}  // namespace

TEST_CASE("BatchNorm1d: two training steps, running stats, then eval", "[nn][layers]") {
  nn::BatchNorm1d bn(3);
  CHECK(values(bn->running_var) == V{1, 1, 1});
  CHECK(bn->num_batches_tracked.dtype() == kInt64);
  set_no_grad(bn->weight, g("bn1d_w"));
  set_no_grad(bn->bias, g("bn1d_b"));
  CHECK_ALLCLOSE_TOL(bn->forward(g("bn1d_x1")), g("bn1d_y1"), 1e-4, 1e-5);
  CHECK_ALLCLOSE_TOL(bn->forward(g("bn1d_x2")), g("bn1d_y2"), 1e-4, 1e-5);  // 3-D input [N, C, L]
  CHECK_ALLCLOSE(bn->running_mean, g("bn1d_mean"));
  CHECK_ALLCLOSE(bn->running_var, g("bn1d_var"));
  CHECK(bn->num_batches_tracked.item<int64_t>() == 2);
  bn->eval();
  CHECK_ALLCLOSE_TOL(bn->forward(g("bn1d_x3")), g("bn1d_y3"), 1e-4, 1e-5);
  CHECK(bn->num_batches_tracked.item<int64_t>() == 2);
  CHECK_THROWS_WITH(bn->forward(ones({2, 3, 4, 5})), Catch::Contains("[BatchNorm1d] expected a 2-D or 3-D input"));
  CHECK_THROWS_WITH(bn->forward(ones({2, 4})), Catch::Contains("expected 3 channels"));
  bn->train();
  CHECK_THROWS_WITH(bn->forward(ones({1, 3})), Catch::Contains("more than 1 value per channel"));
}

TEST_CASE("BatchNorm2d with momentum None averages cumulatively; BatchNorm3d", "[nn][layers]") {
  nn::BatchNorm2d bn2(nn::BatchNorm2dOptions(2).momentum(std::nullopt).eps(1e-3));
  bn2->forward(g("bn2d_x1"));
  CHECK_ALLCLOSE_TOL(bn2->forward(g("bn2d_x2")), g("bn2d_y2"), 1e-4, 1e-5);
  CHECK_ALLCLOSE(bn2->running_mean, g("bn2d_mean"));
  CHECK_ALLCLOSE(bn2->running_var, g("bn2d_var"));
  nn::BatchNorm3d bn3(2);
  CHECK_ALLCLOSE_TOL(bn3->forward(g("bn3d_x")), g("bn3d_y"), 1e-4, 1e-5);
  CHECK_ALLCLOSE(bn3->running_mean, g("bn3d_mean"));
  CHECK_ALLCLOSE(bn3->running_var, g("bn3d_var"));
  // Without running stats: no buffers, batch statistics also in eval.
  nn::BatchNorm1d plain(nn::BatchNorm1dOptions(2).track_running_stats(false).affine(false));
  CHECK((plain->buffers().empty() && plain->parameters().empty()));
  plain->eval();
  Tensor y = plain->forward(tensor({1.0, 10.0, 3.0, 30.0}).view({2, 2}));
  CHECK_ALLCLOSE_TOL(y, tensor({-1.0, -1.0, 1.0, 1.0}).view({2, 2}), 1e-4, 1e-4);
}

TEST_CASE("LayerNorm matches torch", "[nn][layers]") {
  nn::LayerNorm ln(nn::LayerNormOptions({4, 5}));
  set_no_grad(ln->weight, g("ln_w"));
  set_no_grad(ln->bias, g("ln_b"));
  CHECK_ALLCLOSE_TOL(ln->forward(g("ln_x")), g("ln_out"), 1e-4, 1e-5);
  CHECK_THROWS_WITH(ln->forward(ones({3, 5, 4})), Catch::Contains("normalized_shape [4, 5], got shape [3, 5, 4]"));
  nn::LayerNorm bare(nn::LayerNormOptions({2}).elementwise_affine(false));
  CHECK(bare->parameters().empty());
}

TEST_CASE("activations and their gradients match torch", "[nn][layers]") {
  Tensor x = g("act_x");
  auto check = [&](const std::string& name, auto module) {
    INFO(name);
    Tensor xi = x.clone().requires_grad_();
    Tensor y = module->forward(xi);
    CHECK_ALLCLOSE_TOL(y, g("act_" + name), 1e-5, 1e-6);
    y.sum().backward();
    CHECK_ALLCLOSE_TOL(xi.grad(), g("act_" + name + "_grad"), 1e-5, 1e-5);
  };
  check("relu", std::make_shared<nn::ReLUImpl>());
  check("leaky_relu", std::make_shared<nn::LeakyReLUImpl>(nn::LeakyReLUOptions().negative_slope(0.2)));
  check("sigmoid", std::make_shared<nn::SigmoidImpl>());
  check("tanh", std::make_shared<nn::TanhImpl>());
  check("softplus", std::make_shared<nn::SoftplusImpl>());
  check("softplus_b2_t5", std::make_shared<nn::SoftplusImpl>(nn::SoftplusOptions().beta(2).threshold(5)));
  check("gelu", std::make_shared<nn::GELUImpl>());
  check("gelu_tanh", std::make_shared<nn::GELUImpl>(nn::GELUOptions().approximate("tanh")));
  CHECK_THROWS_WITH(nn::GELUImpl(nn::GELUOptions().approximate("fast")), Catch::Contains("\"none\" or \"tanh\""));
  CHECK(values(nn::IdentityImpl().forward(x)) == values(x));
  CHECK(nn::FlattenImpl().forward(ones({2, 3, 4})).sizes() == Shape{2, 12});
  Tensor inplace = tensor({-1.0, 2.0});
  nn::ReLUImpl(true).forward(inplace);
  CHECK(values(inplace) == V{0, 2});
}

TEST_CASE("Dropout zeroes and rescales in training, is the identity in eval", "[nn][layers]") {
  manual_seed(3);
  nn::Dropout drop(0.25);
  Tensor x = ones({4000});
  Tensor y = drop->forward(x);
  std::vector<double> v = values(y);
  int64_t zeros_seen = 0;
  for (double e : v) {
    CHECK((e == 0.0 || std::abs(e - 1.0 / 0.75) < 1e-6));
    zeros_seen += e == 0.0;
  }
  CHECK(std::abs(double(zeros_seen) / 4000 - 0.25) < 0.03);
  drop->eval();
  CHECK(drop->forward(x).is_same(x));
  drop->train();
  CHECK(values(nn::DropoutImpl(1.0).forward(x)) == V(4000, 0.0));
  CHECK_THROWS_WITH(nn::DropoutImpl(1.5), Catch::Contains("between 0 and 1, got 1.5"));
}

TEST_CASE("gradcheck through Linear, BatchNorm, LayerNorm, GELU and Conv3d in float64", "[nn][layers]") {
  manual_seed(5);
  nn::Linear lin(3, 2);
  lin->to(kFloat64);
  Tensor x = randn({4, 3}, dtype(kFloat64).requires_grad(true));
  auto r = autograd::gradcheck([&](const autograd::variable_list& in) { return lin->forward(in[0]); },
                               {x, lin->weight, lin->bias});
  INFO(r.message);
  CHECK(r.ok);

  nn::BatchNorm1d bn(3);
  bn->to(kFloat64);
  set_no_grad(bn->weight, tensor({0.5, 2.0, -1.0}, kFloat64));
  Tensor xb = randn({5, 3}, dtype(kFloat64).requires_grad(true));
  auto rb = autograd::gradcheck([&](const autograd::variable_list& in) { return bn->forward(in[0]); },
                                {xb, bn->weight, bn->bias});
  INFO(rb.message);
  CHECK(rb.ok);

  nn::LayerNorm ln(nn::LayerNormOptions({4}));
  ln->to(kFloat64);
  Tensor xl = randn({2, 4}, dtype(kFloat64).requires_grad(true));
  auto rl = autograd::gradcheck([&](const autograd::variable_list& in) { return ln->forward(in[0]); },
                                {xl, ln->weight, ln->bias});
  INFO(rl.message);
  CHECK(rl.ok);

  nn::GELU gelu;
  Tensor xg = randn({6}, dtype(kFloat64).requires_grad(true));
  auto rg = autograd::gradgradcheck([&](const autograd::variable_list& in) { return gelu->forward(in[0]); }, {xg});
  INFO(rg.message);
  CHECK(rg.ok);

  nn::Conv3d conv(nn::Conv3dOptions(1, 2, 2).padding(1).padding_mode(kReflect));
  conv->to(kFloat64);
  Tensor xc = randn({1, 1, 3, 3, 3}, dtype(kFloat64).requires_grad(true));
  auto rc = autograd::gradcheck([&](const autograd::variable_list& in) { return conv->forward(in[0]); },
                                {xc, conv->weight, conv->bias});
  INFO(rc.message);
  CHECK(rc.ok);
}
