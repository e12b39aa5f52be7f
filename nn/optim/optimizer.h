// nn/optim/optimizer.h: the base of every optimizer: parameter groups with their own options,
// per-parameter state, zero_grad, step, and an in-memory state_dict.
//
//   auto opt = optim::SGD(model->parameters(), optim::SGDOptions(0.1).momentum(0.9));
//   for (int i = 0; i < 100; ++i) {
//     opt.zero_grad();
//     Tensor loss = nn::functional::mse_loss(model->forward(x), y);
//     loss.backward();
//     opt.step();
//   }
//   auto saved = opt.state_dict();       // deep copy: options, step counts, buffers
//   opt.load_state_dict(saved);
//   opt.save("opt.safetensors");         // the same in a file; opt.load(...) to resume a run
//   // groups: {w} with the defaults, {b} with its own lr
//   std::vector<optim::OptimizerParamGroup> groups{{{w}}, {{b}, std::make_unique<optim::SGDOptions>(0.01)}};
//   optim::SGD opt2(groups, optim::SGDOptions(0.1));
//
// Updates run under NoGradGuard and in place on the parameters (so their versions move on).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "convis/core/tensor.h"

namespace convis::optim {

class OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  virtual double get_lr() const = 0;
  virtual void set_lr(double lr) = 0;
};

// CRTP helper: clone() for an options struct that has an `lr_` member.
template <typename Derived>
class OptimizerCloneableOptions : public OptimizerOptions {
 public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
  double get_lr() const override { return static_cast<const Derived&>(*this).lr(); }
  void set_lr(double lr) override { static_cast<Derived&>(*this).lr(lr); }
};

class OptimizerParamGroup {
 public:
  OptimizerParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}  // NOLINT: implicit
  OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  OptimizerParamGroup(const OptimizerParamGroup& other);
  OptimizerParamGroup& operator=(const OptimizerParamGroup& other);
  OptimizerParamGroup(OptimizerParamGroup&&) = default;
  OptimizerParamGroup& operator=(OptimizerParamGroup&&) = default;

  bool has_options() const { return options_ != nullptr; }
  OptimizerOptions& options();
  const OptimizerOptions& options() const;
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }
  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

// What an optimizer keeps for one parameter: a step count, named buffers (exp_avg,
// momentum_buffer, ...), and for LBFGS lists of tensors and plain numbers.
struct OptimizerParamState {
  int64_t step = 0;
  std::map<std::string, Tensor> buffers;
  std::map<std::string, std::vector<Tensor>> lists;
  std::map<std::string, double> numbers;
  bool has(const std::string& name) const { return buffers.count(name) != 0; }
};

// A deep copy of an optimizer's state.  Parameters are numbered in group order, as
// PyTorch's state_dict numbers them.
struct OptimizerStateDict {
  struct Group {
    std::shared_ptr<OptimizerOptions> options;
    std::vector<int64_t> params;
  };
  std::vector<Group> param_groups;
  std::map<int64_t, OptimizerParamState> state;
};

class Optimizer {
 public:
  using LossClosure = std::function<Tensor()>;

  Optimizer(std::vector<OptimizerParamGroup> param_groups, std::unique_ptr<OptimizerOptions> defaults);
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update; with a closure, first re-evaluates the loss (with grad mode on) and returns it.
  virtual Tensor step(LossClosure closure = nullptr) = 0;
  void zero_grad(bool set_to_none = true);
  void add_param_group(const OptimizerParamGroup& group);

  std::vector<OptimizerParamGroup>& param_groups() { return param_groups_; }
  const std::vector<OptimizerParamGroup>& param_groups() const { return param_groups_; }
  std::vector<Tensor> parameters() const;  // every group's, in order
  size_t size() const;                     // how many parameters
  const OptimizerOptions& defaults() const { return *defaults_; }
  std::map<const TensorImpl*, OptimizerParamState>& state() { return state_; }

  OptimizerStateDict state_dict() const;
  void load_state_dict(const OptimizerStateDict& dict);
  // The state to and from a safetensors file (Note [Optimizer files] in optimizer_io.cpp):
  // every parameter's step count, buffers, lists and numbers, and each group's lr.  Saved
  // atomically (Note [Atomic saves]); load() wants an optimizer of the same type built over
  // the same parameters, and then continues exactly where the saved one stopped.
  void save(const std::string& path) const;
  void load(const std::string& path);

 protected:
  // Runs the closure (if any) with grad mode on and returns its loss.
  static Tensor evaluate(const LossClosure& closure);
  OptimizerParamState& param_state(const Tensor& p) { return state_[p.unsafeGetTensorImpl()]; }
  bool has_state(const Tensor& p) const { return state_.count(p.unsafeGetTensorImpl()) != 0; }

 private:
  std::vector<OptimizerParamGroup> param_groups_;
  std::unique_ptr<OptimizerOptions> defaults_;
  std::map<const TensorImpl*, OptimizerParamState> state_;
};

// The options of `group` as the optimizer's own options type (checked).
template <typename Options>
Options& group_options(OptimizerParamGroup& group, const char* op);

}  // namespace convis::optim

#include "convis/nn/optim/optimizer_inl.h"
