// nn/containers.h: Sequential, ModuleList, ModuleDict.
//
//   nn::Sequential net(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 1));   // holders
//   // or std::make_shared<nn::SequentialImpl>(std::make_shared<nn::LinearImpl>(3, 4), ...)
//   Tensor y = net->forward(randn({8, 3}));          // each module's forward in turn
//   net->named_parameters();                          // 0.weight, 0.bias, 2.weight, 2.bias
//   auto fc = net->ptr<nn::Linear>(0);                // typed access
//
//   nn::ModuleList list;
//   list->push_back(nn::Linear(3, 3));                    // registered as "0"
//   nn::ModuleDict dict(
//       std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>>{{"act", nn::Tanh().ptr()}});
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
  template <typename Impl>
  AnyModule(const ModuleHolder<Impl>& holder) : AnyModule(holder.ptr()) {}  // NOLINT: nn::Linear(3, 4)
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

class SequentialImpl : public IndexedModules {
 public:
  SequentialImpl() : IndexedModules("Sequential") {}
  // SequentialImpl(nn::Linear(3, 4), nn::ReLU()): holders or shared_ptrs of modules.
  template <typename... M>
    requires(sizeof...(M) > 0 && (std::constructible_from<AnyModule, M> && ...))
  explicit SequentialImpl(M&&... modules) : SequentialImpl() {
    (push_back(AnyModule(std::forward<M>(modules))), ...);
  }
  // Named entries: Sequential({{"fc", std::make_shared<Linear>(3, 4)}, {"act", ...}}).
  SequentialImpl(std::initializer_list<std::pair<std::string, AnyModule>> named);

  void push_back(AnyModule module);  // named by its position ("0", "1", ...)
  void push_back(std::string name, AnyModule module);
  void extend(const SequentialImpl& other);

  Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }

  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::Sequential"; }

 private:
  std::vector<AnyModule> entries_;  // parallel to modules_, with each one's forward
};

class ModuleListImpl : public IndexedModules {
 public:
  ModuleListImpl() : IndexedModules("ModuleList") {}
  template <typename... M>
    requires(sizeof...(M) > 0 && (std::constructible_from<AnyModule, M> && ...))
  explicit ModuleListImpl(M&&... modules) : ModuleListImpl() {
    (push_back(AnyModule(std::forward<M>(modules)).module), ...);
  }

  void push_back(std::shared_ptr<Module> module);  // named by its position
  template <typename Impl>
  void push_back(const ModuleHolder<Impl>& holder) { push_back(std::shared_ptr<Module>(holder.ptr())); }
  void extend(const ModuleListImpl& other);
  void pretty_print(std::ostream& stream) const override { stream << "convis::nn::ModuleList"; }
};

class ModuleDictImpl : public Module {
 public:
  ModuleDictImpl() = default;
  explicit ModuleDictImpl(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules);
  explicit ModuleDictImpl(const OrderedDict<std::string, std::shared_ptr<Module>>& modules);

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

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(Sequential);
CONVIS_MODULE(ModuleList);
CONVIS_MODULE(ModuleDict);

}  // namespace convis::nn
