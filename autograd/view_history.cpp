// autograd/view_history.cpp: the history of views, and in-place writes through them
// (Note [In-place on a view] in autograd/autograd_meta.h).
#include "convis/autograd/autograd_meta.h"
#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"

namespace convis::autograd {

std::shared_ptr<TensorImpl> view_base_of(const Tensor& t) {
  AutogradMeta* m = meta_or_null(t);
  if (!m) return nullptr;
  std::shared_ptr<TensorImpl> base = m->view_base ? m->view_base : m->weak_view_base.lock();
  if (base && base->storage != t.unsafeGetTensorImpl()->storage) {
    m->view_base.reset();  // the base's data was replaced (set_data): no longer a view of it
    m->weak_view_base.reset();
    return nullptr;
  }
  return base;
}

Tensor saved_copy_of_view(const Tensor& view) {
  const TensorImpl* src = view.unsafeGetTensorImpl();
  Tensor copy(TensorImpl::make(src->storage, src->sizes, src->strides, src->offset, src->dtype));
  copy.unsafeGetTensorImpl()->grad_fn = src->grad_fn;
  copy.unsafeGetTensorImpl()->output_nr = src->output_nr;
  AutogradMeta& m = meta(copy);
  m.weak_view_base = view_base_of(view);
  m.view_version = meta(view).view_version;
  return copy;
}

void track_view(const Tensor& x, const Tensor& y) {
  if (y.is_same(x)) return;
  if (!GradMode::is_enabled()) {
    if (x.requires_grad()) meta(y).view_made_without_grad = true;
    return;
  }
  AutogradMeta& my = meta(y);
  std::shared_ptr<TensorImpl> root = view_base_of(x);
  my.view_base = root ? root : x.impl();
  my.view_version = y.storage()->version();
}

bool is_tracked_view(const Tensor& t) { return view_base_of(t) != nullptr; }

namespace {

// The view's history made anew from its base's: an as_strided of the base.
void set_view_history_from_base(const Tensor& view, const Tensor& base) {
  Tensor fresh = as_strided(base, view.sizes(), view.strides(), view.storage_offset());
  TensorImpl* impl = view.unsafeGetTensorImpl();
  impl->grad_fn = fresh.unsafeGetTensorImpl()->grad_fn;
  impl->output_nr = 0;
}

bool has_history(const Tensor& t) { return t.grad_fn() != nullptr || t.requires_grad(); }

// Where the view lies in a buffer laid out as its base: sizes, strides, offset from the base's.
struct Geometry {
  Shape sizes, strides;
  int64_t offset = 0;
};
Geometry geometry(const Tensor& t, int64_t base_offset) {
  return Geometry{t.sizes(), t.strides(), t.storage_offset() - base_offset};
}
int64_t extent(const Geometry& g) {
  int64_t last = 0;
  for (size_t d = 0; d < g.sizes.size(); ++d) {
    if (g.sizes[d] == 0) return 0;
    last += (g.sizes[d] - 1) * g.strides[d];
  }
  return g.offset + last + 1;
}

// LibTorch's CopySlices: the node of a base whose elements under a view were written by
// `fn`.  Edge 0 is the base's old history; edges 1.. are fn's other inputs.
class CopySlices : public Node {
 public:
  CopySlices(const Tensor& base, const Tensor& view, std::shared_ptr<FunctionNode> fn)
      : Node("CopySlices"), base_(geometry(base, base.storage_offset())),
        view_(geometry(view, base.storage_offset())), fn_(std::move(fn)) {
    auto& edges = mutable_next_edges();
    edges.push_back(gradient_edge(base));
    for (size_t i = 1; i < fn_->next_edges().size(); ++i) edges.push_back(fn_->next_edges()[i]);
  }

  // The base's gradient outside the view passes through; inside it, fn's backward maps the
  // view's gradient to the gradient of the view's old value and of fn's other inputs.
  variable_list apply(variable_list&& grads) override {
    variable_list out(next_edges().size());
    const Tensor& g = grads[0];
    if (!g.defined()) return out;
    Tensor buffer = zeros({std::max(extent(base_), extent(view_))}, g.options());
    Tensor g_base = buffer.as_strided(base_.sizes, base_.strides, 0);
    g_base.copy_(g);
    Tensor g_view = buffer.as_strided(view_.sizes, view_.strides, view_.offset);
    variable_list res = fn_->apply({g_view.clone()});
    if (res[0].defined()) {
      g_view.copy_(res[0]);
    } else {
      g_view.zero_();
    }
    out[0] = buffer.as_strided(base_.sizes, base_.strides, 0);  // g_base is stale after the writes
    for (size_t i = 1; i < res.size() && i < out.size(); ++i) out[i] = std::move(res[i]);
    return out;
  }

  void release_saved() override {
    fn_->release_saved();
    Node::release_saved();
  }

 private:
  Geometry base_, view_;
  std::shared_ptr<FunctionNode> fn_;
};

}  // namespace

void refresh_view(const Tensor& view) {
  std::shared_ptr<TensorImpl> base_impl = view_base_of(view);
  if (!base_impl) return;
  AutogradMeta* m = meta_or_null(view);
  uint32_t now = view.storage()->version();
  if (m->view_version == now) return;
  m->view_version = now;
  Tensor base(base_impl);
  if (has_history(base)) set_view_history_from_base(view, base);
}

void rebase_view(const Tensor& view, const std::shared_ptr<FunctionNode>& fn) {
  AutogradMeta& m = meta(view);
  Tensor base(view_base_of(view));
  fn->output_meta().push_back(TensorMeta{view.sizes(), view.dtype(), view.device()});
  auto copy_slices = detail::make_pooled<CopySlices>(base, view, fn);
  set_history({&base}, copy_slices);
  set_view_history_from_base(view, base);
  m.view_version = view.storage()->version();
}

}  // namespace convis::autograd
