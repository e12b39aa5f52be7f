// nn/optim/rmsprop_adagrad.cpp: RMSprop and Adagrad (see rmsprop.h, adagrad.h).
#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/nn/optim/adagrad.h"
#include "convis/nn/optim/rmsprop.h"

namespace convis::optim {

RMSprop::RMSprop(std::vector<Tensor> params, RMSpropOptions defaults)
    : RMSprop(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

RMSprop::RMSprop(std::vector<OptimizerParamGroup> param_groups, RMSpropOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<RMSpropOptions>(defaults)) {
  CONVIS_CHECK(defaults.lr() >= 0, "RMSprop", "expected lr >= 0, got {}", defaults.lr());
  CONVIS_CHECK(defaults.alpha() >= 0, "RMSprop", "expected alpha >= 0, got {}", defaults.alpha());
  CONVIS_CHECK(defaults.momentum() >= 0, "RMSprop", "expected momentum >= 0, got {}", defaults.momentum());
}

Tensor RMSprop::step(LossClosure closure) {
  Tensor loss = evaluate(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups()) {
    const auto& o = group_options<RMSpropOptions>(group, "RMSprop");
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      OptimizerParamState& state = param_state(p);
      if (!state.has("square_avg")) {
        state.buffers["square_avg"] = zeros_like(p);
        if (o.momentum() > 0) state.buffers["momentum_buffer"] = zeros_like(p);
        if (o.centered()) state.buffers["grad_avg"] = zeros_like(p);
      }
      ++state.step;
      Tensor grad = o.weight_decay() != 0 ? p.grad().add(p, o.weight_decay()) : p.grad();
      Tensor& square_avg = state.buffers["square_avg"];
      square_avg.mul_(o.alpha()).add_(grad * grad, 1 - o.alpha());
      Tensor avg;
      if (o.centered()) {
        Tensor& grad_avg = state.buffers["grad_avg"];
        grad_avg.mul_(o.alpha()).add_(grad, 1 - o.alpha());
        avg = (square_avg - grad_avg * grad_avg).sqrt_();
      } else {
        avg = square_avg.sqrt();
      }
      avg.add_(o.eps());
      if (o.momentum() > 0) {
        Tensor& buf = state.buffers["momentum_buffer"];
        buf.mul_(o.momentum()).add_(grad / avg);
        p.add_(buf, -o.lr());
      } else {
        p.add_(grad / avg, -o.lr());
      }
    }
  }
  return loss;
}

Adagrad::Adagrad(std::vector<Tensor> params, AdagradOptions defaults)
    : Adagrad(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

Adagrad::Adagrad(std::vector<OptimizerParamGroup> param_groups, AdagradOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<AdagradOptions>(defaults)) {
  CONVIS_CHECK(defaults.lr() >= 0, "Adagrad", "expected lr >= 0, got {}", defaults.lr());
  CONVIS_CHECK(defaults.lr_decay() >= 0, "Adagrad", "expected lr_decay >= 0, got {}", defaults.lr_decay());
  CONVIS_CHECK(defaults.initial_accumulator_value() >= 0, "Adagrad",
               "expected initial_accumulator_value >= 0, got {}", defaults.initial_accumulator_value());
  // As PyTorch, the accumulators exist from construction on.
  for (auto& group : this->param_groups()) {
    const auto& o = group_options<AdagradOptions>(group, "Adagrad");
    for (Tensor& p : group.params()) {
      param_state(p).buffers["sum"] = full_like(p, o.initial_accumulator_value());
    }
  }
}

Tensor Adagrad::step(LossClosure closure) {
  Tensor loss = evaluate(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups()) {
    const auto& o = group_options<AdagradOptions>(group, "Adagrad");
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      OptimizerParamState& state = param_state(p);
      if (!state.has("sum")) state.buffers["sum"] = full_like(p, o.initial_accumulator_value());
      int64_t step = ++state.step;
      Tensor grad = o.weight_decay() != 0 ? p.grad().add(p, o.weight_decay()) : p.grad();
      double clr = o.lr() / (1 + double(step - 1) * o.lr_decay());
      Tensor& sum = state.buffers["sum"];
      sum.add_(grad * grad);
      p.add_(grad / sum.sqrt().add_(o.eps()), -clr);
    }
  }
  return loss;
}

}  // namespace convis::optim
