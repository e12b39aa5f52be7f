// nn/loss.h: loss modules over nn::functional's losses.
//
//   auto loss_fn = std::make_shared<nn::MSELoss>();                      // mean
//   Tensor loss = loss_fn->forward(prediction, target);
//   auto ce = std::make_shared<nn::CrossEntropyLoss>(nn::CrossEntropyLossOptions().label_smoothing(0.1));
//   auto sum = std::make_shared<nn::L1Loss>(nn::kSum);                    // a reduction alone
//
// Each module keeps its options and calls the functional form (nn/functional.h) with them;
// as in LibTorch, the options types are those of the functions.
#pragma once

#include <ostream>

#include "convis/nn/functional.h"
#include "convis/nn/module.h"

namespace convis::nn {

using MSELossOptions = functional::MSELossFuncOptions;
using L1LossOptions = functional::L1LossFuncOptions;
using NLLLossOptions = functional::NLLLossFuncOptions;
using CrossEntropyLossOptions = functional::CrossEntropyFuncOptions;
using BCELossOptions = functional::BinaryCrossEntropyFuncOptions;
using BCEWithLogitsLossOptions = functional::BinaryCrossEntropyWithLogitsFuncOptions;
using PoissonNLLLossOptions = functional::PoissonNLLLossFuncOptions;

// A module holding Options and computing Loss(input, target, options).
template <typename Options, Tensor (*Loss)(const Tensor&, const Tensor&, const Options&)>
class LossModule : public Module {
 public:
  explicit LossModule(const Options& options_ = {}) : options(options_) {}
  explicit LossModule(Reduction reduction) { options.reduction(reduction); }
  Tensor forward(const Tensor& input, const Tensor& target) { return Loss(input, target, options); }
  Tensor operator()(const Tensor& input, const Tensor& target) { return forward(input, target); }
  Options options;
};

class MSELoss : public LossModule<MSELossOptions, functional::mse_loss> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::MSELoss()"; }
};

class L1Loss : public LossModule<L1LossOptions, functional::l1_loss> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::L1Loss()"; }
};

class NLLLoss : public LossModule<NLLLossOptions, functional::nll_loss> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::NLLLoss()"; }
};

class CrossEntropyLoss : public LossModule<CrossEntropyLossOptions, functional::cross_entropy> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::CrossEntropyLoss()"; }
};

class BCELoss : public LossModule<BCELossOptions, functional::binary_cross_entropy> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::BCELoss()"; }
};

class BCEWithLogitsLoss : public LossModule<BCEWithLogitsLossOptions, functional::binary_cross_entropy_with_logits> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::BCEWithLogitsLoss()"; }
};

class PoissonNLLLoss : public LossModule<PoissonNLLLossOptions, functional::poisson_nll_loss> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::PoissonNLLLoss()"; }
};

}  // namespace convis::nn
