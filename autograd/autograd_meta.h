// autograd/autograd_meta.h: what autograd attaches to a TensorImpl.
//
//   A leaf made with requires_grad(true):  impl->requires_grad = true, impl->grad_fn = null, meta on demand
//   y = f(x) recorded:                     no meta; impl->grad_fn = the node of f, impl->output_nr
//   core never looks inside; it only carries the pointers (Note [History on the TensorImpl]).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "convis/autograd/node.h"

namespace convis::autograd {

struct AutogradMeta {
  Tensor grad;
  std::weak_ptr<Node> grad_accumulator;  // a leaf's AccumulateGrad, created on demand
  bool retains_grad = false;
  // A view made by a view op in grad mode: the tensor it looks into (the root, never itself
  // a view) and the storage version when its history was last set (Note [In-place on a view]).
  std::shared_ptr<TensorImpl> view_base;
  std::weak_ptr<TensorImpl> weak_view_base;  // instead, in a saved copy of a view (no cycle)
  uint32_t view_version = 0;
  bool view_made_without_grad = false;  // a view of a tensor that requires grad, made under NoGradGuard
  std::vector<Node::PreHook> leaf_hooks;  // hooks on a leaf (run by its AccumulateGrad)
  std::vector<std::function<void(const Tensor&)>> post_accumulate_hooks;  // run after .grad is updated
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

// Note [In-place ops and autograd]
// An in-place op on a tensor that needs grad is recorded by "rebasing" the tensor's
// history: the new Node's first edge is the tensor's old edge, and the tensor's grad_fn
// becomes the new Node.  A leaf that requires grad throws instead, as in LibTorch (its
// .grad would no longer describe the values), and so does a view of one.  Tensors saved
// for backward are protected by the version counter (Note [Saved versions]).
//
// Note [In-place on a view]
// A view op run in grad mode remembers its root base (track_view), whether or not anything
// requires grad yet, because a later write through the view changes the base:
//   acc = v * 1.0;  acc.slice(0, 0, 2).mul_(3);  acc.sum().backward();   // v.grad = [3, 3, 1, 1]
// The write's node `fn` (MulBackward0, input 0 the view's old value) is not attached to the
// view but wrapped in a CopySlices node that becomes the base's grad_fn: its backward passes
// the base's gradient through outside the view and runs fn's backward inside it (edge 0 is
// the base's old history, edges 1.. fn's other inputs).  The view's own history becomes an
// as_strided of the base (AsStridedBackward0).  Other views of the same base still point at
// the base's old history; each view remembers the storage version its history was made at,
// and when that is stale (some write happened since) its history is made anew from the
// base's the next time an op records with it (refresh_view).  The same goes for a write to
// a base that has views, and for a buffer that required no grad until a write through a
// view put a gradient into it (out = zeros(n); out.slice(0, 0, 2).copy_(w)).
// A view of a tensor that requires grad made under NoGradGuard has no base to rebase; an
// in-place write to it with grad mode on throws, as in LibTorch (it could only be wrong).
//
// prepare_inplace checks those rules and says whether the op must be recorded.
bool prepare_inplace(const Tensor& self, const char* op, std::initializer_list<const Tensor*> others);
// Called by the view ops on their result y of x (in grad mode it becomes a tracked view).
void track_view(const Tensor& x, const Tensor& y);
bool is_tracked_view(const Tensor& t);
// The base of a tracked view, or null (also when the base's data was replaced by set_data).
std::shared_ptr<TensorImpl> view_base_of(const Tensor& t);
// A copy of a view for a SavedTensor: its history, and its base held weakly, so that a node
// in the base's history may save a view of the base without a reference cycle.
Tensor saved_copy_of_view(const Tensor& view);
// A stale tracked view gets its history anew from its base's (see the Note).
void refresh_view(const Tensor& view);
// Records the write `fn` to a tracked view on its base, as CopySlices.
void rebase_view(const Tensor& view, const std::shared_ptr<FunctionNode>& fn);

}  // namespace convis::autograd
