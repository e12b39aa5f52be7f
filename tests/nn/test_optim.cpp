// Optimizers and schedulers against PyTorch 1.13 (tests/golden/make_optim.py): the parameter
// trajectory over 10 steps of every configuration, LBFGS with and without the strong-Wolfe
// search, lr sequences, plus param groups, zero_grad, state_dict round trips and errors.
#include <functional>

#include "helpers.h"

using namespace convis;
using namespace convis::optim;
using convis_test::golden;

namespace {

Tensor load(const std::string& name) { return golden("optim/" + name + ".npy"); }

struct Problem {
  Tensor A = load("problem_A"), b = load("problem_b");
  Tensor w = load("problem_w0").requires_grad_(true), c = load("problem_c0").requires_grad_(true);
  Tensor loss() const { return (matmul(A, w) + c - b).square().mean() + w.pow(4).sum() * 0.05; }
  Tensor flat() const { return cat({w.detach(), c.detach()}); }
};

// Ten steps of `make(params)` on the least-squares problem, compared row by row.
void check_trajectory(const std::string& name, const std::function<std::unique_ptr<Optimizer>(Problem&)>& make) {
  INFO(name);
  Problem pb;
  auto opt = make(pb);
  Tensor expected = load(name);
  for (int64_t i = 0; i < 10; ++i) {
    opt->zero_grad();
    pb.loss().backward();
    opt->step();
    CHECK_ALLCLOSE_TOL(pb.flat(), expected[i], 1e-6, 1e-12);
  }
}

template <typename Opt, typename Options>
std::function<std::unique_ptr<Optimizer>(Problem&)> plain(Options options) {
  return [options](Problem& pb) { return std::make_unique<Opt>(std::vector<Tensor>{pb.w, pb.c}, options); };
}

}  // namespace

TEST_CASE("SGD trajectories equal PyTorch's", "[nn][optim]") {
  check_trajectory("sgd", plain<SGD>(SGDOptions(0.1)));
  check_trajectory("sgd_momentum", plain<SGD>(SGDOptions(0.05).momentum(0.9).dampening(0.1)));
  check_trajectory("sgd_nesterov", plain<SGD>(SGDOptions(0.05).momentum(0.9).nesterov(true).weight_decay(0.01)));
  check_trajectory("sgd_groups", [](Problem& pb) {
    std::vector<OptimizerParamGroup> groups{{{pb.w}}, {{pb.c}, std::make_unique<SGDOptions>(SGDOptions(0.01).momentum(0.5))}};
    return std::make_unique<SGD>(groups, SGDOptions(0.1));
  });
}

TEST_CASE("Adam and AdamW trajectories equal PyTorch's", "[nn][optim]") {
  check_trajectory("adam", plain<Adam>(AdamOptions(0.1)));
  check_trajectory("adam_wd", plain<Adam>(AdamOptions(0.1).betas({0.8, 0.9}).weight_decay(0.1)));
  check_trajectory("adam_amsgrad", plain<Adam>(AdamOptions(0.1).amsgrad(true).weight_decay(0.05)));
  check_trajectory("adamw", plain<AdamW>(AdamWOptions(0.1)));
  check_trajectory("adamw_amsgrad", plain<AdamW>(AdamWOptions(0.1).weight_decay(0.1).amsgrad(true)));
}

TEST_CASE("RMSprop and Adagrad trajectories equal PyTorch's", "[nn][optim]") {
  check_trajectory("rmsprop", plain<RMSprop>(RMSpropOptions(0.01)));
  check_trajectory("rmsprop_centered",
                   plain<RMSprop>(RMSpropOptions(0.01).momentum(0.9).centered(true).weight_decay(0.01)));
  check_trajectory("adagrad", plain<Adagrad>(AdagradOptions(0.1)));
  check_trajectory("adagrad_options", plain<Adagrad>(AdagradOptions(0.1).lr_decay(0.01).weight_decay(0.1)
                                                         .initial_accumulator_value(0.1)));
}

namespace {

void check_lbfgs(const std::string& name, bool rosenbrock, LBFGSOptions options) {
  INFO(name);
  Problem pb;
  Tensor x = tensor({-1.5, 2.0}, dtype(kFloat64).requires_grad(true));
  std::vector<Tensor> params = rosenbrock ? std::vector<Tensor>{x} : std::vector<Tensor>{pb.w, pb.c};
  LBFGS opt(params, options);
  auto closure = [&] {
    opt.zero_grad();
    Tensor loss = rosenbrock ? (1 - x[0]).square() + (x[1] - x[0].square()).square() * 100 : pb.loss();
    loss.backward();
    return loss;
  };
  Tensor expected = load("lbfgs_" + name), expected_loss = load("lbfgs_" + name + "_loss");
  for (int64_t i = 0; i < 10; ++i) {
    Tensor loss = opt.step(closure);
    // Near the minimum the loss is a difference of nearly equal numbers: compare it with a margin.
    CHECK(loss.item<double>() == Approx(expected_loss[i].item<double>()).epsilon(1e-6).margin(1e-8));
    CHECK_ALLCLOSE_TOL(rosenbrock ? x.detach() : pb.flat(), expected[i], 1e-6, 1e-12);
  }
}

}  // namespace

TEST_CASE("LBFGS with and without strong Wolfe equals PyTorch's", "[nn][optim]") {
  check_lbfgs("rosen_plain", true, LBFGSOptions(0.05).max_iter(5).history_size(3));
  check_lbfgs("rosen_wolfe", true, LBFGSOptions(1).max_iter(5).history_size(3).line_search_fn("strong_wolfe"));
  check_lbfgs("lsq_plain", false, LBFGSOptions(1).max_iter(4).history_size(2));
  check_lbfgs("lsq_wolfe", false, LBFGSOptions(1).max_iter(2).history_size(2).line_search_fn("strong_wolfe"));
}

TEST_CASE("LBFGS needs a closure and one group, and checks line_search_fn", "[nn][optim]") {
  Tensor x = zeros({2}, requires_grad());
  LBFGS opt({x});
  CHECK_THROWS_WITH(opt.step(), Catch::Contains("[LBFGS] expected a closure"));
  CHECK_THROWS_WITH(LBFGS({x}, LBFGSOptions().line_search_fn("backtracking")),
                    Catch::Contains("expected line_search_fn \"strong_wolfe\" or none"));
  Tensor y = zeros({2}, requires_grad());
  CHECK_THROWS_WITH(LBFGS(std::vector<OptimizerParamGroup>{{{x}}, {{y}}}), Catch::Contains("one param group"));
}

namespace {

SGD sched_optimizer(std::vector<Tensor>& keep) {
  keep = {zeros({1}, requires_grad()), zeros({1}, requires_grad())};
  std::vector<OptimizerParamGroup> groups{{{keep[0]}}, {{keep[1]}, std::make_unique<SGDOptions>(0.05)}};
  return SGD(groups, SGDOptions(0.1));
}

void check_lrs(const std::vector<double>& lrs, const Tensor& expected_row) {
  REQUIRE(lrs.size() == 2);
  CHECK(lrs[0] == Approx(expected_row[0].item<double>()).epsilon(1e-12));
  CHECK(lrs[1] == Approx(expected_row[1].item<double>()).epsilon(1e-12));
}

}  // namespace

TEST_CASE("StepLR, ExponentialLR and CosineAnnealingLR give PyTorch's lrs", "[nn][optim]") {
  std::vector<Tensor> keep;
  for (const std::string name : {"step", "exponential", "cosine"}) {
    INFO(name);
    SGD opt = sched_optimizer(keep);
    std::unique_ptr<LRScheduler> s;
    if (name == "step") s = std::make_unique<StepLR>(opt, 3, 0.5);
    if (name == "exponential") s = std::make_unique<ExponentialLR>(opt, 0.9);
    if (name == "cosine") s = std::make_unique<CosineAnnealingLR>(opt, 5, 0.01);
    check_lrs(s->get_last_lr(), tensor({0.1, 0.05}, kFloat64));
    Tensor expected = load("sched_" + name);
    for (int64_t i = 0; i < 15; ++i) {
      opt.step();
      s->step();
      check_lrs(s->get_last_lr(), expected[i]);
      CHECK(opt.param_groups()[1].options().get_lr() == Approx(expected[i][1].item<double>()).epsilon(1e-12));
    }
  }
}

TEST_CASE("ReduceLROnPlateau gives PyTorch's lrs", "[nn][optim]") {
  std::vector<Tensor> keep;
  Tensor metrics = load("plateau_metrics");
  using P = ReduceLROnPlateau;
  for (const std::string name : {"plateau_min", "plateau_max_abs"}) {
    INFO(name);
    SGD opt = sched_optimizer(keep);
    auto s = name == "plateau_min"
                 ? P(opt, P::SchedulerMode::min, 0.5, 2, 1e-4, P::ThresholdMode::rel, 1, {0.02, 0.01})
                 : P(opt, P::SchedulerMode::max, 0.5, 1, 0.05, P::ThresholdMode::abs);
    Tensor expected = load("sched_" + name);
    for (int64_t i = 0; i < metrics.numel(); ++i) {
      s.step(metrics[i].item<double>());
      check_lrs(s.get_last_lr(), expected[i]);
    }
  }
  CHECK_THROWS_WITH(P(*std::make_unique<SGD>(std::vector<Tensor>{}, SGDOptions(0.1)), P::SchedulerMode::min, 1.5),
                    Catch::Contains("[ReduceLROnPlateau] expected factor < 1"));
}
