// nn/convis/models/lnfdlnf.cpp: LNFDLNF (Note [LNFDLNF feedback] in lnfdlnf.h).
#include "convis/nn/convis/models/lnfdlnf.h"

#include "convis/core/error.h"
#include "convis/nn/convis/models/ln.h"

namespace convis::models {

LNFDLNFImpl::LNFDLNFImpl(Shape kernel_dim, bool bias, int64_t feedback_length, bool population) {
  CONVIS_CHECK(feedback_length >= 1, "LNFDLNF", "expected a feedback_length >= 1, got {}", feedback_length);
  CONVIS_CHECK(kernel_dim.size() == 3, "LNFDLNF", "expected a kernel_dim of 3 values (t, x, y), got {}", kernel_dim);
  conv1 = register_module("conv1", make_linear_stage(kernel_dim, bias, true));
  feedback1 = register_module("feedback1", std::make_shared<filters::Conv3dImpl>(1, 1, Shape{feedback_length, 1, 1}, bias));
  delay = register_module("delay", std::make_shared<filters::VariableDelayImpl>());
  conv2 = register_module("conv2", make_linear_stage(kernel_dim, bias, population));
  feedback2 = register_module("feedback2", std::make_shared<filters::Conv3dImpl>(1, 1, Shape{feedback_length, 1, 1}, bias));
}

Tensor LNFDLNFImpl::forward(const Tensor& input) {
  Tensor x = rectify(conv1->forward(input));
  x = x - feedback1->forward(x);
  x = delay->forward(x);
  x = rectify(conv2->forward(x));
  return x - feedback2->forward(x);
}

}  // namespace convis::models
