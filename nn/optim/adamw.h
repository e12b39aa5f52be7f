// nn/optim/adamw.h: AdamW, Adam with decoupled weight decay, as PyTorch 1.13's torch.optim.AdamW.
//
//   optim::AdamW opt(model->parameters(), optim::AdamWOptions(1e-3).weight_decay(1e-2));
//
// Per step: p *= 1 - lr wd, then the Adam update (adam.h) on the plain gradient.
#pragma once

#include <tuple>

#include "convis/nn/optim/adam.h"

namespace convis::optim {

struct AdamWOptions : OptimizerCloneableOptions<AdamWOptions> {
  AdamWOptions(double lr = 1e-3) : lr_(lr) {}  // NOLINT: implicit, as LibTorch's
  AdamWOptions& lr(double v) { lr_ = v; return *this; }
  AdamWOptions& betas(std::tuple<double, double> v) { betas_ = v; return *this; }
  AdamWOptions& eps(double v) { eps_ = v; return *this; }
  AdamWOptions& weight_decay(double v) { weight_decay_ = v; return *this; }
  AdamWOptions& amsgrad(bool v) { amsgrad_ = v; return *this; }
  double lr() const { return lr_; }
  std::tuple<double, double> betas() const { return betas_; }
  double eps() const { return eps_; }
  double weight_decay() const { return weight_decay_; }
  bool amsgrad() const { return amsgrad_; }

 private:
  double lr_;
  std::tuple<double, double> betas_{0.9, 0.999};
  double eps_ = 1e-8, weight_decay_ = 1e-2;
  bool amsgrad_ = false;
};

class AdamW : public Optimizer {
 public:
  AdamW(std::vector<Tensor> params, AdamWOptions defaults = {});
  AdamW(std::vector<OptimizerParamGroup> param_groups, AdamWOptions defaults = {});
  Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace convis::optim
