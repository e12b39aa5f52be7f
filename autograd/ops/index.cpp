// autograd/ops/index.cpp: the public differentiable indexing ops (this family's second file;
// their names are in reduce_differentiable_ops(), autograd/ops/reduce.cpp).
//
// Table of derivatives (g: the gradient of the result).
//   index_select(x, dim, i)       x: zeros(x).index_add(dim, i, g)
//   gather(x, dim, i)             x: zeros(x).scatter_add(dim, i, g)
//   scatter(x, dim, i, src)       x: g.scatter(dim, i, 0)      src: g.gather(dim, i)
//   scatter(x, dim, i, value)     x: g.scatter(dim, i, 0)
//   scatter_add(x, dim, i, src)   x: g                         src: g.gather(dim, i)
//   index_add(x, dim, i, s, a)    x: g                         s: a * g.index_select(dim, i)
//   x.index(basic only)           the view ops that make it (shape family); an index that
//                                 names no dim ({Ellipsis}) is an alias: AliasBackward0, g
//   x.index(advanced)             view: zeros(view) with g index_add-ed into the indexed
//                                 positions, duplicates summed      Note [index backward]
//   x.index_put_(idx, v)          x: g, 0 at the written positions  v: g.index(idx), summed to v
//   scatter_, scatter_add_, index_add_: as their out-of-place forms, on self's old history.
// (src of scatter may be larger than index, as in LibTorch; its gradient is the gathered
// part padded with zeros, where LibTorch 1.13 fails with a shape error.)
#include "convis/autograd/engine.h"
#include "convis/autograd/grad_mode.h"
#include "convis/autograd/record.h"
#include "convis/core/factory.h"
#include "convis/core/native/index.h"
#include "convis/core/ops.h"

namespace convis {

using autograd::FunctionNode;
using autograd::InPlace;
using autograd::OpRecord;
using autograd::recorded;
using autograd::variable_list;
using indexing::TensorIndex;

// ---- index_select, gather ----

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  return recorded(native::index_select(x, dim, index), {&x}, [&]() -> OpRecord {
    return {"IndexSelectBackward0", {&x}, {{"index", index}},
            [dim, sizes = x.sizes()](FunctionNode& n, const variable_list& g) {
              return variable_list{zeros(sizes, g[0].options()).index_add(dim, n.saved("index"), g[0])};
            }};
  });
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  return recorded(native::gather(x, dim, index), {&x}, [&]() -> OpRecord {
    return {"GatherBackward0", {&x}, {{"index", index}},
            [dim, sizes = x.sizes()](FunctionNode& n, const variable_list& g) {
              return variable_list{zeros(sizes, g[0].options()).scatter_add(dim, n.saved("index"), g[0])};
            }};
  });
}

// ---- scatter, scatter_add, index_add and their in-place forms ----

namespace {

enum class ScatterKind { scatter, scatter_value, scatter_add, index_add };

// g.gather(dim, index), padded with zeros up to src's shape where src is larger than index.
Tensor gather_to(const Tensor& g, int64_t dim, const Tensor& index, const Shape& src_sizes) {
  Tensor out = g.gather(dim, index);
  if (out.sizes() == src_sizes || out.dim() != int64_t(src_sizes.size())) return out;
  Shape pads;
  for (int64_t d = out.dim() - 1; d >= 0; --d) {
    pads.push_back(0);
    pads.push_back(src_sizes[size_t(d)] - out.size(d));
  }
  return pad(out, pads);
}

// The node of kind(x, dim, index, src), out of place or in place.
OpRecord scatter_record(ScatterKind kind, const Tensor& x, const Tensor* src, int64_t dim, const Tensor& index,
                        const Scalar& alpha = 1) {
  static const char* const names[] = {"ScatterBackward0", "ScatterBackward1", "ScatterAddBackward0",
                                      "IndexAddBackward0"};
  Shape src_sizes = src ? src->sizes() : Shape{};
  auto backward = [kind, dim, src_sizes, alpha](FunctionNode& n, const variable_list& g) {
    Tensor index = n.saved("index");
    variable_list grads(n.next_edges().size());
    if (n.needs_input_grad(0)) {
      bool masks = kind == ScatterKind::scatter || kind == ScatterKind::scatter_value;
      grads[0] = masks ? g[0].scatter(dim, index, 0) : g[0];
    }
    if (n.needs_input_grad(1)) {
      if (kind == ScatterKind::index_add) {
        Tensor s = g[0].index_select(dim, index);
        grads[1] = alpha.toDouble() == 1.0 ? s : s * alpha;
      } else {
        grads[1] = gather_to(g[0], dim, index, src_sizes);
      }
    }
    return grads;
  };
  autograd::TensorPtrs inputs{&x};
  if (src) inputs.push_back(src);
  return {names[int(kind)], inputs, {{"index", index}}, backward};
}

}  // namespace

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  return recorded(native::scatter(x, dim, index, src), {&x, &src},
                  [&] { return scatter_record(ScatterKind::scatter, x, &src, dim, index); });
}
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value) {
  return recorded(native::scatter(x, dim, index, value), {&x},
                  [&] { return scatter_record(ScatterKind::scatter_value, x, nullptr, dim, index); });
}
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  return recorded(native::scatter_add(x, dim, index, src), {&x, &src},
                  [&] { return scatter_record(ScatterKind::scatter_add, x, &src, dim, index); });
}
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  return recorded(native::index_add(x, dim, index, source, alpha), {&x, &source},
                  [&] { return scatter_record(ScatterKind::index_add, x, &source, dim, index, alpha); });
}

Tensor& Tensor::scatter_(int64_t d, const Tensor& i, const Tensor& s) const {
  InPlace w(*this, "scatter_", {&s},
            [&] { return scatter_record(ScatterKind::scatter, *this, &s, d, i); });
  native::scatter_(*this, d, i, s);
  return w.record();
}
Tensor& Tensor::scatter_(int64_t d, const Tensor& i, const Scalar& v) const {
  InPlace w(*this, "scatter_", {},
            [&] { return scatter_record(ScatterKind::scatter_value, *this, nullptr, d, i); });
  native::scatter_(*this, d, i, v);
  return w.record();
}
Tensor& Tensor::scatter_add_(int64_t d, const Tensor& i, const Tensor& s) const {
  InPlace w(*this, "scatter_add_", {&s},
            [&] { return scatter_record(ScatterKind::scatter_add, *this, &s, d, i); });
  native::scatter_add_(*this, d, i, s);
  return w.record();
}
Tensor& Tensor::index_add_(int64_t d, const Tensor& i, const Tensor& s, const Scalar& a) const {
  InPlace w(*this, "index_add_", {&s},
            [&] { return scatter_record(ScatterKind::index_add, *this, &s, d, i, a); });
  native::index_add_(*this, d, i, s, a);
  return w.record();
}

// ---- Tensor::index ----

namespace {

// Note [index backward]
// An advanced index reads view[i_1, ..., i_k] over the indexed dims d_1..d_k, the index
// tensors broadcast to one shape B.  Flatten those dims: the linear position
// lin = ((i_1 mod n_1) n_2 + (i_2 mod n_2)) n_3 + ... has shape B, and the result is, up to
// reshapes, view3[P, lin, Q] with view3 = view reshaped to [P, n_1...n_k, Q] (P and Q the
// kept dims before and after; all kept dims after when the indexed dims are not adjacent,
// where the indexed dims first move to the front, as the result's layout does).  So the
// gradient is zeros([P, n_1...n_k, Q]).index_add(1, lin, g as [P, numel(B), Q]) -- which sums
// duplicate positions, as index_put_ with accumulate does in LibTorch -- reshaped back (and
// permuted back when not adjacent).  lin is computed once, in forward.
struct IndexLayout {
  Shape view_sizes;
  int64_t P = 1, nB = 1, Q = 1, nI = 1;
  Shape moved_sizes;  // the indexed dims first, then the others (not adjacent only)
  Shape perm;         // moved -> view order (not adjacent only)
};

void record_index(const Tensor& view, const std::vector<Tensor>& indices, Tensor& out) {
  Tensor lin;
  Shape dims;
  IndexLayout L;
  L.view_sizes = view.sizes();
  for (size_t d = 0; d < indices.size(); ++d) {
    if (!indices[d].defined()) continue;
    const int64_t n = view.size(int64_t(d));
    Tensor w = remainder(indices[d], std::max<int64_t>(n, 1));
    lin = lin.defined() ? lin * n + w : w;
    dims.push_back(int64_t(d));
    L.nI *= n;
  }
  const bool adjacent = dims.back() - dims.front() + 1 == int64_t(dims.size());
  const int64_t at = adjacent ? dims.front() : 0;
  L.nB = lin.numel();
  for (int64_t d = 0; d < out.dim(); ++d) {
    if (d < at) L.P *= out.size(d);
    if (d >= at + lin.dim()) L.Q *= out.size(d);
  }
  if (!adjacent) {
    Shape order = dims;
    for (int64_t d = 0; d < view.dim(); ++d)
      if (size_t(d) >= indices.size() || !indices[size_t(d)].defined()) order.push_back(d);
    L.perm.resize(order.size());
    for (size_t j = 0; j < order.size(); ++j) {
      L.moved_sizes.push_back(view.size(order[j]));
      L.perm[size_t(order[j])] = int64_t(j);
    }
  }
  autograd::record({"IndexBackward0", {&view}, {{"indices", lin}},
                    [L](FunctionNode& n, const variable_list& g) {
                      Tensor acc = zeros({L.P, L.nI, L.Q}, g[0].options())
                                       .index_add(1, n.saved("indices").reshape({-1}), g[0].reshape({L.P, L.nB, L.Q}));
                      return variable_list{L.perm.empty() ? acc.reshape(L.view_sizes)
                                                          : acc.reshape(L.moved_sizes).permute(L.perm)};
                    }},
                   {&out});
}

}  // namespace

Tensor Tensor::index(std::initializer_list<TensorIndex> indices) const {
  return index(std::vector<TensorIndex>(indices));
}

Tensor Tensor::index(const std::vector<TensorIndex>& indices) const {
  // The basic indices go through the public (recorded) view ops, so s.view has its history.
  static constexpr native::ViewOps recorded_views{
      [](const Tensor& x, int64_t d) { return convis::unsqueeze(x, d); },
      [](const Tensor& x, int64_t d, int64_t i) { return convis::select(x, d, i); },
      [](const Tensor& x, int64_t d, std::optional<int64_t> s, std::optional<int64_t> e, int64_t st) {
        return convis::slice(x, d, s, e, st);
      }};
  native::IndexedView s = native::index_slicing(*this, indices, "index", recorded_views);
  if (s.any_advanced()) {
    Tensor out = native::index_advanced(s.view, s.indices);
    if (autograd::any_requires_grad({&s.view})) record_index(s.view, s.indices, out);
    return out;
  }
  if (!s.view.is_same(*this)) return s.view;  // made by the (recorded) view ops
  Tensor out = native::alias(*this);
  autograd::track_view(*this, out);
  return recorded(std::move(out), {this}, [&]() -> OpRecord {
    return {"AliasBackward0", {this}, {}, [](FunctionNode&, const variable_list& g) { return variable_list{g[0]}; }};
  });
}

// ---- Tensor::index_put_ ----

namespace {

bool is_advanced(const TensorIndex& ix) {
  if (ix.is_boolean()) return true;
  return ix.is_tensor() && !(ix.tensor().dim() == 0 && ix.tensor().dtype() == kInt64);
}

// The index list with every tensor taken from the node's saved "indices" (saved in order).
std::vector<TensorIndex> saved_indices(FunctionNode& n, std::vector<TensorIndex> skeleton) {
  size_t k = 0;
  for (TensorIndex& ix : skeleton)
    if (ix.is_tensor()) ix = TensorIndex(n.saved("indices", k++));
  return skeleton;
}

// The gradient of index_put_'s value: the written part of g, summed to value's shape (which
// may have leading 1s that the write ignored).
Tensor value_grad(const Tensor& g, const std::vector<TensorIndex>& indices, const Shape& value_sizes) {
  Tensor part = g.index(indices);
  Shape stripped = value_sizes;
  while (!stripped.empty() && stripped.front() == 1) stripped.erase(0);
  part = autograd::sum_to(part, stripped);
  if (part.storage() == g.storage()) part = part.clone();  // never hand out a view of g
  return stripped.size() == value_sizes.size() ? part : part.reshape(value_sizes);
}

// The index tensors are saved (as "indices", in order), the rest of the index list is captured.
OpRecord index_put_record(const Tensor& self, const std::vector<TensorIndex>& indices, const Tensor& value) {
  std::vector<TensorIndex> skeleton;  // the indices without their tensors (never captured)
  OpRecord r{nullptr, {&self, &value}, {}, nullptr};
  bool advanced = false;
  for (const TensorIndex& ix : indices) {
    advanced = advanced || is_advanced(ix);
    if (ix.is_tensor()) r.saves.push_back({"indices", ix.tensor()});  // lives as long as `indices`
    skeleton.push_back(ix.is_tensor() ? TensorIndex(Tensor()) : ix);
  }
  r.name = advanced ? "IndexPutBackward0" : "CopySlices";
  r.backward = [skeleton, value_sizes = value.sizes()](FunctionNode& n, const variable_list& g) {
    std::vector<TensorIndex> idx = saved_indices(n, skeleton);
    variable_list grads(2);
    if (n.needs_input_grad(0)) {
      Tensor keep = ones(g[0].sizes(), TensorOptions(kBool).device(g[0].device()));
      keep.index_put_(idx, false);
      grads[0] = where(keep, g[0], 0.0);
    }
    if (n.needs_input_grad(1)) grads[1] = value_grad(g[0], idx, value_sizes);
    return grads;
  };
  return r;
}

}  // namespace

// Note [index_put_ and autograd]
// The write runs with grad mode off: its basic stage writes through views of self, which
// must not record each on its own.  The node is recorded once, on self as a whole:
// IndexPutBackward0 for an advanced index, CopySlices (LibTorch's name for a write through a
// view) for a basic one.  When self is itself a view, InPlace records that node on self's
// base (Note [In-place on a view]).
Tensor& Tensor::index_put_(const std::vector<TensorIndex>& indices, const Tensor& value) const {
  InPlace w(*this, "index_put_", {&value}, [&] { return index_put_record(*this, indices, value); });
  {
    NoGradGuard no_grad;
    native::index_put_(*this, indices, value);
  }
  return w.record();
}
Tensor& Tensor::index_put_(const std::vector<TensorIndex>& indices, const Scalar& value) const {
  return index_put_(indices, scalar_tensor(value, options()));
}
Tensor& Tensor::index_put_(std::initializer_list<TensorIndex> indices, const Tensor& value) const {
  return index_put_(std::vector<TensorIndex>(indices), value);
}
Tensor& Tensor::index_put_(std::initializer_list<TensorIndex> indices, const Scalar& value) const {
  return index_put_(std::vector<TensorIndex>(indices), scalar_tensor(value, options()));
}

// ---- the Tensor methods of this family: each forwards to the free function above ----

Tensor Tensor::index_select(int64_t d, const Tensor& i) const { return convis::index_select(*this, d, i); }
Tensor Tensor::gather(int64_t d, const Tensor& i) const { return convis::gather(*this, d, i); }
Tensor Tensor::scatter(int64_t d, const Tensor& i, const Tensor& s) const { return convis::scatter(*this, d, i, s); }
Tensor Tensor::scatter(int64_t d, const Tensor& i, const Scalar& v) const { return convis::scatter(*this, d, i, v); }
Tensor Tensor::scatter_add(int64_t d, const Tensor& i, const Tensor& s) const {
  return convis::scatter_add(*this, d, i, s);
}
Tensor Tensor::index_add(int64_t d, const Tensor& i, const Tensor& s, const Scalar& a) const {
  return convis::index_add(*this, d, i, s, a);
}

}  // namespace convis
