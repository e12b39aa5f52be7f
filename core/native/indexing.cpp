// core/native/indexing.cpp: Tensor::index and Tensor::index_put_ with every TensorIndex form
// (core/indexing.h), following LibTorch 1.13's TensorIndexing (applySlicing, index, index_put_).
//
// Note [Basic then advanced indexing]
// Indexing runs in two stages, as in LibTorch.  First every index is applied in order to a
// view: an integer selects (the dim goes away), a Slice slices, None unsqueezes, Ellipsis
// skips the dims no index names.  A tensor index is only recorded at the current dim (and
// the dim advances by one, even for a k-D mask, exactly as LibTorch's recordTensorIndex); a
// bool (scalar or 0-dim tensor) unsqueezes and records the index [0] (true) or [] (false).
// A 0-dim int64 tensor selects, like an integer.  If nothing was recorded, the view is the
// result: basic indexing never copies.
// Second, the recorded tensors ("advanced" indices) gather a copy: masks become their
// nonzero() coordinates (one int64 index per mask dim, checked against the indexed dims),
// the int64 indices broadcast to one shape B, and the result is the view's shape with the
// indexed dims replaced by B: in place when the indexed dims are adjacent, at the front
// otherwise (NumPy's rule).  Negative index values count from the end.  index_put_ runs the
// same loop with the roles swapped (a scatter), writing later elements over earlier ones.
//
// These are the compute-only stages (core/native/index.h); the methods Tensor::index and
// index_put_ record them in autograd/ops/index.cpp.
#include <algorithm>
#include <string>

#include "convis/core/factory.h"
#include "convis/core/indexing.h"
#include "convis/core/native/index.h"
#include "convis/core/ops.h"
#include "convis/core/native/index_loop.h"
#include "convis/core/native/view.h"

namespace convis {

namespace {

using indexing::TensorIndex;

// How many dims of self the indices name (LibTorch's count_specified_dimensions).
int64_t count_specified_dims(const std::vector<TensorIndex>& indices) {
  int64_t count = 0;
  for (const TensorIndex& ix : indices) {
    if (ix.is_integer() || ix.is_slice()) {
      ++count;
    } else if (ix.is_tensor()) {
      count += ix.tensor().defined() && ix.tensor().dtype() == kBool ? ix.tensor().dim() : 1;
    }
  }
  return count;
}

struct Sliced {
  Tensor view;                  // self after the basic indices
  std::vector<Tensor> indices;  // per dim of view: a recorded tensor index, or undefined
  const native::ViewOps* ops;   // how the basic indices make the view
  bool any_recorded() const {
    return std::any_of(indices.begin(), indices.end(), [](const Tensor& t) { return t.defined(); });
  }
};

void record(Sliced& s, const Tensor& t, int64_t& dim) {
  if (int64_t(s.indices.size()) < dim + 1) s.indices.resize(size_t(dim + 1));
  s.indices[size_t(dim)] = t;
  ++dim;
}

// The advanced index a boolean becomes on its new dim of size 1: [0] keeps it, [] empties it.
void record_bool(Sliced& s, bool b, int64_t& dim) {
  s.view = s.ops->unsqueeze(s.view, dim);
  TensorOptions o = TensorOptions(kInt64).device(s.view.device());
  record(s, b ? zeros({1}, o) : empty({0}, o), dim);
}

void select_checked(Sliced& s, int64_t dim, int64_t i, const char* op) {
  CONVIS_CHECK(dim < s.view.dim(), op, "too many indices: no dim {} in the indexed view of shape {}", dim,
               s.view.sizes());
  int64_t n = s.view.size(dim);
  CONVIS_CHECK(i >= -n && i < n, op, "index {} is out of bounds for dimension {} with size {}", i, dim, n);
  s.view = s.ops->select(s.view, dim, i);
}

void apply_one(Sliced& s, const TensorIndex& ix, int64_t& dim, int64_t ellipsis_dims, const char* op) {
  if (ix.is_integer()) {
    select_checked(s, dim, ix.integer(), op);
  } else if (ix.is_slice()) {
    const indexing::Slice& sl = ix.slice();
    CONVIS_CHECK(sl.step() > 0, op, "expected a positive slice step, got {}", sl.step());
    CONVIS_CHECK(dim < s.view.dim(), op, "too many indices: no dim {} in the indexed view of shape {}", dim,
                 s.view.sizes());
    s.view = s.ops->slice(s.view, dim, sl.start(), sl.stop(), sl.step());
    ++dim;
  } else if (ix.is_ellipsis()) {
    dim += ellipsis_dims;
  } else if (ix.is_none()) {
    s.view = s.ops->unsqueeze(s.view, dim);
    ++dim;
  } else if (ix.is_boolean()) {
    record_bool(s, ix.boolean(), dim);
  } else {
    const Tensor& t = ix.tensor();
    CONVIS_CHECK(t.defined(), op, "expected defined index tensors, got an undefined Tensor()");
    if (t.dim() == 0 && t.dtype() == kInt64) {
      select_checked(s, dim, t.item<int64_t>(), op);
    } else if (t.dim() == 0 && t.dtype() == kBool) {
      record_bool(s, t.item<bool>(), dim);
    } else {
      record(s, t, dim);
    }
  }
}

Sliced apply_slicing(const Tensor& self, const std::vector<TensorIndex>& indices, const char* op,
                     const native::ViewOps& ops = native::kNativeViewOps) {
  CONVIS_CHECK(!indices.empty(), op, "expected at least one index, got an empty index list");
  int64_t specified = count_specified_dims(indices);
  CONVIS_CHECK(specified <= self.dim(), op, "too many indices for tensor of dimension {} (got {})", self.dim(),
               specified);
  Sliced s{self, {}, &ops};
  int64_t dim = 0;
  for (const TensorIndex& ix : indices) apply_one(s, ix, dim, self.dim() - specified, op);
  return s;
}

// The coordinates of the true elements of a mask, one int64 tensor per mask dim, in row-major
// order (LibTorch's nonzero().select(1, j)).  Reads the mask on the CPU, as nonzero must
// know the count before it can allocate.
std::vector<Tensor> nonzero_columns(const Tensor& mask) {
  Tensor m = native::contiguous(native::to(mask, Device(kCPU)));
  const bool* p = m.data_ptr<bool>();
  const int64_t n = m.numel(), k = m.dim();
  int64_t count = 0;
  for (int64_t i = 0; i < n; ++i) count += p[i] ? 1 : 0;
  std::vector<Tensor> cols;
  std::vector<int64_t*> dst;
  for (int64_t j = 0; j < k; ++j) {
    cols.push_back(empty({count}, kInt64));
    dst.push_back(cols.back().data_ptr<int64_t>());
  }
  Shape coord(size_t(k), 0);
  for (int64_t i = 0, out = 0; i < n; ++i) {
    if (p[i]) {
      for (int64_t j = 0; j < k; ++j) dst[size_t(j)][out] = coord[size_t(j)];
      ++out;
    }
    for (int64_t j = k - 1; j >= 0; --j) {  // odometer over the mask's shape
      if (++coord[size_t(j)] < m.size(j)) break;
      coord[size_t(j)] = 0;
    }
  }
  for (Tensor& c : cols) c = native::to(c, mask.device());
  return cols;
}

// Masks become their nonzero() columns (LibTorch's expandTensors); int64 indices stay.
std::vector<Tensor> expand_masks(const Tensor& view, const std::vector<Tensor>& indices, const char* op) {
  std::vector<Tensor> out;
  for (const Tensor& given : indices) {
    if (!given.defined()) {
      out.emplace_back();
      continue;
    }
    // Host indices into a device tensor are moved there, as LibTorch does.
    const Tensor t = given.is_cpu() && view.is_cuda() ? native::to(given, view.device()) : given;
    CONVIS_CHECK(t.dtype() == kInt64 || t.dtype() == kBool, op,
                 "expected tensors used as indices to be int64 or bool tensors, got {}", dtype_name(t.dtype()));
    CONVIS_CHECK(t.device() == view.device(), op, "expected index tensors on {}, got one on {}",
                 view.device().str(), t.device().str());
    if (t.dtype() == kInt64) {
      out.push_back(t);
      continue;
    }
    const int64_t at = int64_t(out.size());
    for (int64_t j = 0; j < t.dim(); ++j) {
      CONVIS_CHECK(at + j < view.dim() && t.size(j) == view.size(at + j), op,
                   "expected the mask's shape to match the indexed dims, got mask of shape {} at index {} for the "
                   "indexed tensor of shape {} at index {}",
                   t.sizes(), j, view.sizes(), at + j);
    }
    for (Tensor& c : nonzero_columns(t)) out.push_back(std::move(c));
  }
  return out;
}

// The loop of an advanced index: the result's shape, the view's strides over it (0 on the
// broadcast dims) and one IndexInput per index tensor (see Note [Basic then advanced indexing]).
struct AdvancedPlan {
  Shape sizes;
  Shape view_strides;
  std::vector<IndexInput> inputs;
};

AdvancedPlan plan_advanced(const Tensor& view, const std::vector<Tensor>& indices, const char* op) {
  CONVIS_CHECK(int64_t(indices.size()) <= view.dim(), op, "too many indices for tensor of dimension {} (got {})",
               view.dim(), indices.size());
  std::vector<int64_t> dims;
  std::string shapes;  // for the error message
  Shape b;
  for (size_t d = 0; d < indices.size(); ++d) {
    if (!indices[d].defined()) continue;
    dims.push_back(int64_t(d));
    shapes += (shapes.empty() ? "" : ", ") + to_string(indices[d].sizes());
    Shape sb = b, si = indices[d].sizes();
    bool ok = true;
    for (size_t i = 1; i <= std::min(sb.size(), si.size()); ++i) {
      int64_t x = sb[sb.size() - i], y = si[si.size() - i];
      ok = ok && (x == y || x == 1 || y == 1);
    }
    CONVIS_CHECK(ok, op, "expected index tensors that broadcast together, got shapes {}", shapes);
    b = broadcast_shapes(b, si, op);
  }
  const bool adjacent = dims.back() - dims.front() + 1 == int64_t(dims.size());
  const size_t at = adjacent ? size_t(dims.front()) : 0;  // where the broadcast dims go
  AdvancedPlan plan;
  for (int64_t d = 0; d < view.dim(); ++d) {
    if (d < int64_t(indices.size()) && indices[size_t(d)].defined()) continue;
    plan.sizes.push_back(view.size(d));
    plan.view_strides.push_back(view.stride(d));
  }
  for (size_t i = 0; i < b.size(); ++i) {
    plan.sizes.insert(at + i, b[i]);
    plan.view_strides.insert(at + i, 0);
  }
  for (int64_t d : dims) {
    Tensor values = native::contiguous(indices[size_t(d)]);
    Shape bs = native::expand(values, b).strides();
    Shape strides(plan.sizes.size(), 0);
    for (size_t i = 0; i < b.size(); ++i) strides[at + i] = bs[i];
    plan.inputs.push_back(IndexInput{values, strides, view.size(d), view.stride(d), d});
  }
  return plan;
}

// True when `from` broadcasts to exactly `to`.
bool broadcasts_to(const Shape& from, const Shape& to) {
  if (from.size() > to.size()) return false;
  for (size_t i = 1; i <= from.size(); ++i) {
    int64_t f = from[from.size() - i], t = to[to.size() - i];
    if (f != t && f != 1) return false;
  }
  return true;
}

// `value` without its leading dims of size 1 (LibTorch's slicePrefix1sSize).
Tensor strip_leading_ones(const Tensor& value) {
  Shape s = value.sizes();
  size_t first = 0;
  while (first < s.size() && s[first] == 1) ++first;
  if (first == 0) return value;
  return native::view(value, Shape(s.begin() + first, s.end()));
}

void check_value_shape(const Tensor& value, const Shape& target, const char* op) {
  CONVIS_CHECK(broadcasts_to(value.sizes(), target), op,
               "shape mismatch: expected a value tensor that broadcasts to the indexing result of shape {}, got "
               "shape {}",
               target, value.sizes());
}

}  // namespace

Tensor native::alias(const Tensor& t) {
  return Tensor(TensorImpl::make(t.storage(), t.sizes(), t.strides(), t.storage_offset(), t.dtype()));
}

native::IndexedView native::index_slicing(const Tensor& self, const std::vector<TensorIndex>& indices,
                                          const char* op, const ViewOps& views) {
  Sliced s = apply_slicing(self, indices, op, views);
  if (!s.any_recorded()) return {s.view, {}};
  return {s.view, expand_masks(s.view, s.indices, op)};
}

Tensor native::index_advanced(const Tensor& view, const std::vector<Tensor>& indices) {
  const char* op = "index";
  AdvancedPlan plan = plan_advanced(view, indices, op);
  Tensor out = empty(plan.sizes, view.options());
  run_index_kernel(OpKind::gather, op, plan.sizes, {out, contiguous_strides(plan.sizes)},
                   {view, plan.view_strides}, plan.inputs, /*wrap_negative=*/true);
  return out;
}

Tensor native::index(const Tensor& self, const std::vector<TensorIndex>& indices) {
  IndexedView s = index_slicing(self, indices, "index");
  if (!s.any_advanced()) return alias(s.view);
  return index_advanced(s.view, s.indices);
}

const Tensor& native::index_put_(const Tensor& self, const std::vector<TensorIndex>& indices, const Tensor& value) {
  const char* op = "index_put_";
  CONVIS_CHECK(value.defined(), op, "expected a defined value tensor, got an undefined Tensor()");
  CONVIS_CHECK(value.device() == self.device(), op, "expected a value on {}, got one on {}", self.device().str(),
               value.device().str());
  Sliced s = apply_slicing(self, indices, op);
  if (!s.any_recorded()) {  // basic indices: write through the view
    if (value.dim() == 0) {
      native::fill_(s.view, value.item());
    } else {
      Tensor v = strip_leading_ones(value);
      check_value_shape(v, s.view.sizes(), op);
      native::copy_(s.view, v.storage() == self.storage() ? native::clone(v) : v);
    }
    return self;
  }
  CONVIS_CHECK(value.dtype() == self.dtype(), op, "expected a value of dtype {} (the destination's), got {}",
               dtype_name(self.dtype()), dtype_name(value.dtype()));
  std::vector<Tensor> expanded = expand_masks(s.view, s.indices, op);
  AdvancedPlan plan = plan_advanced(s.view, expanded, op);
  Tensor v = strip_leading_ones(value);
  check_value_shape(v, plan.sizes, op);
  if (v.storage() == self.storage()) v = native::clone(v);
  for (IndexInput& in : plan.inputs) {
    if (in.values.storage() == self.storage()) in.values = native::clone(in.values);
  }
  Tensor ve = native::expand(v, plan.sizes);
  run_index_kernel(OpKind::scatter, op, plan.sizes, {s.view, plan.view_strides}, {ve, ve.strides()}, plan.inputs,
                   /*wrap_negative=*/true);
  self.storage()->bump_version();
  return self;
}

}  // namespace convis
