// autograd/autograd_meta.cpp: attaching history to tensors.
#include "convis/autograd/autograd_meta.h"

#include "convis/autograd/grad_mode.h"

namespace convis::autograd {

void capture_forward_trace(Node& node);  // autograd/anomaly.cpp

AutogradMeta& meta(const Tensor& t) {
  TensorImpl* impl = t.unsafeGetTensorImpl();
  CONVIS_CHECK(impl != nullptr, "autograd", "expected a defined tensor, got an undefined Tensor()");
  if (!impl->autograd_meta) impl->autograd_meta = detail::make_pooled<AutogradMeta>();
  return *impl->autograd_meta;
}

AutogradMeta* meta_or_null(const Tensor& t) {
  TensorImpl* impl = t.unsafeGetTensorImpl();
  return impl ? impl->autograd_meta.get() : nullptr;
}

namespace {
bool requires_grad(const Tensor* t) {
  const TensorImpl* impl = t->unsafeGetTensorImpl();
  if (impl && impl->autograd_meta) refresh_view(*t);
  return impl && (impl->grad_fn || impl->requires_grad);
}
}  // namespace

bool any_requires_grad(std::initializer_list<const Tensor*> inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor* t : inputs)
    if (requires_grad(t)) return true;
  return false;
}

bool any_requires_grad(const std::vector<Tensor>& inputs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& t : inputs)
    if (requires_grad(&t)) return true;
  return false;
}

Edge gradient_edge(const Tensor& t) {
  TensorImpl* impl = t.unsafeGetTensorImpl();
  if (!impl) return {};
  if (impl->autograd_meta) refresh_view(t);
  if (impl->grad_fn) return Edge{impl->grad_fn, impl->output_nr};
  if (!impl->requires_grad) return {};
  AutogradMeta& m = meta(t);
  std::shared_ptr<Node> acc = m.grad_accumulator.lock();
  if (!acc) {
    acc = detail::make_pooled<AccumulateGrad>(t);
    m.grad_accumulator = acc;
  }
  return Edge{acc, 0};
}

namespace {
template <typename Outputs>
void set_history_impl(const Outputs& outputs, const std::shared_ptr<Node>& node) {
  uint32_t nr = 0;
  node->output_meta().reserve(outputs.size());
  for (Tensor* out : outputs) {
    node->output_meta().push_back(TensorMeta{out->sizes(), out->dtype(), out->device()});
    TensorImpl* impl = out->unsafeGetTensorImpl();
    impl->grad_fn = node;
    impl->output_nr = nr++;
  }
  capture_forward_trace(*node);
}
}  // namespace

void set_history(const std::vector<Tensor*>& outputs, const std::shared_ptr<Node>& node) {
  set_history_impl(outputs, node);
}
void set_history(std::initializer_list<Tensor*> outputs, const std::shared_ptr<Node>& node) {
  set_history_impl(outputs, node);
}

bool prepare_inplace(const Tensor& self, const char* op, std::initializer_list<const Tensor*> others) {
  if (!GradMode::is_enabled()) return false;
  bool self_requires = false;
  const AutogradMeta* m = meta_or_null(self);
  CONVIS_CHECK(!(m && m->view_made_without_grad), op,
               "a view made in no_grad mode is being modified in place with grad mode enabled; expected the view "
               "and the in-place write both inside the NoGradGuard block (not recorded) or both outside it "
               "(recorded), got a view of shape {} made under NoGradGuard",
               self.sizes());
  if (std::shared_ptr<TensorImpl> base_impl = view_base_of(self)) {
    Tensor base(base_impl);
    CONVIS_CHECK(!(base.requires_grad() && base.is_leaf()), op,
                 "a view of a leaf tensor that requires grad is being used in an in-place operation; expected a "
                 "view of a tensor that does not require grad or of a non-leaf (wrap the update in NoGradGuard), "
                 "got a view of shape {} into a leaf of shape {}",
                 self.sizes(), base.sizes());
    self_requires = base.requires_grad();
  }
  // A view made a leaf of its own by requires_grad_(true) (its base needs no grad) is a leaf
  // like any other: LibTorch refuses to write into it in place.
  if (!self_requires) {
    self_requires = self.requires_grad();
    CONVIS_CHECK(!(self_requires && self.is_leaf()), op,
                 "a leaf tensor that requires grad is being used in an in-place operation; expected a tensor that "
                 "does not require grad (wrap the update in NoGradGuard), got a leaf of shape {}",
                 self.sizes());
  }
  if (!self.is_floating_point()) return false;  // an integer result never requires grad
  return self_requires || any_requires_grad(others);
}

}  // namespace convis::autograd
