// nn/optim/optimizer_inl.h: template definitions for optimizer.h (include optimizer.h instead).
#pragma once

#include "convis/core/error.h"
#include "convis/nn/optim/optimizer.h"

namespace convis::optim {

template <typename Options>
Options& group_options(OptimizerParamGroup& group, const char* op) {
  auto* options = dynamic_cast<Options*>(&group.options());
  CONVIS_CHECK(options != nullptr, op, "expected every param group to hold {} options, got another kind", op);
  return *options;
}

}  // namespace convis::optim
