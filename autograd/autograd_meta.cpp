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

namespace {
template <typename Inputs>
std::shared_ptr<FunctionNode> record_impl(const char* name, const Inputs& inputs,
                                          std::initializer_list<Tensor*> outputs, FunctionNode::BackwardFn backward) {
  auto node = detail::make_pooled<FunctionNode>(std::string(name), std::move(backward));  // may be a temporary
  auto& edges = node->mutable_next_edges();
  edges.reserve(inputs.size());
  for (const auto& in : inputs) {
    const Tensor& t = *in;
    edges.push_back(gradient_edge(t));
  }
  set_history(outputs, node);
  return node;
}
struct Addr {
  const Tensor* p;
  const Tensor& operator*() const { return *p; }
};
}  // namespace

std::shared_ptr<FunctionNode> record(const char* name, std::initializer_list<const Tensor*> inputs,
                                     std::initializer_list<Tensor*> outputs, FunctionNode::BackwardFn backward) {
  return record_impl(name, inputs, outputs, std::move(backward));
}

std::shared_ptr<FunctionNode> record(const char* name, const std::vector<const Tensor*>& inputs,
                                     std::initializer_list<Tensor*> outputs, FunctionNode::BackwardFn backward) {
  return record_impl(name, inputs, outputs, std::move(backward));
}

std::shared_ptr<FunctionNode> record(const char* name, const std::vector<Tensor>& inputs,
                                     std::initializer_list<Tensor*> outputs, FunctionNode::BackwardFn backward) {
  std::vector<Addr> addrs;
  addrs.reserve(inputs.size());
  for (const Tensor& t : inputs) addrs.push_back(Addr{&t});
  return record_impl(name, addrs, outputs, std::move(backward));
}

bool prepare_inplace(const Tensor& self, const char* op, std::initializer_list<const Tensor*> others) {
  if (!GradMode::is_enabled()) return false;
  const AutogradMeta* m = meta_or_null(self);
  const std::shared_ptr<Node>& grad_fn = grad_fn_of(self);
  bool self_requires = self.requires_grad();
  CONVIS_CHECK(!(self_requires && !grad_fn), op,
               "a leaf tensor that requires grad is being used in an in-place operation; expected a tensor that "
               "does not require grad (wrap the update in NoGradGuard), got a leaf of shape {}",
               self.sizes());
  CONVIS_CHECK(!(self_requires && m && m->is_view), op,
               "expected an in-place target that is not a view of a tensor that requires grad, got a view of shape "
               "{} made by {}; clone() the view first",
               self.sizes(), grad_fn ? grad_fn->name() : "a view op");
  if (self_requires) return true;
  return any_requires_grad(others);
}

void mark_view(const Tensor& out) {
  if (out.requires_grad()) meta(out).is_view = true;
}

}  // namespace convis::autograd
