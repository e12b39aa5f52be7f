// autograd/autograd_meta.h: what autograd attaches to a TensorImpl.
//
//   A leaf made with requires_grad(true):  impl->requires_grad = true, impl->grad_fn = null, meta on demand
//   y = f(x) recorded:                     no meta; impl->grad_fn = the node of f, impl->output_nr
//   core never looks inside; it only carries the pointers (Note [History on the TensorImpl]).
#pragma once

#include <memory>
#include <vector>

#include "convis/autograd/node.h"

namespace convis::autograd {

struct AutogradMeta {
  Tensor grad;
  std::weak_ptr<Node> grad_accumulator;  // a leaf's AccumulateGrad, created on demand
  bool retains_grad = false;
  bool is_view = false;  // made by a recorded view op (see Note [In-place ops and autograd])
  std::vector<Node::PreHook> leaf_hooks;  // hooks on a leaf (run by its AccumulateGrad)
};

// The meta of `t`, created if absent.
AutogradMeta& meta(const Tensor& t);
// The meta of `t` or null.
AutogradMeta* meta_or_null(const Tensor& t);
// t's grad_fn (null for leaves and undefined tensors).
inline const std::shared_ptr<Node>& grad_fn_of(const Tensor& t) {
  static const std::shared_ptr<Node> none;
  const TensorImpl* impl = t.unsafeGetTensorImpl();
  return impl ? impl->grad_fn : none;
}
// Whether autograd has anything on `t`: a history or a meta.
inline bool has_autograd(const Tensor& t) {
  const TensorImpl* impl = t.unsafeGetTensorImpl();
  return impl && (impl->grad_fn || impl->autograd_meta);
}

// Whether an op on these inputs must be recorded (grad mode on and any input requires grad).
bool any_requires_grad(std::initializer_list<const Tensor*> inputs);
bool any_requires_grad(const std::vector<Tensor>& inputs);

// The edge a gradient for `t` flows into: its grad_fn, or its leaf AccumulateGrad, or none.
Edge gradient_edge(const Tensor& t);

// Makes `node` the grad_fn of `outputs` (output i gets output_nr i) and records their metadata.
void set_history(const std::vector<Tensor*>& outputs, const std::shared_ptr<Node>& node);
void set_history(std::initializer_list<Tensor*> outputs, const std::shared_ptr<Node>& node);

// Creates a FunctionNode with edges to `inputs`, attaches it to `outputs`, and returns it
// so the caller can save tensors.  Call only when any_requires_grad(inputs).
std::shared_ptr<FunctionNode> record(const char* name, std::initializer_list<const Tensor*> inputs,
                                     std::initializer_list<Tensor*> outputs, FunctionNode::BackwardFn backward);
std::shared_ptr<FunctionNode> record(const char* name, const std::vector<Tensor>& inputs,
                                     std::initializer_list<Tensor*> outputs, FunctionNode::BackwardFn backward);
std::shared_ptr<FunctionNode> record(const char* name, const std::vector<const Tensor*>& inputs,
                                     std::initializer_list<Tensor*> outputs, FunctionNode::BackwardFn backward);

// Note [In-place ops and autograd]
// An in-place op on a tensor that needs grad is recorded by "rebasing" the tensor's
// history: the new Node's first edge is the tensor's old edge, and the tensor's grad_fn
// becomes the new Node.  Two cases throw instead, as in LibTorch: a leaf that requires
// grad (its .grad would no longer describe the values), and -- our choice, simpler than
// LibTorch's view replay -- a view made by a recorded view op ("clone() the view first").
// Tensors saved for backward are protected by the version counter (Note [Saved versions]).
//
// prepare_inplace checks those rules and says whether the op must be recorded.
bool prepare_inplace(const Tensor& self, const char* op, std::initializer_list<const Tensor*> others);
// Marks `out` as a view for the rule above (called by view ops that record).
void mark_view(const Tensor& out);

}  // namespace convis::autograd
