// nn/containers.cpp
#include "convis/nn/containers.h"

namespace convis::nn {

SequentialImpl::SequentialImpl(std::initializer_list<std::pair<std::string, AnyModule>> named) : SequentialImpl() {
  for (const auto& [name, module] : named) push_back(name, module);
}

void SequentialImpl::push_back(AnyModule module) { push_back(std::to_string(entries_.size()), std::move(module)); }

void SequentialImpl::push_back(std::string name, AnyModule module) {
  register_module(std::move(name), module.module);
  modules_.push_back(module.module);
  entries_.push_back(std::move(module));
}

void SequentialImpl::extend(const SequentialImpl& other) {
  for (const auto& entry : other.entries_) push_back(entry);
}

// See Note [Sequential's forward].
Tensor SequentialImpl::forward(const Tensor& input) {
  CONVIS_CHECK(!entries_.empty(), "Sequential", "expected at least one module to run forward, got an empty Sequential");
  Tensor x = input;
  for (size_t i = 0; i < entries_.size(); ++i) {
    CONVIS_CHECK(entries_[i].forward != nullptr, "Sequential",
                 "expected module {} ({}) to have forward(Tensor), got a type without one", i,
                 entries_[i].module->name());
    x = entries_[i].forward(x);
  }
  return x;
}

void ModuleListImpl::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(modules_.size()), module);
  modules_.push_back(std::move(module));
}

void ModuleListImpl::extend(const ModuleListImpl& other) {
  for (const auto& m : other.modules_) push_back(m);
}

ModuleDictImpl::ModuleDictImpl(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
  update(modules);
}

ModuleDictImpl::ModuleDictImpl(const OrderedDict<std::string, std::shared_ptr<Module>>& modules) {
  for (const auto& item : modules) insert(item.key(), item.value());
}

void ModuleDictImpl::insert(const std::string& key, std::shared_ptr<Module> module) {
  if (modules_.contains(key)) {
    replace_module(key, module);
    modules_[key] = std::move(module);
    return;
  }
  register_module(key, module);
  modules_.insert(key, std::move(module));
}

void ModuleDictImpl::update(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
  for (const auto& [key, module] : modules) insert(key, module);
}

std::shared_ptr<Module> ModuleDictImpl::pop(const std::string& key) {
  CONVIS_CHECK(modules_.contains(key), "ModuleDict", "expected a key in the dict, got '{}'", key);
  unregister_module(key);
  return modules_.pop(key);
}

void ModuleDictImpl::clear() {
  for (const auto& key : modules_.keys()) unregister_module(key);
  modules_.clear();
}

}  // namespace convis::nn
