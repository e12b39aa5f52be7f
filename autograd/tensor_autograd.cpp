// autograd/tensor_autograd.cpp: the autograd methods of Tensor.
#include "convis/autograd/autograd_meta.h"
#include "convis/autograd/engine.h"

namespace convis {

using autograd::AutogradMeta;
using autograd::meta;
using autograd::meta_or_null;

Tensor& Tensor::requires_grad_(bool requires_grad) const {
  const std::shared_ptr<autograd::Node>& grad_fn = autograd::grad_fn_of(*this);
  CONVIS_CHECK(!grad_fn || requires_grad, "requires_grad_",
               "you can only change requires_grad flags of leaf variables; this tensor has grad_fn {}. If you want "
               "to use a computed variable in a subgraph that doesn't require differentiation use "
               "var_no_grad = var.detach()",
               grad_fn ? grad_fn->name() : "");
  detail::set_leaf_requires_grad(*this, requires_grad);
  return const_cast<Tensor&>(*this);  // Note [In-place methods are const] (core/tensor.h)
}

const Tensor& Tensor::grad() const {
  static const Tensor undefined;
  const AutogradMeta* m = meta_or_null(*this);
  return m ? m->grad : undefined;
}

Tensor& Tensor::mutable_grad() { return meta(*this).grad; }

void Tensor::retain_grad() {
  CONVIS_CHECK(requires_grad(), "retain_grad", "can't retain_grad on a tensor that has requires_grad=false");
  if (is_leaf()) return;  // leaves keep their grad anyway
  AutogradMeta& m = meta(*this);
  if (m.retains_grad) return;
  m.retains_grad = true;
  // The hook holds the tensor's impl weakly: the tensor owns the node, not the reverse.
  std::weak_ptr<TensorImpl> weak = impl();
  impl_->grad_fn->add_pre_hook(impl_->output_nr, [weak](const Tensor& g) {
    if (auto impl = weak.lock()) {
      AutogradMeta& mm = meta(Tensor(impl));
      mm.grad = mm.grad.defined() ? mm.grad + g : g.detach().clone();
    }
    return Tensor();
  });
}

bool Tensor::retains_grad() const {
  const AutogradMeta* m = meta_or_null(*this);
  return m && m->retains_grad;
}

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph) const {
  autograd::backward({*this}, {gradient}, retain_graph, create_graph);
}

void Tensor::register_hook_impl(std::function<Tensor(const Tensor&)> hook) {
  CONVIS_CHECK(requires_grad(), "register_hook",
               "cannot register a hook on a tensor that doesn't require gradient");
  if (impl_->grad_fn) {
    impl_->grad_fn->add_pre_hook(impl_->output_nr, std::move(hook));
  } else {
    meta(*this).leaf_hooks.push_back(std::move(hook));
  }
}

void Tensor::register_post_accumulate_grad_hook(std::function<void(const Tensor&)> fn) const {
  CONVIS_CHECK(requires_grad(), "register_post_accumulate_grad_hook",
               "expected a tensor that requires grad, got one that does not");
  CONVIS_CHECK(is_leaf(), "register_post_accumulate_grad_hook",
               "expected a leaf tensor (its .grad is what the hook sees), got a non-leaf tensor with grad_fn {}",
               grad_fn()->name());
  CONVIS_CHECK(fn != nullptr, "register_post_accumulate_grad_hook", "expected a hook, got an empty std::function");
  meta(*this).post_accumulate_hooks.push_back(std::move(fn));
}

}  // namespace convis
