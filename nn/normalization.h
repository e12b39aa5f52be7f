// nn/normalization.h: BatchNorm1d/2d/3d and LayerNorm.
//
//   nn::BatchNorm2d bn(nn::BatchNorm2dOptions(16).momentum(0.01));
//   Tensor y = bn->forward(randn({8, 16, 5, 5}));  // batch statistics; running stats updated
//   bn->eval();
//   Tensor z = bn->forward(randn({1, 16, 5, 5}));  // running statistics
//   nn::LayerNorm ln(nn::LayerNormOptions({5, 5}));
//   Tensor w = ln->forward(randn({8, 16, 5, 5}));  // normalised over the last two dims
//
// Note [Batch norm statistics]
// In training (or without running stats) each channel is normalised by the biased mean
// and variance of its values over the batch and spatial dims; running_mean and running_var
// move towards the batch's mean and *unbiased* variance by `momentum` (an unset momentum
// gives the cumulative average 1 / num_batches_tracked), as PyTorch.  In eval the running
// statistics are used.  y = (x - mean) / sqrt(var + eps) * weight + bias.
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "convis/nn/module.h"

namespace convis::nn {

struct BatchNormOptions {
  BatchNormOptions(int64_t num_features) : num_features_(num_features) {}  // NOLINT: implicit as LibTorch
  BatchNormOptions& num_features(int64_t v) { num_features_ = v; return *this; }
  BatchNormOptions& eps(double v) { eps_ = v; return *this; }
  BatchNormOptions& momentum(std::optional<double> v) { momentum_ = v; return *this; }
  BatchNormOptions& affine(bool v) { affine_ = v; return *this; }
  BatchNormOptions& track_running_stats(bool v) { track_running_stats_ = v; return *this; }
  int64_t num_features() const { return num_features_; }
  double eps() const { return eps_; }
  std::optional<double> momentum() const { return momentum_; }
  bool affine() const { return affine_; }
  bool track_running_stats() const { return track_running_stats_; }

 private:
  int64_t num_features_;
  double eps_ = 1e-5;
  std::optional<double> momentum_ = 0.1;
  bool affine_ = true;
  bool track_running_stats_ = true;
};

using BatchNorm1dOptions = BatchNormOptions;
using BatchNorm2dOptions = BatchNormOptions;
using BatchNorm3dOptions = BatchNormOptions;

// The shared part of BatchNorm1d/2d/3d; they differ in the input ranks they accept.
class BatchNormBase : public Module {
 public:
  Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }
  void reset_running_stats();
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;

  BatchNormOptions options;
  Tensor weight;               // [C], ones (undefined without affine)
  Tensor bias;                 // [C], zeros
  Tensor running_mean;         // [C], zeros (undefined without track_running_stats)
  Tensor running_var;          // [C], ones
  Tensor num_batches_tracked;  // int64 0-dim

 protected:
  BatchNormBase(const BatchNormOptions& options, int dims, std::vector<int64_t> ranks);

 private:
  int dims_;
  std::vector<int64_t> ranks_;  // the input ranks accepted
};

class BatchNorm1dImpl : public BatchNormBase {  // input [N, C] or [N, C, L]
 public:
  explicit BatchNorm1dImpl(const BatchNormOptions& options) : BatchNormBase(options, 1, {2, 3}) {}
  explicit BatchNorm1dImpl(int64_t num_features) : BatchNorm1dImpl(BatchNormOptions(num_features)) {}
};
class BatchNorm2dImpl : public BatchNormBase {  // input [N, C, H, W]
 public:
  explicit BatchNorm2dImpl(const BatchNormOptions& options) : BatchNormBase(options, 2, {4}) {}
  explicit BatchNorm2dImpl(int64_t num_features) : BatchNorm2dImpl(BatchNormOptions(num_features)) {}
};
class BatchNorm3dImpl : public BatchNormBase {  // input [N, C, T, H, W]
 public:
  explicit BatchNorm3dImpl(const BatchNormOptions& options) : BatchNormBase(options, 3, {5}) {}
  explicit BatchNorm3dImpl(int64_t num_features) : BatchNorm3dImpl(BatchNormOptions(num_features)) {}
};

struct LayerNormOptions {
  LayerNormOptions(std::vector<int64_t> normalized_shape) : normalized_shape_(std::move(normalized_shape)) {}  // NOLINT
  LayerNormOptions& normalized_shape(std::vector<int64_t> v) { normalized_shape_ = std::move(v); return *this; }
  LayerNormOptions& eps(double v) { eps_ = v; return *this; }
  LayerNormOptions& elementwise_affine(bool v) { elementwise_affine_ = v; return *this; }
  const std::vector<int64_t>& normalized_shape() const { return normalized_shape_; }
  double eps() const { return eps_; }
  bool elementwise_affine() const { return elementwise_affine_; }

 private:
  std::vector<int64_t> normalized_shape_;
  double eps_ = 1e-5;
  bool elementwise_affine_ = true;
};

// Normalises over the last normalized_shape.size() dims (biased variance).
class LayerNormImpl : public Module {
 public:
  explicit LayerNormImpl(const LayerNormOptions& options);
  explicit LayerNormImpl(std::vector<int64_t> normalized_shape) : LayerNormImpl(LayerNormOptions(std::move(normalized_shape))) {}

  Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }
  void reset_parameters();
  void pretty_print(std::ostream& stream) const override;

  LayerNormOptions options;
  Tensor weight;  // normalized_shape, ones (undefined without elementwise_affine)
  Tensor bias;    // normalized_shape, zeros
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(BatchNorm1d);
CONVIS_MODULE(BatchNorm2d);
CONVIS_MODULE(BatchNorm3d);
CONVIS_MODULE(LayerNorm);

}  // namespace convis::nn
