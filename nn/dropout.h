// nn/dropout.h: Dropout, active only in training mode.
//
//   nn::Dropout drop(0.2);
//   Tensor y = drop->forward(x);   // training: each element zeroed with probability 0.2,
//                                  // the rest scaled by 1 / 0.8
//   drop->eval();
//   Tensor z = drop->forward(x);   // z is x
#pragma once

#include <ostream>

#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/nn/module.h"

namespace convis::nn {

struct DropoutOptions {
  DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT: implicit as LibTorch
  DropoutOptions& p(double v) { p_ = v; return *this; }
  DropoutOptions& inplace(bool v) { inplace_ = v; return *this; }
  double p() const { return p_; }
  bool inplace() const { return inplace_; }

 private:
  double p_;
  bool inplace_ = false;
};

class DropoutImpl : public Module {
 public:
  explicit DropoutImpl(const DropoutOptions& options_ = {}) : options(options_) {
    CONVIS_CHECK(options.p() >= 0 && options.p() <= 1, "Dropout",
                 "expected a dropout probability between 0 and 1, got {}", options.p());
  }
  explicit DropoutImpl(double p) : DropoutImpl(DropoutOptions(p)) {}

  Tensor forward(Tensor input) {
    if (!is_training() || options.p() == 0) return input;
    Tensor out;
    if (options.p() == 1) {
      out = input * 0.0;
    } else {
      Tensor mask = bernoulli(full_like(input, 1 - options.p(), input.options()));
      out = input * mask * (1.0 / (1 - options.p()));
    }
    return options.inplace() ? input.copy_(out) : out;
  }
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override {
    stream << "convis::nn::Dropout(p=" << options.p() << ", inplace=" << (options.inplace() ? "true" : "false") << ")";
  }

  DropoutOptions options;
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(Dropout);

}  // namespace convis::nn
