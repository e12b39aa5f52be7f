// nn/functional.cpp: see functional.h.  Every function is a composition of public ops.
#include "convis/nn/functional.h"

#include <cmath>
#include <numbers>

#include "convis/autograd/function.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"

namespace convis::nn::functional {

namespace {

// Note [erf]
// core/ has no erf, so it is an autograd::Function: the forward evaluates std::erf on a
// contiguous copy (in double, rounded back to the input's dtype), the backward is
// g * 2/sqrt(pi) * exp(-x^2) written with ops, so it records a graph under create_graph
// and erf is differentiable to any order.
struct ErfFunction : autograd::Function<ErfFunction> {
  static Tensor forward(autograd::AutogradContext* ctx, Tensor x) {
    ctx->save_for_backward({x});
    Tensor xd = x.to(kFloat64).contiguous();
    Tensor yd = empty_like(xd);
    const double* in = xd.data_ptr<double>();
    double* out = yd.data_ptr<double>();
    for (int64_t i = 0, n = xd.numel(); i < n; ++i) out[i] = std::erf(in[i]);
    return yd.to(x.dtype());
  }
  static autograd::variable_list backward(autograd::AutogradContext* ctx, autograd::variable_list g) {
    Tensor x = ctx->get_saved_variables()[0];
    return {g[0] * (exp(-(x * x)) * (2.0 / std::sqrt(std::numbers::pi)))};
  }
};

// Note [BCE gradient]
// The loss clamps each log at -100, so at p = 0 or 1 the composed gradient would be
// 0 * inf = NaN.  LibTorch's backward is instead g (p - t) / max(p (1 - p), 1e-12), finite
// everywhere; this Function gives that (made of ops, so it differentiates again).
struct BinaryCrossEntropyFunction : autograd::Function<BinaryCrossEntropyFunction> {
  static Tensor forward(autograd::AutogradContext* ctx, Tensor p, Tensor t) {
    ctx->save_for_backward({p, t});
    return -(t * clamp_min(log(p), -100.0) + (1.0 - t) * clamp_min(log(1.0 - p), -100.0));
  }
  static autograd::variable_list backward(autograd::AutogradContext* ctx, autograd::variable_list g) {
    auto saved = ctx->get_saved_variables();
    const Tensor &p = saved[0], &t = saved[1];
    Tensor grad_p = g[0] * (p - t) / clamp_min(p * (1.0 - p), 1e-12);
    Tensor grad_t = ctx->needs_input_grad(1)
                        ? g[0] * (clamp_min(log(1.0 - p), -100.0) - clamp_min(log(p), -100.0))
                        : Tensor();
    return {grad_p, grad_t};
  }
};

// log(1 + exp(z)) without overflow; its gradient is sigmoid(z) everywhere (unlike forms built
// on abs or max, whose subgradient at 0 is off).  Above 30 the two differ by < 1e-13.
Tensor stable_softplus(const Tensor& z) { return where(z > 30.0, z, log1p(exp(clamp_max(z, 30.0)))); }

Tensor as_float(const Tensor& x) { return x.is_floating_point() ? x : x.to(get_default_dtype()); }

void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
  CONVIS_CHECK(input.sizes() == target.sizes(), op, "expected target of the input's shape {}, got shape {}",
               input.sizes(), target.sizes());
}

}  // namespace

Tensor apply_reduction(const Tensor& loss, Reduction reduction) {
  switch (reduction) {
    case Reduction::kMean: return loss.mean();
    case Reduction::kSum: return loss.sum();
    case Reduction::kNone: return loss;
  }
  return loss;
}

// ---- activations ----

Tensor erf(const Tensor& x) { return ErfFunction::apply(as_float(x)); }
Tensor relu(const Tensor& x) { return convis::relu(x); }
Tensor sigmoid(const Tensor& x) { return convis::sigmoid(x); }
Tensor tanh(const Tensor& x) { return convis::tanh(x); }

Tensor leaky_relu(const Tensor& x, double negative_slope) { return where(x > 0, x, x * negative_slope); }

Tensor elu(const Tensor& x, double alpha) {
  // expm1 sees only the non-positive part, so a large x never makes 0 * inf in the backward.
  return where(x > 0, x, expm1(clamp_max(x, 0.0)) * alpha);
}

Tensor gelu(const Tensor& x, const std::string& approximate) {
  if (approximate == "tanh") {
    const double k = std::sqrt(2.0 / std::numbers::pi);
    return x * 0.5 * (convis::tanh((x + x * x * x * 0.044715) * k) + 1.0);
  }
  CONVIS_CHECK(approximate == "none", "gelu", "expected approximate \"none\" or \"tanh\", got \"{}\"",
               approximate);
  return x * 0.5 * (erf(x * (1.0 / std::numbers::sqrt2)) + 1.0);
}

Tensor softplus(const Tensor& x, double beta, double threshold) {
  Tensor bx = x * beta;
  Tensor soft = log1p(exp(clamp_max(bx, threshold))) / beta;
  return where(bx > threshold, x, soft);
}

Tensor softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype) { return convis::softmax(x, dim, dtype); }
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  return convis::log_softmax(x, dim, dtype);
}

// ---- layers ----

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  CONVIS_CHECK(weight.dim() == 2, "linear", "expected a 2-D weight [out, in], got shape {}", weight.sizes());
  CONVIS_CHECK(x.dim() >= 1 && x.sizes().back() == weight.sizes()[1], "linear",
               "expected input with last dim {}, got shape {}", weight.sizes()[1], x.sizes());
  Tensor y = matmul(x, weight.t());
  return bias.defined() ? y + bias : y;
}

Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
              const Shape& padding, const Shape& dilation, int64_t groups) {
  return convis::conv3d(input, weight, bias, stride, padding, dilation, groups);
}

Tensor pad(const Tensor& x, const Shape& pads, PadMode mode, double value) { return convis::pad(x, pads, mode, value); }

Tensor dropout(const Tensor& x, double p, bool training) {
  CONVIS_CHECK(p >= 0 && p <= 1, "dropout", "expected a probability p in [0, 1], got {}", p);
  if (!training || p == 0) return x;
  if (p == 1) return x * 0.0;
  Tensor mask = bernoulli(full_like(x, 1 - p));
  return x * mask * (1.0 / (1 - p));
}

// ---- regression losses ----

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options) {
  check_same_shape(input, target, "mse_loss");
  return apply_reduction(square(input - target), options.reduction());
}
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return mse_loss(input, target, MSELossFuncOptions().reduction(reduction));
}

Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options) {
  check_same_shape(input, target, "l1_loss");
  return apply_reduction(abs(input - target), options.reduction());
}
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return l1_loss(input, target, L1LossFuncOptions().reduction(reduction));
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options) {
  check_same_shape(input, target, "smooth_l1_loss");
  double beta = options.beta();
  CONVIS_CHECK(beta >= 0, "smooth_l1_loss", "expected beta >= 0, got {}", beta);
  Tensor d = abs(input - target);
  if (beta == 0) return apply_reduction(d, options.reduction());
  Tensor loss = where(d < beta, square(d) * (0.5 / beta), d - 0.5 * beta);
  return apply_reduction(loss, options.reduction());
}
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction, double beta) {
  return smooth_l1_loss(input, target, SmoothL1LossFuncOptions().reduction(reduction).beta(beta));
}

Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, const PoissonNLLLossFuncOptions& options) {
  check_same_shape(input, target, "poisson_nll_loss");
  Tensor loss = options.log_input() ? exp(input) - target * input : input - target * log(input + options.eps());
  if (options.full()) {
    // Stirling's approximation of log(target!), only where target > 1.
    Tensor stirling = target * log(target) - target + log(target * (2 * std::numbers::pi)) * 0.5;
    loss = loss + masked_fill(stirling, target <= 1, 0.0);
  }
  return apply_reduction(loss, options.reduction());
}
Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return poisson_nll_loss(input, target, PoissonNLLLossFuncOptions().reduction(reduction));
}

// ---- binary classification ----

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const BinaryCrossEntropyFuncOptions& options) {
  check_same_shape(input, target, "binary_cross_entropy");
  Tensor loss = BinaryCrossEntropyFunction::apply(input, target);
  if (options.weight().defined()) loss = loss * options.weight();
  return apply_reduction(loss, options.reduction());
}
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction) {
  return binary_cross_entropy(input, target, BinaryCrossEntropyFuncOptions().reduction(reduction));
}

// Note [BCE with logits]
// -[pw t log s(x) + (1 - t) log(1 - s(x))] with log s(x) = -softplus(-x) and
// log(1 - s(x)) = -x - softplus(-x) is (1 - t) x + (1 + (pw - 1) t) softplus(-x): no
// exp of a large number, no log of 0, and the gradient s(x) (1 + (pw - 1) t) - pw t exact.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& options) {
  check_same_shape(input, target, "binary_cross_entropy_with_logits");
  Tensor sp = stable_softplus(-input);
  Tensor log_weight = options.pos_weight().defined() ? (options.pos_weight() - 1.0) * target + 1.0 : Tensor();
  Tensor loss = (1.0 - target) * input + (log_weight.defined() ? log_weight * sp : sp);
  if (options.weight().defined()) loss = loss * options.weight();
  return apply_reduction(loss, options.reduction());
}
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, Reduction reduction) {
  return binary_cross_entropy_with_logits(input, target,
                                          BinaryCrossEntropyWithLogitsFuncOptions().reduction(reduction));
}

}  // namespace convis::nn::functional
