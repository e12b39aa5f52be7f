// nn/module.h: the Module tree: parameters, buffers, submodules, modes, state dicts.
//
//   struct NetImpl : convis::nn::Module {
//     nn::Linear fc1{nullptr}, fc2{nullptr};          // holders (nn/module_holder.h)
//     NetImpl() {
//       fc1 = register_module("fc1", nn::Linear(4, 8));
//       fc2 = register_module("fc2", nn::Linear(8, 1));
//     }
//     Tensor forward(const Tensor& x) { return fc2(fc1(x).relu()); }
//   };
//   CONVIS_MODULE(Net);
//   Net net;                          // or std::make_shared<NetImpl>()
//   for (const auto& p : net->named_parameters()) std::cout << p.key() << "\n";  // fc1.weight ...
//   net->eval();                      // recursive
//   net->save("net.safetensors");     // readable by Python's safetensors
//   net->load("net.safetensors");
//   std::cout << *net;                // NetImpl(\n  (fc1): convis::nn::Linear(in_features=4, ...
//
// As in LibTorch, a module made with std::make_shared owns its children through
// shared_ptr; modules() and friends need the module itself to be owned by a shared_ptr.
// Parameters are leaf tensors with requires_grad; an undefined tensor may be registered
// (Linear's bias with bias=false) and is skipped by every listing.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "convis/core/device.h"
#include "convis/core/dtype.h"
#include "convis/core/tensor.h"
#include "convis/nn/module_holder.h"
#include "convis/nn/ordered_dict.h"

namespace convis::nn {

class Module : public std::enable_shared_from_this<Module> {
 public:
  using ModuleApplyFunction = std::function<void(Module&)>;
  using NamedModuleApplyFunction = std::function<void(const std::string&, Module&)>;
  using ModulePointerApplyFunction = std::function<void(const std::shared_ptr<Module>&)>;

  Module();
  explicit Module(std::string name);  // otherwise name() is the demangled class name
  virtual ~Module() = default;
  Module(const Module&) = default;
  Module& operator=(const Module&) = default;

  const std::string& name() const;

  // ---- registration ----
  Tensor& register_parameter(std::string name, Tensor tensor, bool requires_grad = true);
  // The same with a doc string (convis layers describe each parameter; see parameter_doc).
  Tensor& register_parameter(std::string name, Tensor tensor, bool requires_grad, std::string doc);
  Tensor& register_buffer(std::string name, Tensor tensor);
  template <typename M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
    CONVIS_CHECK(module != nullptr, "register_module", "expected a module, got a null pointer for '{}'", name);
    check_new_name("register_module", name, "Submodule");
    children_.insert(name, module);
    return module;
  }
  // A holder (nn::Linear(3, 4), a CONVIS_MODULE type) is registered by the module it holds,
  // which is returned (Note [Module holders]).
  template <typename Impl>
  std::shared_ptr<Impl> register_module(std::string name, ModuleHolder<Impl> holder) {
    CONVIS_CHECK(!holder.is_empty(), "register_module", "expected a module, got an empty holder for '{}'", name);
    return register_module(std::move(name), holder.ptr());
  }
  // Swaps a registered submodule for another (same name and position).
  template <typename M>
  std::shared_ptr<M> replace_module(const std::string& name, std::shared_ptr<M> module) {
    CONVIS_CHECK(children_.contains(name), "replace_module", "expected a registered submodule, got '{}'", name);
    children_[name] = module;
    return module;
  }
  // Documents an already registered parameter of this module (e.g. one a child layer made).
  void set_parameter_doc(const std::string& name, std::string doc);
  // The doc string given to register_parameter ("" when none); `name` may be dotted.
  std::string parameter_doc(const std::string& name) const;
  const OrderedDict<std::string, std::string>& parameter_docs() const { return docs_; }

  // ---- listing (dotted names in registration order, children after their parent) ----
  std::vector<Tensor> parameters(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_buffers(bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_children() const;
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true);
  OrderedDict<std::string, std::shared_ptr<Module>> named_modules(const std::string& name_prefix = "",
                                                                  bool include_self = true);

  // ---- modes and gradients ----
  virtual void train(bool on = true);
  void eval() { train(false); }
  virtual bool is_training() const noexcept { return is_training_; }
  void zero_grad(bool set_to_none = true);

  // ---- conversion (in place: the same tensors, now of another dtype or device) ----
  // dtype conversion touches floating-point tensors only (num_batches_tracked stays int64).
  virtual void to(DType dtype, bool non_blocking = false);
  virtual void to(Device device, bool non_blocking = false);
  virtual void to(Device device, DType dtype, bool non_blocking = false);

  // fn runs on this module and then on every descendant, depth first.
  void apply(const ModuleApplyFunction& fn);
  void apply(const NamedModuleApplyFunction& fn, const std::string& name_prefix = "");
  void apply(const ModulePointerApplyFunction& fn);

  // ---- state ----
  // Parameters and buffers, each module's own before its children's (PyTorch's order),
  // detached and sharing storage with the module's tensors.
  OrderedDict<std::string, Tensor> state_dict() const;
  // Copies values into the module's tensors.  strict: missing and unexpected keys are
  // errors; a shape mismatch is always an error.  The message lists every problem.
  void load_state_dict(const OrderedDict<std::string, Tensor>& state, bool strict = true);
  void save(const std::string& path) const;  // safetensors (nn/safetensors.h)
  void load(const std::string& path, bool strict = true);

  // The name() of a module constructed without one: its demangled dynamic type, as LibTorch's
  // ("convis::nn::LinearImpl", "NetImpl").  Overridable (convis Layers drop the Impl suffix).
  virtual std::string default_name() const;

  // ---- printing ----
  // One line describing this module alone ("convis::nn::Linear(in_features=3, ...)").
  virtual void pretty_print(std::ostream& stream) const;

 protected:
  // Direct access for subclasses: the registered (maybe undefined) tensors of this module.
  OrderedDict<std::string, Tensor>& own_parameters() { return parameters_; }
  OrderedDict<std::string, Tensor>& own_buffers() { return buffers_; }
  // Tensors a subclass holds besides its parameters and buffers, which to() must convert too
  // (a convis Layer's states): fn maps each to its new value.  Called after the module's own
  // parameters and buffers, for every module of the tree.
  virtual void convert_other_tensors(const std::function<Tensor(const Tensor&)>& fn) { (void)fn; }
  // For containers that remove children (ModuleDict::pop / clear).
  std::shared_ptr<Module> unregister_module(const std::string& name) { return children_.pop(name); }

 private:
  friend std::ostream& operator<<(std::ostream& stream, const Module& module);
  void pretty_print_recursive(std::ostream& stream, const std::string& indentation) const;
  void check_new_name(const char* op, const std::string& name, const char* kind) const;
  void collect_named(bool buffers, const std::string& prefix, bool recurse, OrderedDict<std::string, Tensor>& out) const;
  void collect_state(const std::string& prefix, OrderedDict<std::string, Tensor>& out) const;
  void convert(const std::function<Tensor(const Tensor&)>& fn);

  OrderedDict<std::string, Tensor> parameters_{"Parameter"};
  OrderedDict<std::string, Tensor> buffers_{"Buffer"};
  OrderedDict<std::string, std::shared_ptr<Module>> children_{"Submodule"};
  OrderedDict<std::string, std::string> docs_{"Parameter"};
  mutable std::optional<std::string> name_;
  bool is_training_ = true;
};

// Prints the module tree as LibTorch does:
//   convis::nn::Sequential(
//     (0): convis::nn::Linear(in_features=3, out_features=4, bias=true)
//     (1): convis::nn::ReLU()
//   )
std::ostream& operator<<(std::ostream& stream, const Module& module);

namespace detail {
// The dotted name of a child entry: join_name("conv", "weight") == "conv.weight"; "" + name is name.
std::string join_name(const std::string& prefix, const std::string& name);
// Default initialisations of the layers (LibTorch's reset_parameters), in place, no grad.
// Note [Default init]: kaiming_uniform_ with a = sqrt(5) gives gain sqrt(2 / (1 + 5)) and
// bound gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in); the bias bound is 1 / sqrt(fan_in) too.
int64_t fan_in(const Tensor& weight);  // size(1) * product of sizes[2:]
void uniform_(Tensor& t, double low, double high);
void kaiming_uniform_sqrt5_(Tensor& weight);
void bias_uniform_(Tensor& bias, const Tensor& weight);
}  // namespace detail

}  // namespace convis::nn
