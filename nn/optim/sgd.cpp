// nn/optim/sgd.cpp: see sgd.h.
#include "convis/nn/optim/sgd.h"

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"

namespace convis::optim {

namespace {
void check_options(const SGDOptions& o) {
  CONVIS_CHECK(o.lr() >= 0, "SGD", "expected lr >= 0, got {}", o.lr());
  CONVIS_CHECK(o.momentum() >= 0, "SGD", "expected momentum >= 0, got {}", o.momentum());
  CONVIS_CHECK(o.weight_decay() >= 0, "SGD", "expected weight_decay >= 0, got {}", o.weight_decay());
  CONVIS_CHECK(!o.nesterov() || (o.momentum() > 0 && o.dampening() == 0), "SGD",
               "expected momentum > 0 and dampening 0 for nesterov, got momentum {} and dampening {}",
               o.momentum(), o.dampening());
}
}  // namespace

SGD::SGD(std::vector<Tensor> params, SGDOptions defaults)
    : SGD(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

SGD::SGD(std::vector<OptimizerParamGroup> param_groups, SGDOptions defaults)
    : Optimizer(std::move(param_groups), std::make_unique<SGDOptions>(defaults)) {
  check_options(defaults);
}

Tensor SGD::step(LossClosure closure) {
  Tensor loss = evaluate(closure);
  NoGradGuard no_grad;
  for (auto& group : param_groups()) {
    const auto& o = group_options<SGDOptions>(group, "SGD");
    for (Tensor& p : group.params()) {
      if (!p.grad().defined()) continue;
      Tensor d_p = p.grad();
      if (o.weight_decay() != 0) d_p = d_p.add(p, o.weight_decay());
      if (o.momentum() != 0) {
        OptimizerParamState& state = param_state(p);
        Tensor& buf = state.buffers["momentum_buffer"];
        if (!buf.defined()) {
          buf = d_p.clone();
        } else {
          buf.mul_(o.momentum()).add_(d_p, 1 - o.dampening());
        }
        d_p = o.nesterov() ? d_p.add(buf, o.momentum()) : buf;
      }
      p.add_(d_p, -o.lr());
    }
  }
  return loss;
}

}  // namespace convis::optim
