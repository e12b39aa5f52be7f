// nn/loss.h: loss modules over nn::functional's losses.
//
//   nn::MSELoss loss_fn;                      // mean
//   Tensor loss = loss_fn->forward(prediction, target);
//   nn::CrossEntropyLoss ce(nn::CrossEntropyLossOptions().label_smoothing(0.1));
//   nn::L1Loss sum(nn::kSum);                    // a reduction alone
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

class MSELossImpl : public LossModule<MSELossOptions, functional::mse_loss> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::MSELoss()"; }
};

class L1LossImpl : public LossModule<L1LossOptions, functional::l1_loss> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::L1Loss()"; }
};

class NLLLossImpl : public LossModule<NLLLossOptions, functional::nll_loss> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::NLLLoss()"; }
};

class CrossEntropyLossImpl : public LossModule<CrossEntropyLossOptions, functional::cross_entropy> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::CrossEntropyLoss()"; }
};

class BCELossImpl : public LossModule<BCELossOptions, functional::binary_cross_entropy> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::BCELoss()"; }
};

class BCEWithLogitsLossImpl : public LossModule<BCEWithLogitsLossOptions, functional::binary_cross_entropy_with_logits> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::BCEWithLogitsLoss()"; }
};

class PoissonNLLLossImpl : public LossModule<PoissonNLLLossOptions, functional::poisson_nll_loss> {
 public:
  using LossModule::LossModule;
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::PoissonNLLLoss()"; }
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(MSELoss);
CONVIS_MODULE(L1Loss);
CONVIS_MODULE(NLLLoss);
CONVIS_MODULE(CrossEntropyLoss);
CONVIS_MODULE(BCELoss);
CONVIS_MODULE(BCEWithLogitsLoss);
CONVIS_MODULE(PoissonNLLLoss);

}  // namespace convis::nn
