// nn/optim/rmsprop.h: RMSprop (optionally centered, with momentum), as PyTorch 1.13's torch.optim.RMSprop.
//
//   optim::RMSprop opt(model->parameters(), optim::RMSpropOptions(1e-2).momentum(0.9).centered(true));
//
// Per step:  g += wd p;  v = a v + (1 - a) g^2;  centered: m = a m + (1 - a) g, avg = sqrt(v - m^2),
// else avg = sqrt(v);  avg += eps;  momentum: b = mu b + g / avg, p -= lr b;  else p -= lr g / avg.
#pragma once

#include "convis/nn/optim/optimizer.h"

namespace convis::optim {

struct RMSpropOptions : OptimizerCloneableOptions<RMSpropOptions> {
  RMSpropOptions(double lr = 1e-2) : lr_(lr) {}  // NOLINT: implicit, as LibTorch's
  RMSpropOptions& lr(double v) { lr_ = v; return *this; }
  RMSpropOptions& alpha(double v) { alpha_ = v; return *this; }
  RMSpropOptions& eps(double v) { eps_ = v; return *this; }
  RMSpropOptions& weight_decay(double v) { weight_decay_ = v; return *this; }
  RMSpropOptions& momentum(double v) { momentum_ = v; return *this; }
  RMSpropOptions& centered(bool v) { centered_ = v; return *this; }
  double lr() const { return lr_; }
  double alpha() const { return alpha_; }
  double eps() const { return eps_; }
  double weight_decay() const { return weight_decay_; }
  double momentum() const { return momentum_; }
  bool centered() const { return centered_; }

 private:
  double lr_, alpha_ = 0.99, eps_ = 1e-8, weight_decay_ = 0, momentum_ = 0;
  bool centered_ = false;
};

class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, RMSpropOptions defaults = {});
  RMSprop(std::vector<OptimizerParamGroup> param_groups, RMSpropOptions defaults = {});
  Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace convis::optim
