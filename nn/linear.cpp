// nn/linear.cpp
#include "convis/nn/linear.h"

#include "convis/core/factory.h"
#include "convis/core/ops.h"

namespace convis::nn {

LinearImpl::LinearImpl(const LinearOptions& options_) : options(options_) { reset(); }

void LinearImpl::reset() {
  CONVIS_CHECK(options.in_features() >= 0 && options.out_features() >= 0, "Linear",
               "expected non-negative in_features and out_features, got {} and {}", options.in_features(),
               options.out_features());
  weight = register_parameter("weight", empty({options.out_features(), options.in_features()}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_features()}) : Tensor(), options.bias());
  reset_parameters();
}

void LinearImpl::reset_parameters() {
  detail::kaiming_uniform_sqrt5_(weight);
  if (bias.defined()) detail::bias_uniform_(bias, weight);
}

Tensor LinearImpl::forward(const Tensor& input) {
  CONVIS_CHECK(input.dim() >= 1 && input.size(-1) == options.in_features(), "Linear",
               "expected an input whose last dim is in_features={}, got shape {}", options.in_features(),
               input.sizes());
  Tensor out = matmul(input, weight.t());
  return bias.defined() ? out + bias : out;
}

void LinearImpl::pretty_print(std::ostream& stream) const {
  stream << "convis::nn::Linear(in_features=" << options.in_features() << ", out_features=" << options.out_features()
         << ", bias=" << (options.bias() ? "true" : "false") << ")";
}

}  // namespace convis::nn
