// core/native/view.cpp: views.  Each returns a new TensorImpl on the same Storage with new
// sizes, strides and offset; no element is copied (see Note [Storage owns, TensorImpl views]).
// The primitives are native:: (core/native/view.h); autograd/ops/view.cpp records them.
// narrow, flatten and broadcast_tensors are written with the public views.
#include <numeric>

#include "convis/core/factory.h"
#include "convis/core/native/join.h"
#include "convis/core/native/view.h"

namespace convis {

namespace {

Tensor make_view(const Tensor& x, Shape sizes, Shape strides, int64_t offset) {
  return Tensor(TensorImpl::make(x.storage(), std::move(sizes), std::move(strides), offset, x.dtype()));
}

// Resolves one -1 in `shape` so that it has `numel` elements.
Shape infer_size(const Shape& shape, int64_t numel, const char* op) {
  Shape out = shape;
  int64_t known = 1;
  int infer_at = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      CONVIS_CHECK(infer_at < 0, op, "expected at most one -1 in the shape, got {}", shape);
      infer_at = int(i);
    } else {
      CONVIS_CHECK(shape[i] >= 0, op, "expected sizes >= -1, got {}", shape);
      known *= shape[i];
    }
  }
  if (infer_at >= 0) {
    CONVIS_CHECK(known != 0 && numel % known == 0, op, "shape {} is invalid for input of size {}", shape, numel);
    out[size_t(infer_at)] = numel / known;
  } else {
    CONVIS_CHECK(known == numel, op, "shape {} is invalid for input of size {}", shape, numel);
  }
  return out;
}

// Strides for viewing (sizes, strides) as `shape` without a copy, if possible.
// Walks chunks of dims that are contiguous among themselves (as LibTorch's computeStride).
std::optional<Shape> view_strides(const Shape& sizes, const Shape& strides, const Shape& shape) {
  if (numel(sizes) == 0) return contiguous_strides(shape);
  if (sizes.empty()) return Shape(shape.size(), 1);  // a 0-dim tensor: every target dim is 1
  Shape out(shape.size(), 0);
  int64_t view_d = int64_t(shape.size()) - 1;
  int64_t chunk_base_stride = strides.empty() ? 1 : strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = int64_t(sizes.size()) - 1; d >= 0; --d) {
    tensor_numel *= sizes[size_t(d)];
    bool chunk_end = d == 0 || (sizes[size_t(d - 1)] != 1 &&
                                strides[size_t(d - 1)] != tensor_numel * chunk_base_stride);
    if (chunk_end) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[size_t(view_d)] == 1)) {
        out[size_t(view_d)] = view_numel * chunk_base_stride;
        view_numel *= shape[size_t(view_d)];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = strides[size_t(d - 1)];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

}  // namespace

Tensor native::view(const Tensor& x, const Shape& shape) {
  Shape target = infer_size(shape, x.numel(), "view");
  auto st = view_strides(x.sizes(), x.strides(), target);
  CONVIS_CHECK(st.has_value(), "view",
               "view size {} is not compatible with input of size {} and strides {} (at least one dimension "
               "spans two contiguous subspaces); use reshape(...) instead",
               target, x.sizes(), x.strides());
  return make_view(x, target, *st, x.storage_offset());
}

Tensor native::reshape(const Tensor& x, const Shape& shape) {
  Shape target = infer_size(shape, x.numel(), "reshape");
  auto st = view_strides(x.sizes(), x.strides(), target);
  if (st) return make_view(x, target, *st, x.storage_offset());
  return native::view(native::clone(x), target);
}

Tensor native::permute(const Tensor& x, const Shape& dims) {
  CONVIS_CHECK(int64_t(dims.size()) == x.dim(), "permute", "expected {} dims for a tensor of shape {}, got {}",
               x.dim(), x.sizes(), dims);
  auto d = normalize_dims(dims, x.dim(), "permute");
  Shape sizes(d.size(), 0), strides(d.size(), 0);
  for (size_t i = 0; i < d.size(); ++i) {
    sizes[i] = x.sizes()[size_t(d[i])];
    strides[i] = x.strides()[size_t(d[i])];
  }
  return make_view(x, sizes, strides, x.storage_offset());
}

Tensor native::transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  if (x.dim() == 0) return make_view(x, x.sizes(), x.strides(), x.storage_offset());
  int64_t a = normalize_dim(dim0, x.dim(), "transpose"), b = normalize_dim(dim1, x.dim(), "transpose");
  Shape sizes = x.sizes(), strides = x.strides();
  std::swap(sizes[size_t(a)], sizes[size_t(b)]);
  std::swap(strides[size_t(a)], strides[size_t(b)]);
  return make_view(x, sizes, strides, x.storage_offset());
}

Tensor native::t(const Tensor& x) {
  CONVIS_CHECK(x.dim() <= 2, "t", "expected a tensor with <= 2 dims, got a {}-D tensor of shape {}", x.dim(),
               x.sizes());
  return x.dim() < 2 ? native::transpose(x, 0, 0) : native::transpose(x, 0, 1);
}

Tensor native::slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
                     int64_t step) {
  CONVIS_CHECK(x.dim() > 0, "slice", "expected a tensor with at least 1 dim, got a 0-dim tensor");
  CONVIS_CHECK(step > 0, "slice", "expected a positive step, got {}", step);
  int64_t d = normalize_dim(dim, x.dim(), "slice");
  int64_t n = x.size(d);
  auto clampi = [n](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + n : v, 0, n); };
  int64_t s = clampi(start.value_or(0)), e = clampi(end.value_or(n));
  if (e < s) e = s;
  Shape sizes = x.sizes(), strides = x.strides();
  sizes[size_t(d)] = (e - s + step - 1) / step;
  strides[size_t(d)] *= step;
  return make_view(x, sizes, strides, x.storage_offset() + s * x.stride(d));
}

Tensor native::select(const Tensor& x, int64_t dim, int64_t index) {
  CONVIS_CHECK(x.dim() > 0, "select", "expected a tensor with at least 1 dim, got a 0-dim tensor");
  int64_t d = normalize_dim(dim, x.dim(), "select");
  int64_t n = x.size(d);
  CONVIS_CHECK(index >= -n && index < n, "select",
               "index {} is out of bounds for dim {} with size {} (tensor of shape {})", index, d, n, x.sizes());
  if (index < 0) index += n;
  Shape sizes = x.sizes(), strides = x.strides();
  sizes.erase(size_t(d));
  strides.erase(size_t(d));
  return make_view(x, sizes, strides, x.storage_offset() + index * x.stride(d));
}

Tensor native::expand(const Tensor& x, const Shape& size) {
  CONVIS_CHECK(int64_t(size.size()) >= x.dim(), "expand",
               "expected a target with at least {} dims for a tensor of shape {}, got {}", x.dim(), x.sizes(),
               size);
  size_t lead = size.size() - size_t(x.dim());
  Shape sizes(size.size(), 0), strides(size.size(), 0);
  for (size_t i = 0; i < size.size(); ++i) {
    int64_t target = size[i];
    if (i < lead) {
      CONVIS_CHECK(target >= 0, "expand", "expected non-negative sizes for new leading dims, got {}", size);
      sizes[i] = target;
      strides[i] = 0;
      continue;
    }
    int64_t have = x.sizes()[i - lead];
    if (target == -1) target = have;
    CONVIS_CHECK(have == target || have == 1, "expand",
                 "the expanded size {} must match the existing size {} at non-singleton dim {}; target sizes {}, "
                 "tensor sizes {}",
                 target, have, i, size, x.sizes());
    sizes[i] = target;
    strides[i] = have == target ? x.strides()[i - lead] : 0;
  }
  return make_view(x, sizes, strides, x.storage_offset());
}

Tensor native::squeeze(const Tensor& x) {
  Shape sizes, strides;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (x.size(d) == 1) continue;
    sizes.push_back(x.size(d));
    strides.push_back(x.stride(d));
  }
  return make_view(x, sizes, strides, x.storage_offset());
}

Tensor native::squeeze(const Tensor& x, int64_t dim) {
  int64_t d = normalize_dim(dim, x.dim(), "squeeze");
  if (x.dim() == 0 || x.size(d) != 1) return make_view(x, x.sizes(), x.strides(), x.storage_offset());
  Shape sizes = x.sizes(), strides = x.strides();
  sizes.erase(size_t(d));
  strides.erase(size_t(d));
  return make_view(x, sizes, strides, x.storage_offset());
}

Tensor native::unsqueeze(const Tensor& x, int64_t dim) {
  int64_t d = normalize_dim(dim, x.dim() + 1, "unsqueeze");
  Shape sizes = x.sizes(), strides = x.strides();
  int64_t st = d < x.dim() ? x.stride(d) * x.size(d) : 1;
  sizes.insert(size_t(d), 1);
  strides.insert(size_t(d), st);
  return make_view(x, sizes, strides, x.storage_offset());
}

Tensor native::unfold(const Tensor& x, int64_t dim, int64_t size, int64_t step) {
  int64_t d = x.dim() == 0 ? 0 : normalize_dim(dim, x.dim(), "unfold");
  int64_t n = x.dim() == 0 ? 1 : x.size(d);
  CONVIS_CHECK(size >= 0 && size <= n, "unfold", "expected a window size in [0, {}] for dim {}, got {}", n, d,
               size);
  CONVIS_CHECK(step > 0, "unfold", "expected a positive step, got {}", step);
  Shape sizes = x.sizes(), strides = x.strides();
  if (x.dim() == 0) {
    return make_view(x, Shape{size}, Shape{1}, x.storage_offset());
  }
  sizes[size_t(d)] = (n - size) / step + 1;
  strides[size_t(d)] = x.stride(d) * step;
  sizes.push_back(size);
  strides.push_back(x.stride(d));
  return make_view(x, sizes, strides, x.storage_offset());
}

Tensor native::as_strided(const Tensor& x, const Shape& sizes, const Shape& strides,
                          std::optional<int64_t> storage_offset) {
  CONVIS_CHECK(sizes.size() == strides.size(), "as_strided", "expected {} strides for sizes {}, got {}",
               sizes.size(), sizes, strides);
  int64_t offset = storage_offset.value_or(x.storage_offset());
  CONVIS_CHECK(offset >= 0, "as_strided", "expected a non-negative storage offset, got {}", offset);
  int64_t last = offset;  // the furthest element the view reaches
  for (size_t i = 0; i < sizes.size(); ++i) {
    CONVIS_CHECK(sizes[i] >= 0 && strides[i] >= 0, "as_strided",
                 "expected non-negative sizes and strides, got sizes {} and strides {}", sizes, strides);
    if (sizes[i] == 0) last = -1;
    if (last >= 0) last += (sizes[i] - 1) * strides[i];
  }
  int64_t capacity = int64_t(x.storage()->nbytes()) / x.element_size();
  CONVIS_CHECK(last < capacity, "as_strided",
               "the view (sizes {}, strides {}, offset {}) reaches element {}, but the storage holds {} elements",
               sizes, strides, offset, last, capacity);
  return make_view(x, sizes, strides, offset);
}

// ---- the methods ----

}  // namespace convis
