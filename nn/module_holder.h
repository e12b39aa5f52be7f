// nn/module_holder.h: LibTorch's module holders, so that a LibTorch program ports to convis by
// swapping the namespace (torch:: -> convis::, TORCH_MODULE -> CONVIS_MODULE).
//
//   nn::Linear fc(3, 4);                  // makes a LinearImpl(3, 4) and holds it (shared)
//   Tensor y = fc(x);                     // fc->forward(x)
//   fc->weight;                           // the module's members through ->
//   nn::Linear later{nullptr};            // holds nothing yet: later.is_empty(), !later
//   std::shared_ptr<nn::LinearImpl> p = fc.ptr();
//   auto same = std::make_shared<nn::LinearImpl>(3, 4);   // the module itself, without a holder
//
//   struct NetImpl : nn::Module {         // a user's module, LibTorch style
//     NetImpl(int64_t n) : fc(register_module("fc", nn::Linear(n, 1))) {}
//     Tensor forward(const Tensor& x) { return fc(x); }
//     nn::Linear fc;
//   };
//   CONVIS_MODULE(Net);                   // Net is a holder of NetImpl
//   Net net(4);
//   net->parameters();  net(x);
//
// Note [Module holders]
// As in LibTorch, the module classes are the ...Impl classes (nn::LinearImpl) and the short
// names are holders: a shared_ptr to the Impl with value syntax.  Copying a holder shares the
// module (it does not clone it), `->` and `*` reach the module, and calling the holder calls the
// module's forward with the same arguments.  A default-constructed holder holds a
// default-constructed module when the Impl has a default constructor (nn::ReLU relu;), and
// none otherwise; `nullptr` makes an empty holder for members set later.  Using an empty holder
// is a convis::Error naming the module type, not a null dereference.  register_module takes
// holders and shared_ptrs alike and returns the shared_ptr, from which a holder member is built.
#pragma once

#include <concepts>
#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "convis/core/error.h"

namespace convis::nn {

namespace detail {
// The demangled name of T, for the message about an empty holder.
std::string demangled_type_name(const char* mangled);
}  // namespace detail

template <typename Impl>
class ModuleHolder {
 public:
  using ContainedType = Impl;

  // Holds a default-constructed Impl (only for Impls that have a default constructor).
  ModuleHolder()
    requires std::default_initializable<Impl>
      : impl_(std::make_shared<Impl>()) {}
  ModuleHolder(std::nullptr_t) {}                                         // NOLINT: empty, as LibTorch
  ModuleHolder(std::shared_ptr<Impl> module) : impl_(std::move(module)) {}  // NOLINT: implicit, as LibTorch
  // Makes an Impl from these arguments: nn::Linear(3, 4), nn::Conv2d(nn::Conv2dOptions(1, 8, 3)).
  template <typename Head, typename... Tail>
    requires(!std::is_same_v<std::decay_t<Head>, std::nullptr_t> && std::constructible_from<Impl, Head, Tail...>)
  explicit ModuleHolder(Head&& head, Tail&&... tail)
      : impl_(std::make_shared<Impl>(std::forward<Head>(head), std::forward<Tail>(tail)...)) {}

  Impl* operator->() { return get(); }
  const Impl* operator->() const { return get(); }
  Impl& operator*() { return *get(); }
  const Impl& operator*() const { return *get(); }
  Impl* get() { return checked().get(); }
  const Impl* get() const { return checked().get(); }
  const std::shared_ptr<Impl>& ptr() const { return checked(); }

  // Where a shared_ptr of the module or of a base is expected (a std::shared_ptr<Layer> list of
  // models::List, ModuleDict's entries), a holder gives its module (a convenience LibTorch lacks).
  template <typename Base>
    requires std::derived_from<Impl, Base>
  operator std::shared_ptr<Base>() const {  // NOLINT: implicit on purpose
    return ptr();
  }

  bool is_empty() const noexcept { return impl_ == nullptr; }
  explicit operator bool() const noexcept { return !is_empty(); }

  // The module's forward with these arguments.
  template <typename... Args>
  decltype(auto) operator()(Args&&... args) {
    return get()->forward(std::forward<Args>(args)...);
  }
  // Indexing of containers (a Sequential's or ModuleList's entries).
  template <typename Arg>
  decltype(auto) operator[](Arg&& arg) {
    return (*get())[std::forward<Arg>(arg)];
  }

 private:
  const std::shared_ptr<Impl>& checked() const {
    CONVIS_CHECK(impl_ != nullptr, "ModuleHolder", "expected a holder of a {} module, got an empty one (made from nullptr)",
                 detail::demangled_type_name(typeid(Impl).name()));
    return impl_;
  }

  std::shared_ptr<Impl> impl_;
};

template <typename T>
concept module_holder = requires { typename T::ContainedType; } &&
                        std::derived_from<T, ModuleHolder<typename T::ContainedType>>;

}  // namespace convis::nn

// CONVIS_MODULE(Net) declares Net, a holder of NetImpl (LibTorch's TORCH_MODULE);
// CONVIS_MODULE_IMPL(Net, SomeImpl) names the module type explicitly.
#define CONVIS_MODULE_IMPL(Name, ImplType)                           \
  class Name : public ::convis::nn::ModuleHolder<ImplType> {         \
   public:                                                           \
    using ::convis::nn::ModuleHolder<ImplType>::ModuleHolder;        \
    using Impl = ImplType;                                           \
  }
#define CONVIS_MODULE(Name) CONVIS_MODULE_IMPL(Name, Name##Impl)
