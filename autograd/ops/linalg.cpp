// autograd/ops/linalg.cpp: the public differentiable linalg ops, forward and backward side by side.
#include "convis/autograd/ops/op_list.h"

namespace convis::autograd {

const std::vector<std::string>& linalg_differentiable_ops() {
  static const std::vector<std::string> ops = {};
  return ops;
}

}  // namespace convis::autograd
