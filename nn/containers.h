// nn/containers.h: Sequential, ModuleList, ModuleDict.
//
//   auto net = std::make_shared<nn::Sequential>(std::make_shared<nn::Linear>(3, 4),
//                                               std::make_shared<nn::ReLU>(),
//                                               std::make_shared<nn::Linear>(4, 1));
//   Tensor y = net->forward(randn({8, 3}));          // each module's forward in turn
//   net->named_parameters();                          // 0.weight, 0.bias, 2.weight, 2.bias
//   auto fc = net->ptr<nn::Linear>(0);                // typed access
//
//   auto list = std::make_shared<nn::ModuleList>();
//   list->push_back(std::make_shared<nn::Linear>(3, 3));   // registered as "0"
//   auto dict = std::make_shared<nn::ModuleDict>(
//       std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>>{{"act", std::make_shared<nn::Tanh>()}});
//
// Note [Sequential's forward]
// Module has no virtual forward (as in LibTorch, each layer's forward has its own
// signature).  Sequential remembers, for each module pushed with its static type, how to
// call forward(Tensor) on it; a module whose type has no such forward may be stored but
// makes Sequential::forward throw, naming it.
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "convis/nn/module.h"

namespace convis::nn {

// A module with, when its type has one, a way to call its forward(Tensor).
struct AnyModule {
  template <typename M>
  AnyModule(std::shared_ptr<M> m) : module(m) {  // NOLINT: implicit, for Sequential's lists
    if constexpr (requires(M& mod, const Tensor& x) { { mod.forward(x) } -> std::convertible_to<Tensor>; })
      forward = [raw = m.get()](const Tensor& x) -> Tensor { return raw->forward(x); };
  }
  std::shared_ptr<Module> module;
  std::function<Tensor(const Tensor&)> forward;  // empty when the type has no forward(Tensor)
};

// What Sequential and ModuleList share: an ordered list of modules, read by position.
class IndexedModules : public Module {
 public:
  size_t size() const { return modules_.size(); }
  bool is_empty() const { return modules_.empty(); }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  std::shared_ptr<Module> ptr(size_t index) const {
    CONVIS_CHECK(index < modules_.size(), kind_, "expected an index below the size {}, got {}", modules_.size(),
                 index);
    return modules_[index];
  }
  template <typename T>
  std::shared_ptr<T> ptr(size_t index) const {
    auto typed = std::dynamic_pointer_cast<T>(ptr(index));
    CONVIS_CHECK(typed != nullptr, kind_, "expected module {} to have the requested type, got {}", index,
                 ptr(index)->name());
    return typed;
  }
  template <typename T>
  T& at(size_t index) const { return *ptr<T>(index); }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

 protected:
  explicit IndexedModules(const char* kind) : kind_(kind) {}
  std::vector<std::shared_ptr<Module>> modules_;

 private:
  const char* kind_;  // "Sequential" or "ModuleList", for error messages
};

class Sequential : public IndexedModules {
 public:
  Sequential() : IndexedModules("Sequential") {}
  template <typename... M>
  explicit Sequential(std::shared_ptr<M>... modules) : Sequential() {
    (push_back(AnyModule(std::move(modules))), ...);
  }
  // Named entries: Sequential({{"fc", std::make_shared<Linear>(3, 4)}, {"act", ...}}).
  Sequential(std::initializer_list<std::pair<std::string, AnyModule>> named);

  void push_back(AnyModule module);  // named by its position ("0", "1", ...)
  void push_back(std::string name, AnyModule module);
  void extend(const Sequential& other);

  Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }

  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::Sequential"; }

 private:
  std::vector<AnyModule> entries_;  // parallel to modules_, with each one's forward
};

class ModuleList : public IndexedModules {
 public:
  ModuleList() : IndexedModules("ModuleList") {}
  template <typename... M>
  explicit ModuleList(std::shared_ptr<M>... modules) : ModuleList() {
    (push_back(std::move(modules)), ...);
  }

  void push_back(std::shared_ptr<Module> module);  // named by its position
  void extend(const ModuleList& other);
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::ModuleList"; }
};

class ModuleDict : public Module {
 public:
  ModuleDict() = default;
  explicit ModuleDict(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules);
  explicit ModuleDict(const OrderedDict<std::string, std::shared_ptr<Module>>& modules);

  // Inserts a new key, or replaces the module of an existing one (keeping its position).
  void insert(const std::string& key, std::shared_ptr<Module> module);
  void update(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules);
  std::shared_ptr<Module> pop(const std::string& key);
  void clear();

  bool contains(const std::string& key) const { return modules_.contains(key); }
  size_t size() const { return modules_.size(); }
  bool empty() const { return modules_.empty(); }
  std::vector<std::string> keys() const { return modules_.keys(); }
  std::vector<std::shared_ptr<Module>> values() const { return modules_.values(); }
  const std::vector<OrderedDict<std::string, std::shared_ptr<Module>>::Item>& items() const {
    return modules_.items();
  }
  std::shared_ptr<Module> operator[](const std::string& key) const { return modules_.at(key); }
  template <typename T>
  std::shared_ptr<T> ptr(const std::string& key) const {
    auto typed = std::dynamic_pointer_cast<T>(modules_.at(key));
    CONVIS_CHECK(typed != nullptr, "ModuleDict", "expected module '{}' to have the requested type, got {}", key,
                 modules_.at(key)->name());
    return typed;
  }
  template <typename T>
  T& at(const std::string& key) const { return *ptr<T>(key); }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::ModuleDict"; }

 private:
  OrderedDict<std::string, std::shared_ptr<Module>> modules_{"Module"};
};

}  // namespace convis::nn
