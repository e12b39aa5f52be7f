// nn/functional.h: activations, layers as functions, and losses, as LibTorch's torch::nn::functional.
//
//   namespace F = convis::nn::functional;
//   Tensor h = F::gelu(F::linear(x, w, b));                              // [N, out]
//   Tensor loss = F::cross_entropy(logits, labels);                        // mean over the batch
//   Tensor s = F::mse_loss(y, t, F::MSELossFuncOptions().reduction(nn::kSum));
//   Tensor u = F::mse_loss(y, t, nn::Reduction::kNone);                   // elementwise
//
// Everything is composed of public differentiable ops (core/ops.h), so autograd, gradcheck
// and double backward work through every function here.  The one op core/ lacks, erf, is a
// small autograd::Function whose backward is itself made of ops (see Note [erf]).
#pragma once

#include <optional>
#include <string>

#include "convis/core/ops.h"
#include "convis/core/tensor.h"

namespace convis::nn {

// How a loss reduces its elementwise values: the mean, the sum, or not at all.
enum class Reduction { kMean, kSum, kNone };
inline constexpr Reduction kMean = Reduction::kMean;
inline constexpr Reduction kSum = Reduction::kSum;
inline constexpr Reduction kNone = Reduction::kNone;

namespace functional {

// ---- activations ----
Tensor erf(const Tensor& x);  // differentiable, any order
Tensor relu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
Tensor elu(const Tensor& x, double alpha = 1.0);
// approximate: "none" (exact, 0.5 x (1 + erf(x / sqrt 2))) or "tanh", as LibTorch.
Tensor gelu(const Tensor& x, const std::string& approximate = "none");
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);

// ---- layers as functions ----
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});  // x @ weight^T + bias
Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, const Shape& stride = 1,
              const Shape& padding = 0, const Shape& dilation = 1, int64_t groups = 1);
Tensor pad(const Tensor& x, const Shape& pads, PadMode mode = PadMode::constant, double value = 0);
// Zeroes each element with probability p and scales the rest by 1 / (1 - p) when training.
Tensor dropout(const Tensor& x, double p = 0.5, bool training = true);

// ---- loss options (chained setters, as LibTorch's *FuncOptions) ----
struct MSELossFuncOptions {
  MSELossFuncOptions& reduction(Reduction r) { reduction_ = r; return *this; }
  Reduction reduction() const { return reduction_; }
  Reduction reduction_ = kMean;
};
using L1LossFuncOptions = MSELossFuncOptions;

struct SmoothL1LossFuncOptions {
  SmoothL1LossFuncOptions& reduction(Reduction r) { reduction_ = r; return *this; }
  SmoothL1LossFuncOptions& beta(double b) { beta_ = b; return *this; }
  Reduction reduction() const { return reduction_; }
  double beta() const { return beta_; }
  Reduction reduction_ = kMean;
  double beta_ = 1.0;
};

struct NLLLossFuncOptions {
  NLLLossFuncOptions& weight(const Tensor& w) { weight_ = w; return *this; }
  NLLLossFuncOptions& ignore_index(int64_t i) { ignore_index_ = i; return *this; }
  NLLLossFuncOptions& reduction(Reduction r) { reduction_ = r; return *this; }
  const Tensor& weight() const { return weight_; }
  int64_t ignore_index() const { return ignore_index_; }
  Reduction reduction() const { return reduction_; }
  Tensor weight_;
  int64_t ignore_index_ = -100;
  Reduction reduction_ = kMean;
};

struct CrossEntropyFuncOptions {
  CrossEntropyFuncOptions& weight(const Tensor& w) { weight_ = w; return *this; }
  CrossEntropyFuncOptions& ignore_index(int64_t i) { ignore_index_ = i; return *this; }
  CrossEntropyFuncOptions& reduction(Reduction r) { reduction_ = r; return *this; }
  CrossEntropyFuncOptions& label_smoothing(double s) { label_smoothing_ = s; return *this; }
  const Tensor& weight() const { return weight_; }
  int64_t ignore_index() const { return ignore_index_; }
  Reduction reduction() const { return reduction_; }
  double label_smoothing() const { return label_smoothing_; }
  Tensor weight_;
  int64_t ignore_index_ = -100;
  Reduction reduction_ = kMean;
  double label_smoothing_ = 0.0;
};

struct BinaryCrossEntropyFuncOptions {
  BinaryCrossEntropyFuncOptions& weight(const Tensor& w) { weight_ = w; return *this; }
  BinaryCrossEntropyFuncOptions& reduction(Reduction r) { reduction_ = r; return *this; }
  const Tensor& weight() const { return weight_; }
  Reduction reduction() const { return reduction_; }
  Tensor weight_;
  Reduction reduction_ = kMean;
};

struct BinaryCrossEntropyWithLogitsFuncOptions {
  BinaryCrossEntropyWithLogitsFuncOptions& weight(const Tensor& w) { weight_ = w; return *this; }
  BinaryCrossEntropyWithLogitsFuncOptions& pos_weight(const Tensor& w) { pos_weight_ = w; return *this; }
  BinaryCrossEntropyWithLogitsFuncOptions& reduction(Reduction r) { reduction_ = r; return *this; }
  const Tensor& weight() const { return weight_; }
  const Tensor& pos_weight() const { return pos_weight_; }
  Reduction reduction() const { return reduction_; }
  Tensor weight_, pos_weight_;
  Reduction reduction_ = kMean;
};

struct PoissonNLLLossFuncOptions {
  PoissonNLLLossFuncOptions& log_input(bool b) { log_input_ = b; return *this; }
  PoissonNLLLossFuncOptions& full(bool b) { full_ = b; return *this; }
  PoissonNLLLossFuncOptions& eps(double e) { eps_ = e; return *this; }
  PoissonNLLLossFuncOptions& reduction(Reduction r) { reduction_ = r; return *this; }
  bool log_input() const { return log_input_; }
  bool full() const { return full_; }
  double eps() const { return eps_; }
  Reduction reduction() const { return reduction_; }
  bool log_input_ = true, full_ = false;
  double eps_ = 1e-8;
  Reduction reduction_ = kMean;
};

// ---- losses: input, target, options (or just a Reduction) ----
Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options = {});
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction);
Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options = {});
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction);
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options = {});
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction, double beta = 1.0);
// input: log-probabilities [N, C] (or [N, C, d1, ...], or [C]); target: int64 classes [N] ([N, d1, ...], []).
Tensor nll_loss(const Tensor& input, const Tensor& target, const NLLLossFuncOptions& options = {});
Tensor nll_loss(const Tensor& input, const Tensor& target, Reduction reduction);
// input: logits [N, C, ...]; target: int64 classes [N, ...], or class probabilities shaped as input.
Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& options = {});
Tensor cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction);
// input: probabilities in [0, 1]; each log is clamped at -100 as LibTorch's.
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target,
                            const BinaryCrossEntropyFuncOptions& options = {});
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction);
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& options = {});
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, Reduction reduction);
Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, const PoissonNLLLossFuncOptions& options = {});
Tensor poisson_nll_loss(const Tensor& input, const Tensor& target, Reduction reduction);

// Applies a reduction to elementwise loss values.
Tensor apply_reduction(const Tensor& loss, Reduction reduction);

}  // namespace functional
}  // namespace convis::nn
