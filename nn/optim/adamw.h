// nn/optim/adamw.h: AdamW, Adam with decoupled weight decay, as PyTorch 1.13's torch.optim.AdamW.
//
//   optim::AdamW opt(model->parameters(), optim::AdamWOptions(1e-3).weight_decay(1e-2));
//
// Per step: p *= 1 - lr wd, then the Adam update (adam.h) on the plain gradient.
#pragma once

#include <tuple>

#include "convis/nn/optim/adam.h"

namespace convis::optim {

struct AdamWOptions : AdamLikeOptions<AdamWOptions> {
  AdamWOptions(double lr = 1e-3) : AdamLikeOptions(lr, 1e-2) {}  // NOLINT: implicit, as LibTorch's
};

class AdamW : public Optimizer {
 public:
  AdamW(std::vector<Tensor> params, AdamWOptions defaults = {});
  AdamW(std::vector<OptimizerParamGroup> param_groups, AdamWOptions defaults = {});
  Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace convis::optim
