// nn/optim/adam.h: Adam (with optional AMSGrad and L2 weight decay), step for step as
// PyTorch 1.13's torch.optim.Adam.
//
//   optim::Adam opt(model->parameters(), optim::AdamOptions(1e-3).betas({0.9, 0.999}).amsgrad(true));
//
// Per step t, with g the gradient:  g += wd p;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
// v_hat = amsgrad ? max(v_hat, v) : v;  p -= lr / (1 - b1^t) * m / (sqrt(v_hat) / sqrt(1 - b2^t) + eps).
#pragma once

#include <tuple>

#include "convis/nn/optim/optimizer.h"

namespace convis::optim {

// The options Adam and AdamW share, field for field; only the default weight decay differs
// (0 for Adam's L2 term, 1e-2 for AdamW's decoupled decay).  Derived is the options type
// itself, so the chained setters return it.
template <typename Derived>
struct AdamLikeOptions : OptimizerCloneableOptions<Derived> {
  Derived& lr(double v) { lr_ = v; return self(); }
  Derived& betas(std::tuple<double, double> v) { betas_ = v; return self(); }
  Derived& eps(double v) { eps_ = v; return self(); }
  Derived& weight_decay(double v) { weight_decay_ = v; return self(); }
  Derived& amsgrad(bool v) { amsgrad_ = v; return self(); }
  double lr() const { return lr_; }
  std::tuple<double, double> betas() const { return betas_; }
  double eps() const { return eps_; }
  double weight_decay() const { return weight_decay_; }
  bool amsgrad() const { return amsgrad_; }

 protected:
  AdamLikeOptions(double lr, double weight_decay) : lr_(lr), weight_decay_(weight_decay) {}

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
  double lr_;
  std::tuple<double, double> betas_{0.9, 0.999};
  double eps_ = 1e-8;
  double weight_decay_;
  bool amsgrad_ = false;
};

struct AdamOptions : AdamLikeOptions<AdamOptions> {
  AdamOptions(double lr = 1e-3) : AdamLikeOptions(lr, 0) {}  // NOLINT: implicit, as LibTorch's
};

class Adam : public Optimizer {
 public:
  Adam(std::vector<Tensor> params, AdamOptions defaults = {});
  Adam(std::vector<OptimizerParamGroup> param_groups, AdamOptions defaults = {});
  Tensor step(LossClosure closure = nullptr) override;
};

namespace detail {
// The Adam update of one parameter shared by Adam and AdamW (`grad` already holds any L2 term).
void adam_update(Tensor& p, const Tensor& grad, OptimizerParamState& state, double lr, double beta1, double beta2,
                 double eps, bool amsgrad);
}  // namespace detail

}  // namespace convis::optim
