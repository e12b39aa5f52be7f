// core/native/join.cpp: joining (cat, stack), splitting (split, chunk) and reordering (flip, roll).
//
//   cat({a, b}, 1)          copies a and b into narrow() views of one output
//   split(x, 2, 0)          narrow() views of x, no copy; the last one may be shorter
//   flip(x, {0})            one strided copy from a reversed view (see Note [Reversed views])
//   roll(x, {1}, {1})       two block copies per rolled dim
//
// Nothing here has a kernel of its own: every element moves through native::copy_, whose
// strided `copy` kernel already handles any strides, broadcasts and dtype casts.  cat, stack,
// flip and roll are native:: (core/native/view.h) and use only native views inside, so
// that they record nothing; autograd/ops/join.cpp records them.  split and chunk are
// public narrow() views.
#include <algorithm>

#include "convis/core/factory.h"
#include "convis/core/native/join.h"
#include "convis/core/native/view.h"

namespace convis {

namespace {

// Note [Legacy empty tensors in cat]
// LibTorch 1.13 still skips 1-D tensors of shape [0] in cat, whatever the other inputs'
// rank, so cat({empty({0}), x}, 1) == x.  They still count for the result's dtype.  When
// every input is skipped, the result is an empty [0] tensor and the dim is not checked.
bool is_legacy_empty(const Tensor& t) { return t.dim() == 1 && t.size(0) == 0; }

// Checks everything cat needs that does not depend on the dim; returns the promoted dtype.
DType check_cat_inputs(const std::vector<Tensor>& tensors) {
  CONVIS_CHECK(!tensors.empty(), "cat", "expected a non-empty list of tensors, got an empty list");
  DType dtype = kBool;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    CONVIS_CHECK(t.defined(), "cat", "expected defined tensors, got an undefined Tensor() at position {}", i);
    CONVIS_CHECK(t.dim() > 0, "cat", "expected tensors with at least 1 dim, got a zero-dimensional tensor at "
                 "position {} (zero-dimensional tensors cannot be concatenated)", i);
    CONVIS_CHECK(t.device() == tensors[0].device(), "cat",
                 "expected all tensors on one device, got {} (tensor 0) and {} (tensor {})",
                 tensors[0].device().str(), t.device().str(), i);
    dtype = i == 0 ? DType(t.dtype()) : promote_types(dtype, t.dtype());
  }
  return dtype;
}

// Checks that `t` (input number i) fits `ref` (number r) everywhere but in dim d.
void check_cat_shape(const Tensor& ref, size_t r, const Tensor& t, size_t i, int64_t d) {
  CONVIS_CHECK(t.dim() == ref.dim(), "cat",
               "expected tensors with the same number of dims, got shape {} (tensor {}) and shape {} (tensor {})",
               ref.sizes(), r, t.sizes(), i);
  for (int64_t k = 0; k < t.dim(); ++k) {
    CONVIS_CHECK(k == d || t.size(k) == ref.size(k), "cat",
                 "expected sizes to match except in dim {}, got shape {} (tensor {}) and shape {} (tensor {}), "
                 "which differ in dim {}",
                 d, ref.sizes(), r, t.sizes(), i, k);
  }
}

// x.narrow(d, start, length), unrecorded.
Tensor part(const Tensor& x, int64_t d, int64_t start, int64_t length) {
  return native::slice(x, d, start, start + length, 1);
}

// Note [Reversed views]
// flip copies from a view whose flipped dims have negated strides and whose offset points at
// the last element along them.  The strided loop works in signed byte strides, so the copy
// kernel walks such a view backwards.  The view never leaves this file: public views, as in
// LibTorch, only have non-negative strides.
Tensor reversed_view(const Tensor& x, const std::vector<int64_t>& dims) {
  Shape strides = x.strides();
  int64_t offset = x.storage_offset();
  for (int64_t d : dims) {
    offset += (x.size(d) - 1) * x.stride(d);
    strides[size_t(d)] = -strides[size_t(d)];
  }
  return Tensor(TensorImpl::make(x.storage(), x.sizes(), strides, offset, x.dtype()));
}

// Copies `in` into `out` rolled by shift[d] (in [0, size)) along each dim d >= first:
// a dim with a shift splits into two blocks that swap places, so k rolled dims make 2^k
// block copies, each one strided copy.
void roll_blocks(const Tensor& out, const Tensor& in, const std::vector<int64_t>& shift, int64_t first) {
  int64_t d = first;
  while (d < in.dim() && shift[size_t(d)] == 0) ++d;
  if (d == in.dim()) {
    Tensor dst = out;
    native::copy_(dst, in);
    return;
  }
  int64_t n = in.size(d), s = shift[size_t(d)];
  roll_blocks(part(out, d, s, n - s), part(in, d, 0, n - s), shift, d + 1);
  roll_blocks(part(out, d, 0, s), part(in, d, n - s, s), shift, d + 1);
}

}  // namespace

Tensor native::cat(const std::vector<Tensor>& tensors, int64_t dim) {
  const DType dtype = check_cat_inputs(tensors);
  const TensorOptions options = TensorOptions(dtype).device(tensors[0].device());
  auto ref = std::find_if(tensors.begin(), tensors.end(), [](const Tensor& t) { return !is_legacy_empty(t); });
  if (ref == tensors.end()) return empty({0}, options);  // see Note [Legacy empty tensors in cat]
  const size_t r = size_t(ref - tensors.begin());
  const int64_t d = normalize_dim(dim, ref->dim(), "cat");
  Shape out_shape = ref->sizes();
  out_shape[size_t(d)] = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (is_legacy_empty(tensors[i])) continue;
    check_cat_shape(*ref, r, tensors[i], i, d);
    out_shape[size_t(d)] += tensors[i].size(d);
  }
  Tensor out = empty(out_shape, options);
  int64_t offset = 0;
  for (const Tensor& t : tensors) {
    if (is_legacy_empty(t)) continue;
    Tensor dst = part(out, d, offset, t.size(d));
    native::copy_(dst, t);
    offset += t.size(d);
  }
  return out;
}

Tensor native::stack(const std::vector<Tensor>& tensors, int64_t dim) {
  CONVIS_CHECK(!tensors.empty(), "stack", "expected a non-empty list of tensors, got an empty list");
  for (size_t i = 0; i < tensors.size(); ++i) {
    CONVIS_CHECK(tensors[i].defined(), "stack", "expected defined tensors, got an undefined Tensor() at entry {}",
                 i);
    CONVIS_CHECK(tensors[i].sizes() == tensors[0].sizes(), "stack",
                 "expected each tensor to be equal size, got {} at entry 0 and {} at entry {}", tensors[0].sizes(),
                 tensors[i].sizes(), i);
  }
  const int64_t d = normalize_dim(dim, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  parts.reserve(tensors.size());
  for (const Tensor& t : tensors) parts.push_back(native::unsqueeze(t, d));
  return native::cat(parts, d);
}

Tensor native::flip(const Tensor& x, const Shape& dims) {
  CONVIS_CHECK(x.defined(), "flip", "expected a defined tensor, got an undefined Tensor()");
  std::vector<int64_t> ds = dims.empty() ? std::vector<int64_t>{} : normalize_dims(dims, x.dim(), "flip");
  Tensor out = empty(x.sizes(), x.options());
  if (x.numel() == 0) return out;
  if (x.dim() == 0) ds.clear();  // flipping the one element of a 0-dim tensor changes nothing
  native::copy_(out, reversed_view(x, ds));
  return out;
}

Tensor native::roll(const Tensor& x, const Shape& shifts, const Shape& dims) {
  CONVIS_CHECK(x.defined(), "roll", "expected a defined tensor, got an undefined Tensor()");
  CONVIS_CHECK(!shifts.empty(), "roll", "expected at least one shift, got an empty list of shifts");
  if (dims.empty()) {
    CONVIS_CHECK(shifts.size() == 1, "roll",
                 "expected one shift when no dims are given (the flattened tensor is rolled), got shifts {}", shifts);
    if (x.dim() == 0) return native::clone(x);  // one element: nothing moves
    return native::view(native::roll(native::reshape(x, {-1}), shifts, {0}), x.sizes());
  }
  CONVIS_CHECK(shifts.size() == dims.size(), "roll", "expected as many shifts as dims, got shifts {} and dims {}",
               shifts, dims);
  CONVIS_CHECK(x.dim() > 0, "roll", "expected a tensor with at least 1 dim when dims are given, got a 0-dim tensor");
  // Shifts along one dim add up (LibTorch rolls dim after dim); reduce each into [0, size).
  std::vector<int64_t> total(size_t(x.dim()), 0);
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = normalize_dim(dims[i], x.dim(), "roll");
    int64_t n = x.size(d);
    if (n > 0) total[size_t(d)] = ((total[size_t(d)] + shifts[i] % n) % n + n) % n;
  }
  Tensor out = empty(x.sizes(), x.options());
  if (x.numel() > 0) roll_blocks(out, x, total, 0);
  return out;
}

// ---- the methods ----

}  // namespace convis
