// nn/activation.cpp: Softplus and GELU, the layer forms of nn::functional's functions.
#include "convis/nn/activation.h"

#include "convis/nn/functional.h"

namespace convis::nn {

Tensor SoftplusImpl::forward(const Tensor& input) {
  return functional::softplus(input, options.beta(), options.threshold());
}

GELUImpl::GELUImpl(const GELUOptions& options_) : options(options_) {
  CONVIS_CHECK(options.approximate() == "none" || options.approximate() == "tanh", "GELU",
               "expected approximate \"none\" or \"tanh\", got \"{}\"", options.approximate());
}

Tensor GELUImpl::forward(const Tensor& input) { return functional::gelu(input, options.approximate()); }

}  // namespace convis::nn
