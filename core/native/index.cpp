// core/native/index.cpp: index_select, gather, scatter, scatter_add and index_add, as in LibTorch
// 1.13.  Each checks its arguments, sets up the strides of one index loop (see Note [Index
// loop] in kernels/index.h) and runs the kernel; the in-place forms bump the version once.
// The ops are defined here as native:: (compute only, core/native/index.h); the public
// versions and the methods scatter_, scatter_add_, index_add_ are in autograd/ops/index.cpp.
#include <algorithm>

#include "convis/core/factory.h"
#include "convis/core/native/index.h"
#include "convis/core/ops.h"
#include "convis/core/native/index_loop.h"
#include "convis/kernels/index.h"
#include "convis/core/native/view.h"

namespace convis {

// ---- the loop builder shared with core/native/indexing.cpp ----

namespace {

// Byte strides of every operand over the kept dims, before they go into the IndexLoop.
struct Staged {
  std::vector<int64_t> sizes;
  std::vector<std::vector<int64_t>> strides;  // [operand][dim]
};

// Drops size-1 dims and merges dim d into d-1 when every operand steps evenly across both.
Staged stage_and_coalesce(const Shape& sizes, const std::vector<const Shape*>& strides,
                          const std::vector<int64_t>& elem_sizes) {
  Staged s;
  s.strides.resize(strides.size());
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 1) continue;
    bool merge = !s.sizes.empty();
    for (size_t op = 0; op < strides.size() && merge; ++op)
      merge = s.strides[op].back() == (*strides[op])[d] * elem_sizes[op] * sizes[d];
    for (size_t op = 0; op < strides.size(); ++op) {
      int64_t st = (*strides[op])[d] * elem_sizes[op];
      if (merge) {
        s.strides[op].back() = st;
      } else {
        s.strides[op].push_back(st);
      }
    }
    if (merge) {
      s.sizes.back() *= sizes[d];
    } else {
      s.sizes.push_back(sizes[d]);
    }
  }
  return s;
}

}  // namespace

void run_index_kernel(OpKind op, const char* opname, const Shape& sizes, const StridedOperand& out,
                      const StridedOperand& src, const std::vector<IndexInput>& indices, bool wrap_negative,
                      const Scalar& alpha) {
  CONVIS_CHECK(int64_t(indices.size()) <= IndexLoop::kMaxIndices, opname, "expected at most {} index tensors, got {}",
               IndexLoop::kMaxIndices, indices.size());
  CONVIS_ASSERT(out.strides.size() == sizes.size() && src.strides.size() == sizes.size(),
                "operand strides do not match the loop shape {}", sizes);
  std::vector<const Shape*> strides{&out.strides, &src.strides};
  std::vector<int64_t> elem_sizes{out.tensor.element_size(), src.tensor.element_size()};
  for (const IndexInput& in : indices) {
    CONVIS_ASSERT(in.strides.size() == sizes.size() && in.values.dtype() == kInt64 && in.values.is_contiguous(),
                  "bad index operand for loop shape {}", sizes);
    strides.push_back(&in.strides);
    elem_sizes.push_back(8);
  }
  Staged s = stage_and_coalesce(sizes, strides, elem_sizes);
  CONVIS_CHECK(s.sizes.size() <= size_t(IndexLoop::kMaxDims), opname,
               "expected at most {} dims after merging, got loop shape {}", IndexLoop::kMaxDims, sizes);

  IndexLoop L;
  L.ndim = std::max<int>(1, int(s.sizes.size()));
  L.sizes[0] = 1;  // a loop of one element when every dim had size 1
  for (size_t d = 0; d < s.sizes.size(); ++d) {
    L.sizes[d] = s.sizes[d];
    L.out_strides[d] = s.strides[0][d];
    L.src_strides[d] = s.strides[1][d];
    for (size_t k = 0; k < indices.size(); ++k) L.indices[k].strides[d] = s.strides[2 + k][d];
  }
  if (numel(sizes) == 0) L.sizes[0] = 0;  // run only the index check
  L.out = static_cast<char*>(out.tensor.data_ptr());
  L.src = static_cast<const char*>(src.tensor.data_ptr());
  L.nindices = int(indices.size());
  for (size_t k = 0; k < indices.size(); ++k) {
    IndexOperand& o = L.indices[k];
    o.data = static_cast<const int64_t*>(indices[k].values.data_ptr());
    o.numel = indices[k].values.numel();
    o.size = indices[k].size;
    o.dim_stride = indices[k].dim_stride * out.tensor.element_size();
  }
  L.wrap_negative = wrap_negative;
  L.alpha_f = alpha.toDouble();
  L.alpha_i = alpha.toLong();
  auto* fn = find_kernel<IndexKernel>(op, out.tensor.device().type(), out.tensor.dtype());
  IndexCheck c = fn(L);
  if (c.ok) return;
  const IndexInput& bad = indices[size_t(c.operand)];
  detail::throw_error(opname, fmt::format("index {} is out of bounds for dimension {} with size {}", c.value,
                                          bad.dim, bad.size));
}

// ---- argument checks ----

namespace {

// LibTorch's gather and scatter treat a 0-dim tensor as a 1-D tensor of one element.
Shape nonempty_sizes(const Tensor& t) { return t.dim() == 0 ? Shape{1} : t.sizes(); }
Shape nonempty_strides(const Tensor& t) { return t.dim() == 0 ? Shape{0} : t.strides(); }

void check_index_dtype(const Tensor& index, const char* op) {
  CONVIS_CHECK(index.dtype() == kInt64, op, "expected index of dtype int64, got {}", dtype_name(index.dtype()));
}

void check_same_device(const Tensor& self, const Tensor& other, const char* what, const char* op) {
  CONVIS_CHECK(self.device() == other.device(), op, "expected {} on {} (self's device), got one on {}", what,
               self.device().str(), other.device().str());
}

void check_accumulate_dtype(const Tensor& self, const char* op) {
  CONVIS_CHECK(self.dtype() != kBool, op, "expected self of dtype float32, float64 or int64, got {}",
               dtype_name(self.dtype()));
}

// A tensor that does not share memory with `self`, so the kernel never reads what it writes.
Tensor unaliased(const Tensor& t, const Tensor& self) { return t.storage() == self.storage() ? native::clone(t) : t; }

// index.size(d) <= self.size(d) for d != dim, and <= src.size(d) for every d (when src given).
void check_scatter_shapes(const Tensor& self, int64_t dim, const Tensor& index, const Tensor* src, const char* op) {
  Shape ss = nonempty_sizes(self), is = nonempty_sizes(index);
  CONVIS_CHECK(is.size() == ss.size(), op, "expected index with as many dims as self ({}), got index of shape {}",
               ss.size(), index.sizes());
  for (size_t d = 0; d < ss.size(); ++d) {
    CONVIS_CHECK(int64_t(d) == dim || is[d] <= ss[d], op,
                 "expected index.size(d) <= self.size(d) for every dim d != {}, got index of shape {} and self of "
                 "shape {}",
                 dim, index.sizes(), self.sizes());
  }
  if (src == nullptr) return;
  Shape rs = nonempty_sizes(*src);
  CONVIS_CHECK(rs.size() == ss.size(), op, "expected src with as many dims as self ({}), got src of shape {}",
               ss.size(), src->sizes());
  for (size_t d = 0; d < ss.size(); ++d) {
    CONVIS_CHECK(is[d] <= rs[d], op, "expected index.size(d) <= src.size(d) for every dim d, got index of shape {} "
                 "and src of shape {}", index.sizes(), src->sizes());
  }
}

// self[index[p] along dim][p] (op)= src[p] for p over index's shape; src 0-dim for the value form.
void scatter_into(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src, bool is_value, OpKind op,
                  const char* name) {
  int64_t d = normalize_dim(dim, std::max<int64_t>(self.dim(), 1), name);
  CONVIS_CHECK(src.dtype() == self.dtype(), name, "expected src of dtype {} (self's dtype), got {}",
               dtype_name(self.dtype()), dtype_name(src.dtype()));
  if (op == OpKind::scatter_add) check_accumulate_dtype(self, name);
  check_same_device(self, index, "index", name);
  check_same_device(self, src, "src", name);
  if (index.numel() == 0) return;
  check_index_dtype(index, name);
  check_scatter_shapes(self, d, index, is_value ? nullptr : &src, name);
  Shape loop = nonempty_sizes(index);
  Shape out_strides = nonempty_strides(self);
  out_strides[size_t(d)] = 0;
  Tensor source = unaliased(src, self);
  Shape src_strides = is_value ? Shape(loop.size(), 0) : nonempty_strides(source);
  IndexInput in{native::contiguous(unaliased(index, self)), contiguous_strides(loop), nonempty_sizes(self)[size_t(d)],
                nonempty_strides(self)[size_t(d)], d};
  run_index_kernel(op, name, loop, {self, out_strides}, {source, src_strides}, {in});
  self.storage()->bump_version();
}

void index_add_into(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  const char* name = "index_add";
  int64_t d = normalize_dim(dim, std::max<int64_t>(self.dim(), 1), name);
  check_index_dtype(index, name);
  CONVIS_CHECK(index.dim() <= 1, name, "expected a 1-D or 0-dim index, got a {}-D index of shape {}", index.dim(),
               index.sizes());
  CONVIS_CHECK(source.dtype() == self.dtype(), name, "expected source of dtype {} (self's dtype), got {}",
               dtype_name(self.dtype()), dtype_name(source.dtype()));
  check_accumulate_dtype(self, name);
  check_same_device(self, index, "index", name);
  check_same_device(self, source, "source", name);
  Shape ss = nonempty_sizes(self), rs = nonempty_sizes(source);
  CONVIS_CHECK(rs.size() == ss.size(), name, "expected source with as many dims as self ({}), got source of shape {}",
               ss.size(), source.sizes());
  CONVIS_CHECK(index.numel() == rs[size_t(d)], name,
               "expected as many indices as source.size({}) ({}), got {} indices", d, rs[size_t(d)], index.numel());
  for (size_t e = 0; e < ss.size(); ++e) {
    CONVIS_CHECK(int64_t(e) == d || rs[e] == ss[e], name,
                 "expected source of the shape of self except in dim {}, got source of shape {} and self of shape {}",
                 d, source.sizes(), self.sizes());
  }
  Shape out_strides = nonempty_strides(self);
  out_strides[size_t(d)] = 0;
  Shape idx_strides(rs.size(), 0);
  idx_strides[size_t(d)] = 1;
  Tensor src = unaliased(source, self);
  IndexInput in{native::contiguous(unaliased(index, self)), idx_strides, ss[size_t(d)], nonempty_strides(self)[size_t(d)], d};
  run_index_kernel(OpKind::index_add, name, rs, {self, out_strides}, {src, nonempty_strides(src)}, {in}, false, alpha);
  self.storage()->bump_version();
}

}  // namespace

// ---- the ops ----

Tensor native::index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  const char* name = "index_select";
  check_index_dtype(index, name);
  CONVIS_CHECK(index.dim() <= 1, name, "expected a 1-D or 0-dim index, got a {}-D index of shape {}", index.dim(),
               index.sizes());
  check_same_device(x, index, "index", name);
  int64_t d = normalize_dim(dim, std::max<int64_t>(x.dim(), 1), name);
  CONVIS_CHECK(x.dim() > 0 || index.numel() == 1, name,
               "expected an index of one element for a 0-dim tensor, got {} elements", index.numel());
  Shape loop = nonempty_sizes(x);
  loop[size_t(d)] = index.numel();
  Shape out_shape = x.dim() == 0 ? Shape{} : loop;
  Tensor out = empty(out_shape, x.options());
  Shape src_strides = nonempty_strides(x);
  src_strides[size_t(d)] = 0;
  Shape idx_strides(loop.size(), 0);
  idx_strides[size_t(d)] = 1;
  IndexInput in{native::contiguous(index), idx_strides, nonempty_sizes(x)[size_t(d)], nonempty_strides(x)[size_t(d)], d};
  run_index_kernel(OpKind::index_select, name, loop, {out, contiguous_strides(loop)}, {x, src_strides}, {in});
  return out;
}

Tensor native::gather(const Tensor& x, int64_t dim, const Tensor& index) {
  const char* name = "gather";
  int64_t d = normalize_dim(dim, std::max<int64_t>(x.dim(), 1), name);
  check_same_device(x, index, "index", name);
  if (index.numel() == 0) return empty(index.sizes(), x.options());
  check_index_dtype(index, name);
  Shape xs = nonempty_sizes(x), is = nonempty_sizes(index);
  CONVIS_CHECK(is.size() == xs.size(), name, "expected index with as many dims as self ({}), got index of shape {}",
               xs.size(), index.sizes());
  for (size_t e = 0; e < xs.size(); ++e) {
    CONVIS_CHECK(int64_t(e) == d || is[e] <= xs[e], name,
                 "expected index.size(d) <= self.size(d) for every dim d != {}, got index of shape {} and self of "
                 "shape {}",
                 d, index.sizes(), x.sizes());
  }
  Tensor out = empty(index.sizes(), x.options());
  Shape src_strides = nonempty_strides(x);
  src_strides[size_t(d)] = 0;
  IndexInput in{native::contiguous(index), contiguous_strides(is), xs[size_t(d)], nonempty_strides(x)[size_t(d)], d};
  run_index_kernel(OpKind::gather, name, is, {out, contiguous_strides(is)}, {x, src_strides}, {in});
  return out;
}

Tensor native::scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor out = native::clone(x);
  scatter_into(out, dim, index, src, false, OpKind::scatter, "scatter");
  return out;
}

Tensor native::scatter(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value) {
  Tensor out = native::clone(x);
  scatter_into(out, dim, index, scalar_tensor(value, x.options()), true, OpKind::scatter, "scatter");
  return out;
}

Tensor native::scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor out = native::clone(x);
  scatter_into(out, dim, index, src, false, OpKind::scatter_add, "scatter_add");
  return out;
}

Tensor native::index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  Tensor out = native::clone(x);
  index_add_into(out, dim, index, source, alpha);
  return out;
}

// ---- the methods ----

// ---- the in-place forms (the methods Tensor::scatter_, ... record them: autograd/ops/index.cpp) ----
const Tensor& native::scatter_(const Tensor& self, int64_t d, const Tensor& i, const Tensor& s) {
  scatter_into(self, d, i, s, false, OpKind::scatter, "scatter_");
  return self;
}
const Tensor& native::scatter_(const Tensor& self, int64_t d, const Tensor& i, const Scalar& v) {
  scatter_into(self, d, i, scalar_tensor(v, self.options()), true, OpKind::scatter, "scatter_");
  return self;
}
const Tensor& native::scatter_add_(const Tensor& self, int64_t d, const Tensor& i, const Tensor& s) {
  scatter_into(self, d, i, s, false, OpKind::scatter_add, "scatter_add_");
  return self;
}
const Tensor& native::index_add_(const Tensor& self, int64_t d, const Tensor& i, const Tensor& s, const Scalar& a) {
  index_add_into(self, d, i, s, a);
  return self;
}

}  // namespace convis
