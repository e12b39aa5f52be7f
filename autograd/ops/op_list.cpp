#include "convis/autograd/ops/op_list.h"

namespace convis::autograd {

std::vector<std::string> differentiable_ops() {
  std::vector<std::string> all;
  for (const auto* list : {&elementwise_differentiable_ops(), &reduce_differentiable_ops(),
                           &shape_differentiable_ops(), &linalg_differentiable_ops()})
    all.insert(all.end(), list->begin(), list->end());
  return all;
}

}  // namespace convis::autograd
