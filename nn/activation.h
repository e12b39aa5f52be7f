// nn/activation.h: activation layers, Flatten and Identity.
//
//   nn::LeakyReLU act(nn::LeakyReLUOptions().negative_slope(0.2));
//   Tensor y = act->forward(randn({4}));
//   nn::GELU gelu(nn::GELUOptions().approximate("tanh"));
//   nn::Flatten flat;            // [N, C, H, W] -> [N, C*H*W]
//
// Every one is built from differentiable public ops (GELU and Softplus call nn::functional,
// whose erf is a small autograd Function), so gradients flow through all of them.
#pragma once

#include <ostream>
#include <string>

#include "convis/core/ops.h"
#include "convis/nn/module.h"

namespace convis::nn {

struct ReLUOptions {
  ReLUOptions(bool inplace = false) : inplace_(inplace) {}  // NOLINT: implicit as LibTorch
  ReLUOptions& inplace(bool v) { inplace_ = v; return *this; }
  bool inplace() const { return inplace_; }

 private:
  bool inplace_;
};

class ReLUImpl : public Module {
 public:
  explicit ReLUImpl(const ReLUOptions& options_ = {}) : options(options_) {}
  Tensor forward(Tensor input) { return options.inplace() ? input.relu_() : input.relu(); }
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override {
    stream << "convis::nn::ReLU(" << (options.inplace() ? "inplace=true" : "") << ")";
  }
  ReLUOptions options;
};

struct LeakyReLUOptions {
  LeakyReLUOptions& negative_slope(double v) { negative_slope_ = v; return *this; }
  LeakyReLUOptions& inplace(bool v) { inplace_ = v; return *this; }
  double negative_slope() const { return negative_slope_; }
  bool inplace() const { return inplace_; }

 private:
  double negative_slope_ = 1e-2;
  bool inplace_ = false;
};

class LeakyReLUImpl : public Module {
 public:
  explicit LeakyReLUImpl(const LeakyReLUOptions& options_ = {}) : options(options_) {}
  Tensor forward(Tensor input) {
    Tensor out = where(input > 0, input, input * options.negative_slope());
    return options.inplace() ? input.copy_(out) : out;
  }
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override {
    stream << "convis::nn::LeakyReLU(negative_slope=" << options.negative_slope()
           << (options.inplace() ? ", inplace=true" : "") << ")";
  }
  LeakyReLUOptions options;
};

class SigmoidImpl : public Module {
 public:
  Tensor forward(const Tensor& input) { return input.sigmoid(); }
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::Sigmoid()"; }
};

class TanhImpl : public Module {
 public:
  Tensor forward(const Tensor& input) { return input.tanh(); }
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::Tanh()"; }
};

struct SoftplusOptions {
  SoftplusOptions& beta(double v) { beta_ = v; return *this; }
  SoftplusOptions& threshold(double v) { threshold_ = v; return *this; }
  double beta() const { return beta_; }
  double threshold() const { return threshold_; }

 private:
  double beta_ = 1;
  double threshold_ = 20;
};

// log(1 + exp(beta x)) / beta, and x itself where beta x > threshold.
class SoftplusImpl : public Module {
 public:
  explicit SoftplusImpl(const SoftplusOptions& options_ = {}) : options(options_) {}
  Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override {
    stream << "convis::nn::Softplus(beta=" << options.beta() << ", threshold=" << options.threshold() << ")";
  }
  SoftplusOptions options;
};

struct GELUOptions {
  GELUOptions& approximate(std::string v) { approximate_ = std::move(v); return *this; }
  const std::string& approximate() const { return approximate_; }

 private:
  std::string approximate_ = "none";
};

// x * Phi(x) ("none", with erf) or its tanh approximation ("tanh").
class GELUImpl : public Module {
 public:
  explicit GELUImpl(const GELUOptions& options = {});
  Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::GELU()"; }
  GELUOptions options;
};

struct FlattenOptions {
  FlattenOptions& start_dim(int64_t v) { start_dim_ = v; return *this; }
  FlattenOptions& end_dim(int64_t v) { end_dim_ = v; return *this; }
  int64_t start_dim() const { return start_dim_; }
  int64_t end_dim() const { return end_dim_; }

 private:
  int64_t start_dim_ = 1;
  int64_t end_dim_ = -1;
};

class FlattenImpl : public Module {
 public:
  explicit FlattenImpl(const FlattenOptions& options_ = {}) : options(options_) {}
  Tensor forward(const Tensor& input) { return input.flatten(options.start_dim(), options.end_dim()); }
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override {
    stream << "convis::nn::Flatten(start_dim=" << options.start_dim() << ", end_dim=" << options.end_dim() << ")";
  }
  FlattenOptions options;
};

class IdentityImpl : public Module {
 public:
  Tensor forward(const Tensor& input) { return input; }
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::Identity()"; }
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(ReLU);
CONVIS_MODULE(LeakyReLU);
CONVIS_MODULE(Sigmoid);
CONVIS_MODULE(Tanh);
CONVIS_MODULE(Softplus);
CONVIS_MODULE(GELU);
CONVIS_MODULE(Flatten);
CONVIS_MODULE(Identity);

}  // namespace convis::nn
