// nn/linear.h: y = x W^T + b.
//
//   nn::Linear fc(3, 4);                       // weight [4, 3], bias [4]
//   nn::Linear fc2(nn::LinearOptions(3, 4).bias(false));
//   Tensor y = fc->forward(randn({8, 3}));                              // [8, 4]
//   Tensor z = (*fc)(randn({2, 5, 3}));                                 // [2, 5, 4]: any leading dims
//
// Initialisation as LibTorch: weight and bias uniform in +-1/sqrt(in_features)
// (see Note [Default init] in nn/module.h).
#pragma once

#include <ostream>

#include "convis/nn/module.h"

namespace convis::nn {

struct LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  LinearOptions& in_features(int64_t v) { in_features_ = v; return *this; }
  LinearOptions& out_features(int64_t v) { out_features_ = v; return *this; }
  LinearOptions& bias(bool v) { bias_ = v; return *this; }
  int64_t in_features() const { return in_features_; }
  int64_t out_features() const { return out_features_; }
  bool bias() const { return bias_; }

 private:
  int64_t in_features_, out_features_;
  bool bias_ = true;
};

class LinearImpl : public Module {
 public:
  explicit LinearImpl(const LinearOptions& options);
  LinearImpl(int64_t in_features, int64_t out_features, bool bias = true)
      : LinearImpl(LinearOptions(in_features, out_features).bias(bias)) {}

  void reset_parameters();  // draws new initial values
  Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override;

  LinearOptions options;
  Tensor weight;  // [out_features, in_features]
  Tensor bias;    // [out_features], undefined with bias(false)

 private:
  void reset();  // creates and registers weight and bias (once, from the constructor)
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(Linear);

}  // namespace convis::nn
