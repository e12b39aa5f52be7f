// autograd/record.cpp: recording a built-in op's node, out of place and in place
// (Note [Recording an op] in autograd/record.h).
#include "convis/autograd/record.h"

namespace convis::autograd {

TensorPtrs pointers_to(const std::vector<Tensor>& tensors) {
  TensorPtrs out;
  for (const Tensor& t : tensors) out.push_back(&t);
  return out;
}

bool any_requires_grad(const TensorPtrs& inputs) {
  for (const Tensor* t : inputs)
    if (any_requires_grad({t})) return true;
  return false;
}

namespace {

// The tensor `s` saves, or null when it is not needed.
const Tensor* to_save(const OpRecord& r, const Save& s) {
  if (s.needer < 0) return s.tensor;
  return any_requires_grad({r.inputs[size_t(s.needer)]}) ? s.tensor : nullptr;
}

// The node of `r`, with its edges computed now (before any output's history changes).
std::shared_ptr<FunctionNode> make_node(OpRecord& r) {
  auto node = detail::make_pooled<FunctionNode>(r.name, std::move(r.backward));
  auto& edges = node->mutable_next_edges();
  edges.reserve(r.inputs.size());
  for (const Tensor* t : r.inputs) edges.push_back(gradient_edge(*t));
  return node;
}

void save_result(FunctionNode& node, const OpRecord& r, const Tensor& result) {
  if (r.save_result) node.saved().emplace_back(result, /*is_output=*/true, r.save_result);
}

}  // namespace

void record(OpRecord&& r, std::initializer_list<Tensor*> outputs) {
  auto node = make_node(r);
  auto& saved = node->saved();
  saved.reserve(r.saves.size() + (r.save_result ? 1 : 0));
  for (const Save& s : r.saves) {
    const Tensor* t = to_save(r, s);
    saved.emplace_back(t ? *t : Tensor(), false, s.name);
  }
  set_history(outputs, node);
  save_result(*node, r, **outputs.begin());
}

saved_list InPlace::save_before_write(const OpRecord& r, const Tensor& self) {
  saved_list saved;
  saved.reserve(r.saves.size() + 1);
  Tensor old_self;  // self's value before the write, when the backward reads it
  for (const Save& s : r.saves) {
    const Tensor* t = to_save(r, s);
    if (t == nullptr) {
      saved.emplace_back(Tensor(), false, s.name);
    } else if (t->unsafeGetTensorImpl() == self.unsafeGetTensorImpl()) {
      if (!old_self.defined()) old_self = self.clone();
      saved.emplace_back(old_self, false, s.name);
    } else {
      saved.emplace_back(*t, false, s.name);
    }
  }
  return saved;
}

Tensor& InPlace::record() {
  Tensor& self = const_cast<Tensor&>(self_);  // Note [In-place methods are const] (core/tensor.h)
  if (!rec_) return self;
  auto node = make_node(*rec_);
  node->saved() = std::move(saved_);
  // The node becomes part of the base's history; a view of that base saved by it must not
  // hold the base (a reference cycle: base -> node -> saved view -> base).
  std::shared_ptr<TensorImpl> base = view_base_of(self);
  const TensorImpl* root = base ? base.get() : self.unsafeGetTensorImpl();
  for (SavedTensor& s : node->saved())
    if (view_base_of(s.peek()).get() == root) s.unlink_view_base();
  if (base) {
    rebase_view(self, node);
  } else {
    set_history({&self}, node);
  }
  save_result(*node, *rec_, self);
  return self;
}

}  // namespace convis::autograd
