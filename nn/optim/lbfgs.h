// nn/optim/lbfgs.h: limited-memory BFGS with an optional strong-Wolfe line search, iteration
// for iteration as PyTorch 1.13's torch.optim.LBFGS.  One param group only; step needs a closure.
//
//   optim::LBFGS opt({x}, optim::LBFGSOptions(1).max_iter(20).line_search_fn("strong_wolfe"));
//   auto closure = [&] {
//     opt.zero_grad();
//     Tensor loss = rosenbrock(x);
//     loss.backward();
//     return loss;
//   };
//   for (int i = 0; i < 10; ++i) opt.step(closure);   // each step runs up to max_iter iterations
//
// See Note [LBFGS] in lbfgs.cpp for the iteration.
#pragma once

#include <optional>
#include <string>

#include "convis/nn/optim/optimizer.h"

namespace convis::optim {

struct LBFGSOptions : OptimizerCloneableOptions<LBFGSOptions> {
  LBFGSOptions(double lr = 1) : lr_(lr) {}  // NOLINT: implicit, as LibTorch's
  LBFGSOptions& lr(double v) { lr_ = v; return *this; }
  LBFGSOptions& max_iter(int64_t v) { max_iter_ = v; return *this; }
  LBFGSOptions& max_eval(std::optional<int64_t> v) { max_eval_ = v; return *this; }
  LBFGSOptions& tolerance_grad(double v) { tolerance_grad_ = v; return *this; }
  LBFGSOptions& tolerance_change(double v) { tolerance_change_ = v; return *this; }
  LBFGSOptions& history_size(int64_t v) { history_size_ = v; return *this; }
  LBFGSOptions& line_search_fn(std::optional<std::string> v) { line_search_fn_ = std::move(v); return *this; }
  double lr() const { return lr_; }
  int64_t max_iter() const { return max_iter_; }
  std::optional<int64_t> max_eval() const { return max_eval_; }  // unset: max_iter * 5 / 4
  double tolerance_grad() const { return tolerance_grad_; }
  double tolerance_change() const { return tolerance_change_; }
  int64_t history_size() const { return history_size_; }
  const std::optional<std::string>& line_search_fn() const { return line_search_fn_; }

 private:
  double lr_;
  int64_t max_iter_ = 20;
  std::optional<int64_t> max_eval_;
  double tolerance_grad_ = 1e-7, tolerance_change_ = 1e-9;
  int64_t history_size_ = 100;
  std::optional<std::string> line_search_fn_;
};

class LBFGS : public Optimizer {
 public:
  LBFGS(std::vector<Tensor> params, LBFGSOptions defaults = {});
  LBFGS(std::vector<OptimizerParamGroup> param_groups, LBFGSOptions defaults = {});
  // Runs up to max_iter iterations; returns the loss the closure gave first.
  Tensor step(LossClosure closure = nullptr) override;  // a closure is required

 private:
  struct Move {  // one iteration's move along d: where it ends and what it cost
    double loss;
    Tensor flat_grad;
    double t;
    int64_t evals;
    bool opt_cond;
  };
  void take_step(const LossClosure& closure, const LBFGSOptions& o, const Tensor& d, double gtd, bool last,
                 Move& move);
  Tensor gather_flat_grad() const;
  void add_grad(double t, const Tensor& d);
  std::vector<Tensor> clone_params() const;
  void set_params(const std::vector<Tensor>& values);
};

}  // namespace convis::optim
