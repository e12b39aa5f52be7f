// nn/optim/optimizer.cpp: see optimizer.h.
#include "convis/nn/optim/optimizer.h"

#include <typeinfo>

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"

namespace convis::optim {

OptimizerParamGroup::OptimizerParamGroup(const OptimizerParamGroup& other)
    : params_(other.params_), options_(other.options_ ? other.options_->clone() : nullptr) {}

OptimizerParamGroup& OptimizerParamGroup::operator=(const OptimizerParamGroup& other) {
  if (this != &other) {
    params_ = other.params_;
    options_ = other.options_ ? other.options_->clone() : nullptr;
  }
  return *this;
}

OptimizerOptions& OptimizerParamGroup::options() {
  CONVIS_CHECK(options_ != nullptr, "OptimizerParamGroup", "expected a group with options, got none");
  return *options_;
}
const OptimizerOptions& OptimizerParamGroup::options() const {
  CONVIS_CHECK(options_ != nullptr, "OptimizerParamGroup", "expected a group with options, got none");
  return *options_;
}

Optimizer::Optimizer(std::vector<OptimizerParamGroup> param_groups, std::unique_ptr<OptimizerOptions> defaults)
    : defaults_(std::move(defaults)) {
  for (const auto& group : param_groups) add_param_group(group);
}

void Optimizer::add_param_group(const OptimizerParamGroup& group) {
  OptimizerParamGroup copy(group);
  if (!copy.has_options()) copy.set_options(defaults_->clone());
  const OptimizerOptions& given = copy.options();  // typeid of a plain reference: nothing evaluated twice
  const OptimizerOptions& own = *defaults_;
  CONVIS_CHECK(typeid(given) == typeid(own), "add_param_group",
               "expected the group's options to be of the optimizer's options type, got {}", typeid(given).name());
  for (const Tensor& p : copy.params()) {
    CONVIS_CHECK(p.defined(), "add_param_group", "expected defined parameters, got an undefined Tensor()");
    CONVIS_CHECK(p.is_leaf(), "add_param_group", "expected leaf tensors as parameters, got a non-leaf");
    for (const Tensor& q : parameters()) {
      CONVIS_CHECK(!p.is_same(q), "add_param_group", "expected each parameter in one group only, got a repeat");
    }
  }
  param_groups_.push_back(std::move(copy));
}

void Optimizer::zero_grad(bool set_to_none) {
  for (auto& group : param_groups_) {
    for (Tensor& p : group.params()) {
      Tensor& g = p.mutable_grad();
      if (!g.defined()) continue;
      if (set_to_none) {
        g = Tensor();
      } else {
        g = g.detach();
        g.zero_();
      }
    }
  }
}

std::vector<Tensor> Optimizer::parameters() const {
  std::vector<Tensor> all;
  for (const auto& group : param_groups_) all.insert(all.end(), group.params().begin(), group.params().end());
  return all;
}

size_t Optimizer::size() const { return parameters().size(); }

Tensor Optimizer::evaluate(const LossClosure& closure) {
  if (!closure) return Tensor();
  AutoGradMode enable(true);
  return closure();
}

namespace {

OptimizerParamState deep_copy(const OptimizerParamState& s) {
  OptimizerParamState copy;
  copy.step = s.step;
  copy.numbers = s.numbers;
  for (const auto& [name, t] : s.buffers) copy.buffers[name] = t.defined() ? t.detach().clone() : t;
  for (const auto& [name, list] : s.lists) {
    for (const Tensor& t : list) copy.lists[name].push_back(t.detach().clone());
  }
  return copy;
}

}  // namespace

OptimizerStateDict Optimizer::state_dict() const {
  OptimizerStateDict dict;
  int64_t index = 0;
  for (const auto& group : param_groups_) {
    OptimizerStateDict::Group g{std::shared_ptr<OptimizerOptions>(group.options().clone()), {}};
    for (const Tensor& p : group.params()) {
      auto it = state_.find(p.unsafeGetTensorImpl());
      if (it != state_.end()) dict.state[index] = deep_copy(it->second);
      g.params.push_back(index++);
    }
    dict.param_groups.push_back(std::move(g));
  }
  return dict;
}

void Optimizer::load_state_dict(const OptimizerStateDict& dict) {
  CONVIS_CHECK(dict.param_groups.size() == param_groups_.size(), "load_state_dict",
               "expected a state dict with {} param groups, got {}", param_groups_.size(), dict.param_groups.size());
  for (size_t i = 0; i < param_groups_.size(); ++i) {
    CONVIS_CHECK(dict.param_groups[i].params.size() == param_groups_[i].params().size(), "load_state_dict",
                 "expected group {} to hold {} parameters, got {}", i, param_groups_[i].params().size(),
                 dict.param_groups[i].params.size());
    const OptimizerOptions& given = *dict.param_groups[i].options;
    const OptimizerOptions& own = *defaults_;
    CONVIS_CHECK(typeid(given) == typeid(own), "load_state_dict",
                 "expected options of this optimizer's type in group {}, got another type", i);
  }
  state_.clear();
  for (size_t i = 0; i < param_groups_.size(); ++i) {
    param_groups_[i].set_options(dict.param_groups[i].options->clone());
    const auto& indices = dict.param_groups[i].params;
    for (size_t j = 0; j < indices.size(); ++j) {
      auto it = dict.state.find(indices[j]);
      if (it != dict.state.end()) state_[param_groups_[i].params()[j].unsafeGetTensorImpl()] = deep_copy(it->second);
    }
  }
}

}  // namespace convis::optim
