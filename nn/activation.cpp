// nn/activation.cpp: Softplus, GELU and the erf they need.
#include "convis/nn/activation.h"

#include <cmath>
#include <numbers>

#include "convis/autograd/function.h"
#include "convis/core/factory.h"

namespace convis::nn {

namespace {

// Note [erf as a Function]
// core has no erf op, so GELU's exact form uses this: the forward evaluates std::erf
// element by element on a contiguous CPU copy; the backward is written with public ops,
// so it is differentiable again.
struct ErfFunction : autograd::Function<ErfFunction> {
  static Tensor forward(autograd::AutogradContext* ctx, Tensor x) {
    ctx->save_for_backward({x});
    Tensor src = x.detach().cpu().contiguous().to(kFloat64);
    Tensor out = empty_like(src);
    const double* in = src.data_ptr<double>();
    double* o = out.data_ptr<double>();
    for (int64_t i = 0; i < src.numel(); ++i) o[i] = std::erf(in[i]);
    return out.to(x.device(), x.is_floating_point() ? x.dtype() : kFloat32);
  }
  static autograd::variable_list backward(autograd::AutogradContext* ctx, autograd::variable_list g) {
    Tensor x = ctx->get_saved_variables()[0];
    return {g[0] * (x.square().neg().exp() * (2.0 / std::sqrt(std::numbers::pi)))};
  }
};

}  // namespace

namespace detail {
Tensor erf(const Tensor& x) { return ErfFunction::apply(x); }
}  // namespace detail

Tensor Softplus::forward(const Tensor& input) {
  // Clamping before exp keeps both the value and the gradient finite where x is returned.
  Tensor z = input * options.beta();
  Tensor soft = z.clamp_max(options.threshold()).exp().log1p() / options.beta();
  return where(z > options.threshold(), input, soft);
}

GELU::GELU(const GELUOptions& options_) : options(options_) {
  CONVIS_CHECK(options.approximate() == "none" || options.approximate() == "tanh", "GELU",
               "expected approximate \"none\" or \"tanh\", got \"{}\"", options.approximate());
}

Tensor GELU::forward(const Tensor& input) {
  if (options.approximate() == "tanh") {
    const double k = std::sqrt(2.0 / std::numbers::pi);
    return input * 0.5 * ((input + input * input.square() * 0.044715) * k).tanh().add(1.0);
  }
  return input * 0.5 * detail::erf(input * (1.0 / std::sqrt(2.0))).add(1.0);
}

}  // namespace convis::nn
