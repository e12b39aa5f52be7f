// nn/normalization.cpp
#include "convis/nn/normalization.h"

#include <algorithm>

#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"

namespace convis::nn {

BatchNormBase::BatchNormBase(const BatchNormOptions& options_, int dims, std::vector<int64_t> ranks)
    : options(options_), dims_(dims), ranks_(std::move(ranks)) {
  const int64_t c = options.num_features();
  CONVIS_CHECK(c > 0, "BatchNorm", "expected a positive num_features, got {}", c);
  if (options.affine()) {
    weight = register_parameter("weight", empty({c}));
    bias = register_parameter("bias", empty({c}));
  }
  if (options.track_running_stats()) {
    running_mean = register_buffer("running_mean", zeros({c}));
    running_var = register_buffer("running_var", ones({c}));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, kInt64));
  }
  reset_parameters();
}

void BatchNormBase::reset_running_stats() {
  if (!options.track_running_stats()) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

void BatchNormBase::reset_parameters() {
  reset_running_stats();
  if (!options.affine()) return;
  NoGradGuard no_grad;
  weight.fill_(1);
  bias.zero_();
}

Tensor BatchNormBase::forward(const Tensor& input) {
  const char* op = dims_ == 1 ? "BatchNorm1d" : dims_ == 2 ? "BatchNorm2d" : "BatchNorm3d";
  std::string ranks = ranks_.size() == 2 ? "2-D or 3-D" : fmt::format("{}-D", ranks_[0]);
  CONVIS_CHECK(std::find(ranks_.begin(), ranks_.end(), input.dim()) != ranks_.end(), op,
               "expected a {} input, got shape {}", ranks, input.sizes());
  const int64_t c = options.num_features();
  CONVIS_CHECK(input.size(1) == c, op, "expected {} channels (num_features) in dim 1, got shape {}", c, input.sizes());
  // See Note [Batch norm statistics].
  const bool track = options.track_running_stats();
  double factor = options.momentum().value_or(0.0);
  if (is_training() && track) {
    NoGradGuard no_grad;
    num_batches_tracked.add_(1);
    if (!options.momentum()) factor = 1.0 / double(num_batches_tracked.item<int64_t>());
  }
  Shape reduce{0}, channel_shape(size_t(input.dim()), 1);
  for (int64_t d = 2; d < input.dim(); ++d) reduce.push_back(d);
  channel_shape[1] = c;
  Tensor mean, var;
  if (is_training() || !track) {
    const int64_t n = input.numel() / c;
    CONVIS_CHECK(!is_training() || n > 1, op, "expected more than 1 value per channel when training, got input shape {}",
                 input.sizes());
    mean = input.mean(reduce, /*keepdim=*/true);
    var = input.var(reduce, /*unbiased=*/false, /*keepdim=*/true);
    if (is_training() && track) {
      NoGradGuard no_grad;
      running_mean.mul_(1 - factor).add_(mean.detach().view({c}), factor);
      running_var.mul_(1 - factor).add_(var.detach().view({c}) * (double(n) / double(n - 1)), factor);
    }
  } else {
    mean = running_mean.view(channel_shape);
    var = running_var.view(channel_shape);
  }
  Tensor out = (input - mean) * (var + options.eps()).rsqrt();
  if (options.affine()) out = out * weight.view(channel_shape) + bias.view(channel_shape);
  return out;
}

void BatchNormBase::pretty_print(std::ostream& stream) const {
  stream << "convis::nn::BatchNorm" << dims_ << "d(" << options.num_features() << ", eps=" << options.eps()
         << ", momentum=";
  if (options.momentum())
    stream << *options.momentum();
  else
    stream << "None";
  stream << ", affine=" << (options.affine() ? "true" : "false")
         << ", track_running_stats=" << (options.track_running_stats() ? "true" : "false") << ")";
}

LayerNormImpl::LayerNormImpl(const LayerNormOptions& options_) : options(options_) {
  const auto& shape = options.normalized_shape();
  CONVIS_CHECK(!shape.empty(), "LayerNorm", "expected a non-empty normalized_shape, got []");
  if (options.elementwise_affine()) {
    weight = register_parameter("weight", convis::empty(Shape(shape)));
    bias = register_parameter("bias", convis::empty(Shape(shape)));
  }
  reset_parameters();
}

void LayerNormImpl::reset_parameters() {
  if (!options.elementwise_affine()) return;
  NoGradGuard no_grad;
  weight.fill_(1);
  bias.zero_();
}

Tensor LayerNormImpl::forward(const Tensor& input) {
  const auto& shape = options.normalized_shape();
  const auto k = int64_t(shape.size());
  bool ok = input.dim() >= k;
  for (int64_t i = 0; ok && i < k; ++i) ok = input.size(input.dim() - k + i) == shape[size_t(i)];
  CONVIS_CHECK(ok, "LayerNorm", "expected an input whose last dims are the normalized_shape {}, got shape {}",
               Shape(shape), input.sizes());
  Shape dims;
  for (int64_t d = input.dim() - k; d < input.dim(); ++d) dims.push_back(d);
  Tensor mean = input.mean(dims, /*keepdim=*/true);
  Tensor var = input.var(dims, /*unbiased=*/false, /*keepdim=*/true);
  Tensor out = (input - mean) * (var + options.eps()).rsqrt();
  if (options.elementwise_affine()) out = out * weight + bias;
  return out;
}

void LayerNormImpl::pretty_print(std::ostream& stream) const {
  stream << "convis::nn::LayerNorm(" << to_string(Shape(options.normalized_shape()))
         << ", eps=" << options.eps() << ", elementwise_affine=" << (options.elementwise_affine() ? "true" : "false")
         << ")";
}

}  // namespace convis::nn
