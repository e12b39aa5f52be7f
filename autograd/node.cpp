// autograd/node.cpp: Node bookkeeping, saved tensors and the leaf accumulator.
#include "convis/autograd/node.h"

#include <atomic>
#include <cstring>

#include "convis/autograd/autograd_meta.h"
#include "convis/autograd/grad_mode.h"
#include "convis/core/ops.h"

namespace convis::autograd {

namespace {
// Per thread, as in LibTorch: the number only orders the engine's ready queue (later nodes
// first), and a shared atomic counter cost a locked instruction per recorded op.
thread_local uint64_t t_next_sequence_nr = 0;

Tensor alias_without_history(const Tensor& t) {
  return Tensor(TensorImpl::make(t.storage(), t.sizes(), t.strides(), t.storage_offset(), t.dtype()));
}
}  // namespace

Node::Node(const char* name) : name_(name), sequence_nr_(t_next_sequence_nr++) {}
Node::Node(std::string name) : owned_name_(std::move(name)), sequence_nr_(t_next_sequence_nr++) {}

// Note [Freeing long graphs]
// A Node owns the Nodes its edges point at.  Letting shared_ptr destructors cascade would
// recurse once per Node and overflow the stack on a chain of 100 000 ops.  Instead, a dying
// Node moves its edges onto a local stack; every Node popped from it whose last owner we
// are gives up its own edges to the stack before it dies, so the cascade becomes a loop.
Node::~Node() {
  std::vector<std::shared_ptr<Node>> stack;
  for (Edge& e : next_edges_)
    if (e.function) stack.push_back(std::move(e.function));
  while (!stack.empty()) {
    std::shared_ptr<Node> n = std::move(stack.back());
    stack.pop_back();
    if (n.use_count() == 1) {
      for (Edge& e : n->next_edges_)
        if (e.function) stack.push_back(std::move(e.function));
    }
  }
}

void Node::release_saved() {
  for (SavedTensor& s : saved_) s.release();
  released_ = true;
}

void Node::add_pre_hook(uint32_t output_nr, PreHook hook) { pre_hooks_.emplace_back(output_nr, std::move(hook)); }

Tensor Node::saved(const char* name, size_t k) {
  for (const SavedTensor& s : saved_)
    if (std::strcmp(s.name(), name) == 0 && k-- == 0) return s.unpack(shared_from_this());
  CONVIS_ASSERT(false, "{} saved no tensor named \"{}\"", this->name(), name);
  return Tensor();
}

SavedTensor::SavedTensor(const Tensor& t, bool is_output, const char* name) : name_(name), is_output_(is_output) {
  if (!t.defined()) return;
  version_ = t.storage()->version();
  if (is_output) {
    data_ = alias_without_history(t);  // see Note [Saved versions]: no cycle through grad_fn
    output_nr_ = t.output_nr();
  } else {
    data_ = t;
  }
}

void SavedTensor::unlink_view_base() {
  if (is_tracked_view(data_)) data_ = saved_copy_of_view(data_);
}

Tensor SavedTensor::unpack(const std::shared_ptr<Node>& saver) const {
  CONVIS_CHECK(!released_, "backward",
               "Trying to backward through the graph a second time (or to read tensors saved by {} after they were "
               "freed). Saved tensors are freed after the first backward; pass retain_graph=true to the first "
               "backward() if you need to backward through the graph again",
               saver ? saver->name() : std::string("a node"));
  if (!data_.defined()) return data_;
  uint32_t now = data_.storage()->version();
  CONVIS_CHECK(now == version_, "backward",
               "one of the tensors needed for gradient computation has been modified by an in-place operation: a "
               "tensor of shape {} saved by {} at version {} was modified by {} and is now at version {}",
               data_.sizes(), saver ? saver->name() : std::string("a node"), version_,
               data_.storage()->last_writer(), now);
  // Without grad mode (backward without create_graph) nothing records on the result, so
  // reconnecting it to its node would only cost two allocations.
  if (!is_output_ || !saver || !GradMode::is_enabled()) return data_;
  Tensor out = alias_without_history(data_);
  out.unsafeGetTensorImpl()->grad_fn = saver;
  out.unsafeGetTensorImpl()->output_nr = output_nr_;
  return out;
}

AccumulateGrad::AccumulateGrad(const Tensor& leaf) : Node("AccumulateGrad"), leaf_(leaf.impl()) {
  output_meta().push_back(TensorMeta{leaf.sizes(), leaf.dtype(), leaf.device()});
}

Tensor AccumulateGrad::leaf() const {
  auto impl = leaf_.lock();
  return impl ? Tensor(impl) : Tensor();
}

// Note [Accumulating into .grad]
// The first gradient becomes .grad as it is (detached unless create_graph is on), or a
// copy when someone else still holds it, so later accumulation never writes into a
// tensor the user can see elsewhere.  Later gradients are added out of place
// (grad = grad + new), which keeps any graph recorded under create_graph intact.
variable_list AccumulateGrad::apply(variable_list&& grad_outputs) {
  Tensor leaf_tensor = leaf();
  if (!leaf_tensor.defined() || !grad_outputs[0].defined()) return {};
  Tensor g = std::move(grad_outputs[0]);
  AutogradMeta& m = meta(leaf_tensor);
  for (const Node::PreHook& hook : m.leaf_hooks) {
    Tensor replaced = hook(g);
    if (replaced.defined()) g = replaced;
  }
  if (!GradMode::is_enabled()) g = g.use_count() == 1 && !has_autograd(g) ? g : g.clone();
  if (!m.grad.defined()) {
    m.grad = g;
  } else {
    m.grad = m.grad + g;
  }
  for (const auto& hook : m.post_accumulate_hooks) hook(leaf_tensor);
  return {};
}

}  // namespace convis::autograd
