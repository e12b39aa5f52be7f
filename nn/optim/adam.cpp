// nn/optim/adam.cpp: Adam and AdamW (see adam.h, adamw.h).
#include "convis/nn/optim/adam.h"

#include <cmath>

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/nn/optim/adamw.h"

namespace convis::optim {

namespace {
template <typename Options>
void check_options(const Options& o, const char* op) {
  auto [b1, b2] = o.betas();
  CONVIS_CHECK(o.lr() >= 0, op, "expected lr >= 0, got {}", o.lr());
  CONVIS_CHECK(o.eps() >= 0, op, "expected eps >= 0, got {}", o.eps());
  CONVIS_CHECK(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1, op, "expected betas in [0, 1), got ({}, {})", b1, b2);
  CONVIS_CHECK(o.weight_decay() >= 0, op, "expected weight_decay >= 0, got {}", o.weight_decay());
}
}  // namespace

namespace detail {

void adam_update(Tensor& p, const Tensor& grad, OptimizerParamState& state, double lr, double beta1, double beta2,
                 double eps, bool amsgrad) {
  if (!state.has("exp_avg")) {
    state.buffers["exp_avg"] = zeros_like(p);
    state.buffers["exp_avg_sq"] = zeros_like(p);
    if (amsgrad) state.buffers["max_exp_avg_sq"] = zeros_like(p);
  }
  Tensor& exp_avg = state.buffers["exp_avg"];
  Tensor& exp_avg_sq = state.buffers["exp_avg_sq"];
  int64_t step = ++state.step;
  exp_avg.mul_(beta1).add_(grad, 1 - beta1);
  exp_avg_sq.mul_(beta2).add_(grad * grad, 1 - beta2);
  double bias_correction1 = 1 - std::pow(beta1, double(step));
  double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, double(step)));
  Tensor second = exp_avg_sq;
  if (amsgrad) {
    Tensor& max_sq = state.buffers["max_exp_avg_sq"];
    max_sq.copy_(maximum(max_sq, exp_avg_sq));
    second = max_sq;
  }
  Tensor denom = (second.sqrt() / bias_correction2_sqrt).add_(eps);
  p.add_(exp_avg / denom, -lr / bias_correction1);
}

}  // namespace detail

Adam::Adam(std::vector<Tensor> params, AdamOptions defaults)
    : Adam(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

Adam::Adam(std::vector<OptimizerParamGroup> param_groups, AdamOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<AdamOptions>(defaults)) {
  check_options(defaults, "Adam");
}

Tensor Adam::step(LossClosure closure) {
  Tensor loss = evaluate(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups()) {
    const auto& o = group_options<AdamOptions>(group, "Adam");
    auto [beta1, beta2] = o.betas();
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      Tensor grad = o.weight_decay() != 0 ? p.grad().add(p, o.weight_decay()) : p.grad();
      detail::adam_update(p, grad, param_state(p), o.lr(), beta1, beta2, o.eps(), o.amsgrad());
    }
  }
  return loss;
}

AdamW::AdamW(std::vector<Tensor> params, AdamWOptions defaults)
    : AdamW(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

AdamW::AdamW(std::vector<OptimizerParamGroup> param_groups, AdamWOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<AdamWOptions>(defaults)) {
  check_options(defaults, "AdamW");
}

Tensor AdamW::step(LossClosure closure) {
  Tensor loss = evaluate(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups()) {
    const auto& o = group_options<AdamWOptions>(group, "AdamW");
    auto [beta1, beta2] = o.betas();
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      p.mul_(1 - o.lr() * o.weight_decay());
      detail::adam_update(p, p.grad(), param_state(p), o.lr(), beta1, beta2, o.eps(), o.amsgrad());
    }
  }
  return loss;
}

}  // namespace convis::optim
