// nn/optim/sgd.h: stochastic gradient descent with momentum, dampening, Nesterov and weight
// decay, step for step as PyTorch 1.13's torch.optim.SGD.
//
//   optim::SGD opt(model->parameters(), optim::SGDOptions(0.1).momentum(0.9).nesterov(true));
//   opt.zero_grad(); loss.backward(); opt.step();
//
// Per step, with g the gradient:  g += wd p;  b = g (first step) or mu b + (1 - dampening) g;
// g = nesterov ? g + mu b : b (when momentum != 0);  p -= lr g.
#pragma once

#include "convis/nn/optim/optimizer.h"

namespace convis::optim {

struct SGDOptions : OptimizerCloneableOptions<SGDOptions> {
  SGDOptions(double lr) : lr_(lr) {}  // NOLINT: implicit, as LibTorch's
  SGDOptions& lr(double v) { lr_ = v; return *this; }
  SGDOptions& momentum(double v) { momentum_ = v; return *this; }
  SGDOptions& dampening(double v) { dampening_ = v; return *this; }
  SGDOptions& weight_decay(double v) { weight_decay_ = v; return *this; }
  SGDOptions& nesterov(bool v) { nesterov_ = v; return *this; }
  double lr() const { return lr_; }
  double momentum() const { return momentum_; }
  double dampening() const { return dampening_; }
  double weight_decay() const { return weight_decay_; }
  bool nesterov() const { return nesterov_; }

 private:
  double lr_, momentum_ = 0, dampening_ = 0, weight_decay_ = 0;
  bool nesterov_ = false;
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, SGDOptions defaults);
  SGD(std::vector<OptimizerParamGroup> param_groups, SGDOptions defaults);
  Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace convis::optim
