// The Optimizer base: zero_grad, step(closure), param groups with their own options,
// state_dict / load_state_dict round trips, and errors.
#include "helpers.h"

using namespace convis;
using namespace convis::optim;
using convis_test::values;
using V = std::vector<double>;

namespace {

// A fixed quadratic with its minimum at (1, -2, 3).
Tensor quadratic(const Tensor& w) { return (w - tensor({1.0, -2.0, 3.0}, kFloat64)).square().sum(); }

void train(Optimizer& opt, const Tensor& w, int steps) {
  for (int i = 0; i < steps; ++i) {
    opt.step([&] {
      opt.zero_grad();
      Tensor loss = quadratic(w);
      loss.backward();
      return loss;
    });
  }
}

Tensor leaf() { return tensor({0.5, 0.25, -1.0}, dtype(kFloat64).requires_grad(true)); }

}  // namespace

TEST_CASE("zero_grad sets gradients to none or to zeros", "[nn][optim]") {
  Tensor w = leaf();
  SGD opt({w}, SGDOptions(0.1));
  quadratic(w).backward();
  REQUIRE(w.grad().defined());
  opt.zero_grad(false);
  CHECK(values(w.grad()) == V{0, 0, 0});
  opt.zero_grad();
  CHECK_FALSE(w.grad().defined());
  opt.step();  // no gradient: nothing moves
  CHECK(values(w) == V{0.5, 0.25, -1.0});
}

TEST_CASE("step(closure) returns the loss and updates in place under no-grad", "[nn][optim]") {
  Tensor w = leaf();
  SGD opt({w}, SGDOptions(0.25));
  uint32_t version = w._version();
  Tensor loss = opt.step([&] {
    opt.zero_grad();
    Tensor l = quadratic(w);
    l.backward();
    return l;
  });
  CHECK(loss.item<double>() == Approx(0.25 + 5.0625 + 16));
  // w - 0.25 * 2 (w - target) = (w + target) / 2
  CHECK(values(w) == V{0.75, -0.875, 1.0});
  CHECK(w.is_leaf());
  CHECK(w._version() > version);
  CHECK_FALSE(opt.step().defined());  // no closure: no loss
}

TEST_CASE("every optimizer minimises a quadratic", "[nn][optim]") {
  std::vector<std::pair<std::string, std::function<std::unique_ptr<Optimizer>(Tensor)>>> makers{
      {"SGD", [](Tensor w) { return std::make_unique<SGD>(std::vector<Tensor>{w}, SGDOptions(0.1).momentum(0.5)); }},
      {"Adam", [](Tensor w) { return std::make_unique<Adam>(std::vector<Tensor>{w}, AdamOptions(0.1)); }},
      {"AdamW", [](Tensor w) { return std::make_unique<AdamW>(std::vector<Tensor>{w}, AdamWOptions(0.1).weight_decay(0)); }},
      {"RMSprop", [](Tensor w) { return std::make_unique<RMSprop>(std::vector<Tensor>{w}, RMSpropOptions(0.05)); }},
      {"Adagrad", [](Tensor w) { return std::make_unique<Adagrad>(std::vector<Tensor>{w}, AdagradOptions(0.5)); }},
      {"LBFGS", [](Tensor w) { return std::make_unique<LBFGS>(std::vector<Tensor>{w}, LBFGSOptions()); }},
  };
  for (auto& [name, make] : makers) {
    INFO(name);
    Tensor w = leaf();
    auto opt = make(w);
    train(*opt, w, name == "LBFGS" ? 2 : 300);
    CHECK(quadratic(w).item<double>() < 1e-3);
  }
}

TEST_CASE("param groups keep their own options; defaults fill the rest", "[nn][optim]") {
  Tensor a = leaf(), b = leaf();
  std::vector<OptimizerParamGroup> groups{{{a}}, {{b}, std::make_unique<AdamOptions>(AdamOptions(0.5).amsgrad(true))}};
  Adam opt(groups, AdamOptions(0.01));
  REQUIRE(opt.param_groups().size() == 2);
  CHECK(opt.param_groups()[0].options().get_lr() == 0.01);
  auto& second = static_cast<AdamOptions&>(opt.param_groups()[1].options());
  CHECK(second.lr() == 0.5);
  CHECK(second.amsgrad());
  CHECK(opt.size() == 2);
  Tensor c = leaf();
  opt.add_param_group({{c}});
  CHECK(opt.param_groups()[2].options().get_lr() == 0.01);
  CHECK_THROWS_WITH(opt.add_param_group({{a}}), Catch::Contains("[add_param_group] expected each parameter"));
  CHECK_THROWS_WITH(opt.add_param_group(OptimizerParamGroup({leaf()}, std::make_unique<SGDOptions>(0.1))),
                    Catch::Contains("options type"));
  CHECK_THROWS_WITH(opt.add_param_group({{leaf() * 2}}), Catch::Contains("expected leaf tensors"));
}

TEST_CASE("state_dict is a deep copy and load_state_dict resumes exactly", "[nn][optim]") {
  auto run = [](auto make) {
    Tensor w = leaf();
    auto opt = make(w);
    train(*opt, w, 3);
    OptimizerStateDict saved = opt->state_dict();
    Tensor at3 = w.detach().clone();
    train(*opt, w, 4);
    Tensor after = w.detach().clone();
    // A fresh optimizer at the step-3 point with the saved state follows the same path.
    Tensor w2 = at3.clone().requires_grad_(true);
    auto opt2 = make(w2);
    opt2->load_state_dict(saved);
    train(*opt2, w2, 4);
    CHECK_ALLCLOSE_TOL(w2.detach(), after, 1e-14, 0);
    return saved;
  };
  OptimizerStateDict saved = run([](Tensor w) {
    return std::make_unique<Adam>(std::vector<Tensor>{w}, AdamOptions(0.05).amsgrad(true));
  });
  REQUIRE(saved.state.count(0) == 1);
  CHECK(saved.state.at(0).step == 3);
  CHECK(saved.state.at(0).buffers.count("exp_avg") == 1);
  CHECK(saved.state.at(0).buffers.count("max_exp_avg_sq") == 1);
  CHECK(static_cast<AdamOptions&>(*saved.param_groups[0].options).lr() == 0.05);
  run([](Tensor w) { return std::make_unique<SGD>(std::vector<Tensor>{w}, SGDOptions(0.05).momentum(0.9)); });
  run([](Tensor w) { return std::make_unique<RMSprop>(std::vector<Tensor>{w}, RMSpropOptions().centered(true).momentum(0.5)); });
  run([](Tensor w) { return std::make_unique<Adagrad>(std::vector<Tensor>{w}, AdagradOptions(0.1)); });
  run([](Tensor w) {
    return std::make_unique<LBFGS>(std::vector<Tensor>{w}, LBFGSOptions(0.1).max_iter(2).history_size(2));
  });
}

TEST_CASE("load_state_dict restores per-group options and checks the layout", "[nn][optim]") {
  Tensor w = leaf();
  SGD opt({w}, SGDOptions(0.1));
  OptimizerStateDict saved = opt.state_dict();
  opt.param_groups()[0].options().set_lr(0.7);
  opt.load_state_dict(saved);
  CHECK(opt.param_groups()[0].options().get_lr() == 0.1);
  Adam other({leaf()});
  CHECK_THROWS_WITH(other.load_state_dict(saved), Catch::Contains("options of this optimizer's type"));
  SGD two(std::vector<OptimizerParamGroup>{{{leaf()}}, {{leaf()}}}, SGDOptions(0.1));
  CHECK_THROWS_WITH(two.load_state_dict(saved), Catch::Contains("[load_state_dict] expected a state dict with 2"));
}

TEST_CASE("optimizer options are checked", "[nn][optim]") {
  Tensor w = leaf();
  CHECK_THROWS_WITH(SGD({w}, SGDOptions(-1)), Catch::Contains("[SGD] expected lr >= 0"));
  CHECK_THROWS_WITH(SGD({w}, SGDOptions(0.1).nesterov(true)), Catch::Contains("for nesterov"));
  CHECK_THROWS_WITH(Adam({w}, AdamOptions().betas({1.0, 0.9})), Catch::Contains("[Adam] expected betas in [0, 1)"));
  CHECK_THROWS_WITH(AdamW({w}, AdamWOptions().eps(-1)), Catch::Contains("[AdamW] expected eps >= 0"));
  CHECK_THROWS_WITH(Adagrad({w}, AdagradOptions().lr_decay(-1)), Catch::Contains("[Adagrad] expected lr_decay"));
  CHECK_THROWS_WITH(RMSprop({w}, RMSpropOptions().momentum(-1)), Catch::Contains("[RMSprop] expected momentum"));
  CHECK(AdamWOptions().weight_decay() == 1e-2);
  CHECK(AdamOptions().lr() == 1e-3);
  CHECK(LBFGSOptions().history_size() == 100);
}

TEST_CASE("optimizers keep float32 parameters float32", "[nn][optim]") {
  auto target = tensor({1.0f, -2.0f, 3.0f});
  std::vector<std::function<std::unique_ptr<Optimizer>(Tensor)>> makers{
      [](Tensor w) { return std::make_unique<SGD>(std::vector<Tensor>{w}, SGDOptions(0.1).momentum(0.9).nesterov(true)); },
      [](Tensor w) { return std::make_unique<Adam>(std::vector<Tensor>{w}, AdamOptions(0.1).amsgrad(true)); },
      [](Tensor w) { return std::make_unique<AdamW>(std::vector<Tensor>{w}, AdamWOptions(0.1)); },
      [](Tensor w) { return std::make_unique<RMSprop>(std::vector<Tensor>{w}, RMSpropOptions().centered(true)); },
      [](Tensor w) { return std::make_unique<Adagrad>(std::vector<Tensor>{w}, AdagradOptions(0.1)); },
      [](Tensor w) {
        return std::make_unique<LBFGS>(std::vector<Tensor>{w}, LBFGSOptions().line_search_fn("strong_wolfe"));
      },
  };
  for (auto& make : makers) {
    Tensor w = zeros({3}, requires_grad());
    auto opt = make(w);
    double first = 0;
    for (int i = 0; i < 20; ++i) {
      Tensor loss = opt->step([&] {
        opt->zero_grad();
        Tensor l = (w - target).square().sum();
        l.backward();
        return l;
      });
      if (i == 0) first = loss.item<double>();
    }
    CHECK(w.dtype() == kFloat32);
    CHECK((w - target).square().sum().item<double>() < first);
  }
}
