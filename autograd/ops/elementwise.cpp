// autograd/ops/elementwise.cpp: the public differentiable elementwise ops, forward and backward side by side.
#include "convis/autograd/ops/op_list.h"

namespace convis::autograd {

const std::vector<std::string>& elementwise_differentiable_ops() {
  static const std::vector<std::string> ops = {};
  return ops;
}

}  // namespace convis::autograd
