// autograd/ops/reduce.cpp: the public differentiable reduce ops, forward and backward side by side.
#include "convis/autograd/ops/op_list.h"

namespace convis::autograd {

const std::vector<std::string>& reduce_differentiable_ops() {
  static const std::vector<std::string> ops = {};
  return ops;
}

}  // namespace convis::autograd
