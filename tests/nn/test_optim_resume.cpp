// Optimizer::save / Optimizer::load (Note [Optimizer files]): a run saved half-way and resumed
// in fresh objects ends with the very parameters of an uninterrupted run, for every optimizer;
// the saved lr comes back; bad files are Errors.
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "helpers.h"

using namespace convis;
using namespace convis::optim;
using convis_test::same_bits;

namespace {

std::string scratch(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("convis_optim_" + std::to_string(getpid()) + "_" + name)).string();
}

using MakeOptimizer = std::function<std::unique_ptr<Optimizer>(std::vector<Tensor>)>;

// A small MLP in float64, the same weights every time.
nn::Sequential make_model() {
  manual_seed(21);
  nn::Sequential model(nn::Linear(4, 8), nn::Tanh(), nn::Linear(8, 1));
  model->to(kFloat64);
  return model;
}

void train(nn::Sequential& model, Optimizer& opt, int first, int steps) {
  for (int i = first; i < first + steps; ++i) {
    manual_seed(100 + i);  // the batch of step i, whoever runs it
    Tensor x = randn({16, 4}, kFloat64), y = randn({16, 1}, kFloat64);
    opt.step([&] {
      opt.zero_grad();
      Tensor loss = nn::functional::mse_loss(model->forward(x), y);
      loss.backward();
      return loss;
    });
  }
}

}  // namespace

TEST_CASE("Optimizer::save and load: a resumed run equals an uninterrupted one, bit for bit", "[nn][optim][atomic]") {
  const std::vector<std::pair<std::string, MakeOptimizer>> optimizers = {
      {"SGD", [](std::vector<Tensor> p) { return std::make_unique<SGD>(p, SGDOptions(0.05).momentum(0.9).nesterov(true)); }},
      {"Adam", [](std::vector<Tensor> p) { return std::make_unique<Adam>(p, AdamOptions(1e-2).amsgrad(true)); }},
      {"AdamW", [](std::vector<Tensor> p) { return std::make_unique<AdamW>(p, AdamWOptions(1e-2)); }},
      {"RMSprop", [](std::vector<Tensor> p) { return std::make_unique<RMSprop>(p, RMSpropOptions(1e-2)); }},
      {"Adagrad", [](std::vector<Tensor> p) { return std::make_unique<Adagrad>(p, AdagradOptions(1e-1)); }},
      {"LBFGS", [](std::vector<Tensor> p) { return std::make_unique<LBFGS>(p, LBFGSOptions(0.5)); }},
  };
  const std::string model_file = scratch("model.safetensors"), opt_file = scratch("opt.safetensors");
  for (const auto& [name, make] : optimizers) {
    INFO(name);
    nn::Sequential whole = make_model();
    auto whole_opt = make(whole->parameters());
    train(whole, *whole_opt, 0, 8);

    nn::Sequential first = make_model();
    auto first_opt = make(first->parameters());
    train(first, *first_opt, 0, 4);
    first->save(model_file);
    first_opt->save(opt_file);

    nn::Sequential resumed = make_model();  // fresh objects, as after a crash
    auto resumed_opt = make(resumed->parameters());
    resumed->load(model_file);
    resumed_opt->load(opt_file);
    train(resumed, *resumed_opt, 4, 4);
    const auto want = whole->parameters(), got = resumed->parameters();
    REQUIRE(want.size() == got.size());
    for (size_t i = 0; i < want.size(); ++i) CHECK(same_bits(got[i], want[i]));
  }
  std::filesystem::remove(model_file);
  std::filesystem::remove(opt_file);
}

TEST_CASE("Optimizer::load: the saved lr, and files that do not fit", "[nn][optim][atomic]") {
  const std::string path = scratch("opt.safetensors");
  nn::Sequential model = make_model();
  SGD opt(model->parameters(), SGDOptions(0.1).momentum(0.5));
  train(model, opt, 0, 2);
  opt.param_groups()[0].options().set_lr(0.025);  // as a scheduler would
  opt.save(path);
  SGD other(model->parameters(), SGDOptions(0.1).momentum(0.5));
  other.load(path);
  CHECK(other.param_groups()[0].options().get_lr() == 0.025);
  nn::Linear small(2, 2);
  SGD wrong(small->parameters(), SGDOptions(0.1));
  CHECK_THROWS_WITH(wrong.load(path), Catch::Contains("[Optimizer.load] expected group 0 of '") &&
                                          Catch::Contains("to hold 2 parameters, got 4"));
  save_safetensors(path, TensorDict("Tensor"));
  CHECK_THROWS_WITH(other.load(path), Catch::Contains("expected an optimizer file saved by Optimizer::save"));
  TensorDict foreign("Tensor");
  foreign.insert("weight", ones({2}));
  save_safetensors(path, foreign, {{"convis.optimizer", "1"}, {"groups", "1"}, {"group.0.params", "4"}, {"group.0.lr", "0.1"}});
  CHECK_THROWS_WITH(other.load(path), Catch::Contains("[Optimizer.load] expected tensors named state.<i>.buffer.<name>") &&
                                          Catch::Contains("got 'weight'"));
  save_safetensors(path, TensorDict("Tensor"), {{"convis.optimizer", "1"}, {"groups", "two"}});
  CHECK_THROWS_WITH(other.load(path), Catch::Contains("expected a count for 'groups'") && Catch::Contains("got 'two'"));
  CHECK_THROWS_WITH(other.load(scratch("missing.safetensors")), Catch::Contains("missing.safetensors"));
  // Found by the fuzz target optimizer_load (fuzz/regressions/optimizer_load): a missing lr was
  // std::out_of_range from map::at; a text lr or number read as 0; a list length of 2^62 was
  // a resize to exabytes; an index past int64 was undefined behaviour in atoll.
  const std::map<std::string, std::string> head{{"convis.optimizer", "1"}, {"groups", "1"}, {"group.0.params", "4"}};
  auto with = [&](std::map<std::string, std::string> extra) {
    extra.insert(head.begin(), head.end());
    save_safetensors(path, TensorDict("Tensor"), extra);
  };
  with({});
  CHECK_THROWS_WITH(other.load(path), Catch::Contains("expected 'group.0.lr' in the metadata"));
  with({{"group.0.lr", "fast"}});
  CHECK_THROWS_WITH(other.load(path), Catch::Contains("expected a finite number for 'group.0.lr'"));
  with({{"group.0.lr", "0.1"}, {"state.0.number.beta", "1e999"}});
  CHECK_THROWS_WITH(other.load(path), Catch::Contains("expected a finite number for 'state.0.number.beta'"));
  with({{"group.0.lr", "0.1"}, {"state.0.list.history", "4611686018427387904"}});
  CHECK_THROWS_WITH(other.load(path), Catch::Contains("expected a list length of at most 0"));
  with({{"group.0.lr", "0.1"}, {"state.99999999999999999999.step", "1"}});
  other.load(path);  // not a state key (more than 18 digits): ignored, as any other metadata
  with({{"group.0.lr", "0.1"}, {"state.7.step", "1"}});
  CHECK_THROWS_WITH(other.load(path), Catch::Contains("expected states of parameters 0..3, got parameter 7"));
  std::filesystem::remove(path);
}
