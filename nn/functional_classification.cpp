// nn/functional_classification.cpp: nll_loss and cross_entropy (see functional.h).
#include <numeric>

#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/nn/functional.h"

namespace convis::nn::functional {

namespace {

// The weight of each target's class (1 without a weight), 0 where the target is ignored.
Tensor target_weights(const Tensor& safe_target, const Tensor& valid, const Tensor& weight, const Tensor& like) {
  Tensor w = weight.defined() ? index_select(weight, 0, safe_target.flatten()).view(safe_target.sizes())
                              : ones(safe_target.sizes(), like.options());
  return where(valid, w, 0.0);
}

void check_class_target(const Tensor& input, const Tensor& target, const char* op) {
  CONVIS_CHECK(target.dtype() == kInt64, op, "expected int64 class indices as target, got dtype {}",
               dtype_name(target.dtype()));
  CONVIS_CHECK(input.dim() >= 1, op, "expected input of shape [C] or [N, C, ...], got a 0-D tensor");
  Shape expected;
  for (int64_t d = 0; d < input.dim(); ++d) {
    if (d != (input.dim() == 1 ? 0 : 1)) expected.push_back(input.sizes()[d]);
  }
  CONVIS_CHECK(target.sizes() == expected, op, "expected target of shape {} for input of shape {}, got shape {}",
               expected, input.sizes(), target.sizes());
}

// Shape [1, C, 1, ...] (or [C] for 1-D input) to broadcast a per-class weight over input.
Tensor class_weight_view(const Tensor& weight, const Tensor& input) {
  if (input.dim() == 1) return weight;
  Shape shape(input.dim(), 1);
  shape[1] = input.sizes()[1];
  return weight.view(shape);
}

Tensor cross_entropy_probabilities(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& o) {
  CONVIS_CHECK(input.sizes() == target.sizes(), "cross_entropy",
               "expected probability targets of the input's shape {}, got shape {}", input.sizes(), target.sizes());
  int64_t class_dim = input.dim() == 1 ? 0 : 1;
  int64_t classes = input.sizes()[class_dim];
  Tensor logp = convis::log_softmax(input, class_dim);
  Tensor t = o.label_smoothing() > 0 ? target * (1 - o.label_smoothing()) + o.label_smoothing() / classes : target;
  Tensor prod = logp * t;
  if (o.weight().defined()) prod = prod * class_weight_view(o.weight(), input);
  Tensor loss = -prod.sum({class_dim});
  if (o.reduction() == Reduction::kMean) return loss.sum() / double(input.numel() / classes);
  return apply_reduction(loss, o.reduction());
}

}  // namespace

Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options) {
  check_class_target(input, target, "nll_loss");
  if (input.dim() == 1) {
    Tensor loss = nll_loss(input.unsqueeze(0), target.unsqueeze(0), options);
    return options.reduction() == Reduction::kNone ? loss.squeeze(0) : loss;
  }
  int64_t classes = input.sizes()[1];
  if (options.weight().defined()) {
    CONVIS_CHECK(options.weight().dim() == 1 && options.weight().numel() == classes, "nll_loss",
                 "expected a weight of shape [{}], got shape {}", classes, options.weight().sizes());
  }
  Tensor valid = target != options.ignore_index();
  Tensor safe = masked_fill(target, logical_not(valid), 0);
  CONVIS_CHECK(all(logical_and(safe >= 0, safe < classes)).item<bool>(), "nll_loss",
               "expected class indices in [0, {}), got a target out of range", classes);
  Tensor picked = gather(input, 1, safe.unsqueeze(1)).squeeze(1);
  Tensor w = target_weights(safe, valid, options.weight(), input);
  Tensor loss = -picked * w;
  if (options.reduction() == Reduction::kMean) return loss.sum() / w.sum();
  return apply_reduction(loss, options.reduction());
}
Tensor nll_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  return nll_loss(input, target, NLLLossFuncOptions().reduction(reduction));
}

// Note [Label smoothing]
// With smoothing s over C classes the target distribution is (1 - s) onehot + s / C, so the
// loss is (1 - s) nll + (s / C) sum_c -w_c logp_c.  As LibTorch, ignored targets add nothing
// and the mean divides the smooth part by the summed weights of the kept targets (their
// count without a weight).
Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& options) {
  double s = options.label_smoothing();
  CONVIS_CHECK(s >= 0 && s <= 1, "cross_entropy", "expected label_smoothing in [0, 1], got {}", s);
  if (target.is_floating_point()) return cross_entropy_probabilities(input, target, options);
  check_class_target(input, target, "cross_entropy");
  int64_t class_dim = input.dim() == 1 ? 0 : 1;
  Tensor logp = convis::log_softmax(input, class_dim);
  Tensor nll = nll_loss(logp, target,
                        NLLLossFuncOptions()
                            .weight(options.weight())
                            .ignore_index(options.ignore_index())
                            .reduction(options.reduction()));
  if (s == 0) return nll;
  Tensor weighted = options.weight().defined() ? logp * class_weight_view(options.weight(), input) : logp;
  Tensor valid = target != options.ignore_index();
  Tensor smooth = where(valid, -weighted.sum({class_dim}), 0.0);
  if (options.reduction() == Reduction::kMean) {
    Tensor safe = masked_fill(target, logical_not(valid), 0);
    smooth = smooth.sum() / target_weights(safe, valid, options.weight(), input).sum();
  } else {
    smooth = apply_reduction(smooth, options.reduction());
  }
  return nll * (1 - s) + smooth * (s / double(input.sizes()[class_dim]));
}
Tensor cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction) {
  return cross_entropy(input, target, CrossEntropyFuncOptions().reduction(reduction));
}

}  // namespace convis::nn::functional
