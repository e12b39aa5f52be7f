// nn/module.cpp: the Module tree (see module.h).
#include "convis/nn/module.h"

#include <cxxabi.h>
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <ostream>
#include <typeinfo>

#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/format.h"
#include "convis/core/ops.h"
#include "convis/nn/safetensors.h"

namespace convis::nn {

namespace detail {
std::string demangled_type_name(const char* mangled) {
  int status = 0;
  char* out = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name = (status == 0 && out != nullptr) ? out : mangled;
  std::free(out);
  return name;
}

std::string join_name(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}
}  // namespace detail

namespace {

std::string join_keys(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& key : keys) out += (out.empty() ? "\"" : ", \"") + key + "\"";
  return out;
}

}  // namespace

Module::Module() = default;
Module::Module(std::string name) : name_(std::move(name)) {}

std::string Module::default_name() const { return detail::demangled_type_name(typeid(*this).name()); }

const std::string& Module::name() const {
  if (!name_) name_ = default_name();
  return *name_;
}

void Module::check_new_name(const char* op, const std::string& name, const char* kind) const {
  CONVIS_CHECK(!name.empty(), op, "expected a non-empty {} name, got \"\"", kind);
  CONVIS_CHECK(name.find('.') == std::string::npos, op, "expected a {} name without a dot, got '{}'", kind, name);
  bool taken = parameters_.contains(name) || buffers_.contains(name) || children_.contains(name);
  CONVIS_CHECK(!taken, op, "expected a new name, got '{}', which is already defined in {}", name, this->name());
}

Tensor& Module::register_parameter(std::string name, Tensor tensor, bool requires_grad) {
  check_new_name("register_parameter", name, "parameter");
  if (tensor.defined()) {
    // Note [Parameters are leaves]
    // An optimizer updates a parameter in place and reads its .grad(); both need a leaf.
    // A tensor with history (w = randn(...) * 0.1 with requires_grad) is detached first.
    if (!tensor.is_leaf()) tensor = tensor.detach();
    tensor.set_requires_grad(requires_grad);
  }
  return parameters_.insert(name, std::move(tensor));
}

Tensor& Module::register_parameter(std::string name, Tensor tensor, bool requires_grad, std::string doc) {
  Tensor& out = register_parameter(name, std::move(tensor), requires_grad);
  docs_.insert(name, std::move(doc));
  return out;
}

Tensor& Module::register_buffer(std::string name, Tensor tensor) {
  check_new_name("register_buffer", name, "buffer");
  return buffers_.insert(name, std::move(tensor));
}

void Module::set_parameter_doc(const std::string& name, std::string doc) {
  CONVIS_CHECK(parameters_.contains(name), "set_parameter_doc", "expected a parameter of {}, got '{}'", this->name(),
               name);
  docs_.insert_or_assign(name, std::move(doc));
}

std::string Module::parameter_doc(const std::string& name) const {
  auto dot = name.find('.');
  if (dot == std::string::npos) {
    const std::string* doc = docs_.find(name);
    return doc ? *doc : std::string();
  }
  const std::shared_ptr<Module>* child = children_.find(name.substr(0, dot));
  return child ? (*child)->parameter_doc(name.substr(dot + 1)) : std::string();
}

void Module::collect_named(bool buffers, const std::string& prefix, bool recurse,
                           OrderedDict<std::string, Tensor>& out) const {
  for (const auto& item : buffers ? buffers_ : parameters_)
    if (item.value().defined()) out.insert(detail::join_name(prefix, item.key()), item.value());
  if (!recurse) return;
  for (const auto& child : children_) child.value()->collect_named(buffers, detail::join_name(prefix, child.key()), true, out);
}

OrderedDict<std::string, Tensor> Module::named_parameters(bool recurse) const {
  OrderedDict<std::string, Tensor> out("Parameter");
  collect_named(false, "", recurse, out);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const { return named_parameters(recurse).values(); }

OrderedDict<std::string, Tensor> Module::named_buffers(bool recurse) const {
  OrderedDict<std::string, Tensor> out("Buffer");
  collect_named(true, "", recurse, out);
  return out;
}

std::vector<Tensor> Module::buffers(bool recurse) const { return named_buffers(recurse).values(); }

std::vector<std::shared_ptr<Module>> Module::children() const { return children_.values(); }

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_children() const { return children_; }

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_modules(const std::string& name_prefix,
                                                                        bool include_self) {
  OrderedDict<std::string, std::shared_ptr<Module>> out("Module");
  std::shared_ptr<Module> self = weak_from_this().lock();
  CONVIS_CHECK(self != nullptr, "modules",
               "expected a module owned by a std::shared_ptr (made with std::make_shared), got one on the stack");
  if (include_self) out.insert(name_prefix, self);
  apply([&](const std::string& name, Module& m) {
    if (&m != this) out.insert(name, m.shared_from_this());
  }, name_prefix);
  return out;
}

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) {
  return named_modules("", include_self).values();
}

void Module::train(bool on) {
  is_training_ = on;
  for (auto& child : children_) child.value()->train(on);
}

void Module::zero_grad(bool set_to_none) {
  for (Tensor& p : parameters()) {
    Tensor& grad = p.mutable_grad();
    if (!grad.defined()) continue;
    if (set_to_none) {
      grad = Tensor();
    } else {
      grad = grad.detach();
      grad.zero_();
    }
  }
}

void Module::convert(const std::function<Tensor(const Tensor&)>& fn) {
  NoGradGuard no_grad;
  for (auto& child : children_) child.value()->convert(fn);
  for (auto* dict : {&parameters_, &buffers_}) {
    for (auto& item : *dict) {
      Tensor& t = item.value();
      if (!t.defined()) continue;
      t.set_data(fn(t));
      if (t.grad().defined()) t.mutable_grad() = fn(t.grad());
    }
  }
  convert_other_tensors(fn);
}

void Module::to(DType dtype, bool non_blocking) {
  convert([&](const Tensor& t) { return t.is_floating_point() ? t.to(dtype, non_blocking) : t; });
}

void Module::to(Device device, bool non_blocking) {
  convert([&](const Tensor& t) { return t.to(device, non_blocking); });
}

void Module::to(Device device, DType dtype, bool non_blocking) {
  convert([&](const Tensor& t) {
    return t.is_floating_point() ? t.to(device, dtype, non_blocking) : t.to(device, non_blocking);
  });
}

void Module::apply(const ModuleApplyFunction& fn) {
  fn(*this);
  for (auto& child : children_) child.value()->apply(fn);
}

void Module::apply(const NamedModuleApplyFunction& fn, const std::string& name_prefix) {
  fn(name_prefix, *this);
  for (auto& child : children_) child.value()->apply(fn, detail::join_name(name_prefix, child.key()));
}

void Module::apply(const ModulePointerApplyFunction& fn) {
  for (const auto& m : modules()) fn(m);
}

void Module::collect_state(const std::string& prefix, OrderedDict<std::string, Tensor>& out) const {
  for (const auto* dict : {&parameters_, &buffers_})
    for (const auto& item : *dict)
      if (item.value().defined()) out.insert(detail::join_name(prefix, item.key()), item.value().detach());
  for (const auto& child : children_) child.value()->collect_state(detail::join_name(prefix, child.key()), out);
}

OrderedDict<std::string, Tensor> Module::state_dict() const {
  OrderedDict<std::string, Tensor> out("Key");
  collect_state("", out);
  return out;
}

// Note [Loading a state dict]
// Like PyTorch, every problem is collected first and reported in one Error, so that a user
// fixing a checkpoint sees all of them at once; nothing is copied unless all is well.
void Module::load_state_dict(const OrderedDict<std::string, Tensor>& state, bool strict) {
  OrderedDict<std::string, Tensor> own = state_dict();
  std::vector<std::string> missing, unexpected, problems;
  for (const auto& item : own) {
    const Tensor* given = state.find(item.key());
    if (given == nullptr) {
      missing.push_back(item.key());
    } else if (!given->defined() || given->sizes() != item.value().sizes()) {
      problems.push_back(fmt::format("size mismatch for {}: copying a tensor of shape {} from the state dict, "
                                     "the shape in the module is {}",
                                     item.key(), given->defined() ? fmt::format("{}", given->sizes()) : "(undefined)",
                                     item.value().sizes()));
    }
  }
  for (const auto& item : state)
    if (!own.contains(item.key())) unexpected.push_back(item.key());
  if (strict && !missing.empty()) problems.push_back("missing key(s) in state_dict: " + join_keys(missing));
  if (strict && !unexpected.empty()) problems.push_back("unexpected key(s) in state_dict: " + join_keys(unexpected));
  std::string all;
  for (const auto& p : problems) all += "\n\t" + p;
  CONVIS_CHECK(problems.empty(), "load_state_dict", "expected a state dict matching {}, got {} error(s):{}", name(),
               problems.size(), all);
  NoGradGuard no_grad;
  for (auto& item : own)
    if (const Tensor* given = state.find(item.key())) item.value().copy_(*given);
}

void Module::save(const std::string& path) const { save_safetensors(path, state_dict()); }

void Module::load(const std::string& path, bool strict) { load_state_dict(load_safetensors(path), strict); }

void Module::pretty_print(std::ostream& stream) const { stream << name(); }

void Module::pretty_print_recursive(std::ostream& stream, const std::string& indentation) const {
  pretty_print(stream);
  if (children_.is_empty()) return;
  stream << "(\n";
  const std::string inner = indentation + "  ";
  for (const auto& child : children_) {
    stream << inner << "(" << child.key() << "): ";
    child.value()->pretty_print_recursive(stream, inner);
    stream << "\n";
  }
  stream << indentation << ")";
}

std::ostream& operator<<(std::ostream& stream, const Module& module) {
  module.pretty_print_recursive(stream, "");
  return stream;
}

namespace detail {

int64_t fan_in(const Tensor& weight) {
  CONVIS_CHECK(weight.dim() >= 2, "init", "expected a weight of at least 2 dims to compute fan_in, got shape {}",
               weight.sizes());
  int64_t fan = weight.size(1);
  for (int64_t d = 2; d < weight.dim(); ++d) fan *= weight.size(d);
  return fan;
}

void uniform_(Tensor& t, double low, double high) {
  NoGradGuard no_grad;
  t.copy_(rand(t.sizes(), t.options()) * (high - low) + low);
}

void kaiming_uniform_sqrt5_(Tensor& weight) {
  const double a = std::sqrt(5.0);
  const double gain = std::sqrt(2.0 / (1.0 + a * a));
  const double bound = gain * std::sqrt(3.0 / double(fan_in(weight)));
  uniform_(weight, -bound, bound);
}

void bias_uniform_(Tensor& bias, const Tensor& weight) {
  const int64_t fan = fan_in(weight);
  const double bound = fan > 0 ? 1.0 / std::sqrt(double(fan)) : 0.0;
  uniform_(bias, -bound, bound);
}

}  // namespace detail

}  // namespace convis::nn
