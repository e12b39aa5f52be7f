// autograd/ops/view.cpp: the public differentiable views and copies, forward and backward
// side by side (joins and pads: autograd/ops/join.cpp).
//
// Every view is linear, so its backward is the adjoint: it puts the gradient back where the
// view took its elements from, written with public ops so that it is differentiable too.
//
//   view(x, s), reshape(x, s)      x: grad.reshape(x.sizes())
//   permute(x, p)                  x: grad.permute(p^-1)
//   transpose(x, a, b), t(x)       x: grad.transpose(a, b), grad.t()
//   slice(x, d, s, e, k)           x: zeros with grad at s, s+k, ... along d     (embed, below)
//   select(x, d, i)                x: zeros with grad.unsqueeze(d) at i along d
//   expand(x, s)                   x: grad summed over the expanded dims         (sum_to)
//   squeeze(x), squeeze(x, d)      x: grad.reshape(x.sizes())
//   unsqueeze(x, d)                x: grad.squeeze(d)
//   unfold(x, d, n, k)             x: every window's gradient added back where it was taken
//   as_strided(x, sz, st, o)       x: grad scatter-added to the elements each output reads
//   clone(x)                       x: grad
//   x.to(options)                  x: grad.to(x's dtype and device)
//   self.copy_(src)                self: 0    src: grad (summed to src's shape by the engine)
//   self.fill_(v), self.zero_()    self: 0    v (a 0-dim tensor): grad.sum()
//
// Composite, differentiable through the ops they call: narrow (slice), flatten (reshape),
// contiguous (clone or nothing), broadcast_tensors (expand).  Tensor::index with basic
// indices returns the view these ops made (recorded in autograd/ops/index.cpp).
#include <numeric>

#include "convis/autograd/autograd_meta.h"
#include "convis/autograd/engine.h"
#include "convis/autograd/ops/op_list.h"
#include "convis/autograd/ops/view_backward.h"
#include "convis/autograd/record.h"
#include "convis/core/factory.h"
#include "convis/core/native/join.h"
#include "convis/core/native/view.h"

namespace convis {

using autograd::FunctionNode;
using autograd::InPlace;
using autograd::OpRecord;
using autograd::recorded;
using autograd::variable_list;

namespace {

// A one-input view y = f(x) whose backward maps grad to `backward(grad)`: y is tracked as a
// view of x in grad mode even when x requires no grad yet (Note [In-place on a view]), and
// `name` is recorded when x requires grad.
template <typename Backward>
Tensor record_view(const char* name, const Tensor& x, Tensor y, Backward backward) {
  autograd::track_view(x, y);
  return recorded(std::move(y), {&x}, [&]() -> OpRecord {
    return {name, {&x}, {}, [backward](FunctionNode&, const variable_list& g) {
              return variable_list{backward(g[0])};
            }};
  });
}

}  // namespace

Tensor view(const Tensor& x, const Shape& shape) {
  return record_view("ViewBackward0", x, native::view(x, shape),
                     [sizes = x.sizes()](const Tensor& g) { return g.reshape(sizes); });
}

// Note [Reshape that copies]
// LibTorch 1.13 records a reshape that can view as ReshapeAliasBackward0, and one that must
// copy as a clone (CloneBackward0) followed by an _unsafe_view (UnsafeViewBackward0), whose
// result is not a view.  native::reshape already made the copy (y is a view of it), so the
// clone node is attached to a second view of the same copy, in x's shape.
Tensor reshape(const Tensor& x, const Shape& shape) {
  Tensor y = native::reshape(x, shape);
  auto back = [sizes = x.sizes()](const Tensor& g) { return g.reshape(sizes); };
  if (y.storage() == x.storage()) return record_view("ReshapeAliasBackward0", x, y, back);
  if (!autograd::any_requires_grad({&x})) return y;  // a copy: not a view of x
  Tensor copy = native::view(y, x.sizes());
  autograd::record({"CloneBackward0", {&x}, {},
                    [](FunctionNode&, const variable_list& g) { return variable_list{g[0]}; }},
                   {&copy});
  autograd::record({"UnsafeViewBackward0", {&copy}, {},
                    [back](FunctionNode&, const variable_list& g) { return variable_list{back(g[0])}; }},
                   {&y});
  return y;
}

Tensor permute(const Tensor& x, const Shape& dims) {
  Tensor y = native::permute(x, dims);
  Shape inverse(dims.size(), 0);
  std::vector<int64_t> d = normalize_dims(dims, x.dim(), "permute");
  for (size_t i = 0; i < d.size(); ++i) inverse[size_t(d[i])] = int64_t(i);
  return record_view("PermuteBackward0", x, y, [inverse](const Tensor& g) { return g.permute(inverse); });
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  return record_view("TransposeBackward0", x, native::transpose(x, dim0, dim1),
                     [dim0, dim1](const Tensor& g) { return g.dim() == 0 ? g : g.transpose(dim0, dim1); });
}

Tensor t(const Tensor& x) {
  return record_view("TBackward0", x, native::t(x), [](const Tensor& g) { return g.t(); });
}

Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) {
  Tensor y = native::slice(x, dim, start, end, step);
  int64_t d = normalize_dim(dim, x.dim(), "slice"), n = x.size(d);
  int64_t s = std::clamp<int64_t>(start.value_or(0) < 0 ? start.value_or(0) + n : start.value_or(0), 0, n);
  return record_view("SliceBackward0", x, y,
                     [d, n, s, step](const Tensor& g) { return autograd::embed(g, d, n, s, step); });
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  Tensor y = native::select(x, dim, index);
  int64_t d = normalize_dim(dim, x.dim(), "select"), n = x.size(d);
  int64_t i = index < 0 ? index + n : index;
  return record_view("SelectBackward0", x, y,
                     [d, n, i](const Tensor& g) { return autograd::embed(g.unsqueeze(d), d, n, i, 1); });
}

Tensor expand(const Tensor& x, const Shape& size) {
  return record_view("ExpandBackward0", x, native::expand(x, size),
                     [sizes = x.sizes()](const Tensor& g) { return autograd::sum_to(g, sizes); });
}

Tensor squeeze(const Tensor& x) {
  return record_view("SqueezeBackward0", x, native::squeeze(x),
                     [sizes = x.sizes()](const Tensor& g) { return g.reshape(sizes); });
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  return record_view("SqueezeBackward1", x, native::squeeze(x, dim),
                     [sizes = x.sizes()](const Tensor& g) { return g.reshape(sizes); });
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  Tensor y = native::unsqueeze(x, dim);
  int64_t d = normalize_dim(dim, x.dim() + 1, "unsqueeze");
  return record_view("UnsqueezeBackward0", x, y, [d](const Tensor& g) { return g.squeeze(d); });
}

Tensor unfold(const Tensor& x, int64_t dim, int64_t size, int64_t step) {
  Tensor y = native::unfold(x, dim, size, step);
  int64_t d = x.dim() == 0 ? 0 : normalize_dim(dim, x.dim(), "unfold");
  return record_view("UnfoldBackward0", x, y, [sizes = x.sizes(), d, size, step](const Tensor& g) {
    return autograd::unfold_backward(g, sizes, d, size, step);
  });
}

Tensor as_strided(const Tensor& x, const Shape& sizes, const Shape& strides, std::optional<int64_t> storage_offset) {
  Tensor y = native::as_strided(x, sizes, strides, storage_offset);
  autograd::AsStridedGeometry geo{x.sizes(), x.is_contiguous(), x.storage_offset(), sizes, strides,
                                  storage_offset.value_or(x.storage_offset())};
  return record_view("AsStridedBackward0", x, y,
                     [geo](const Tensor& g) { return autograd::as_strided_backward(g, geo); });
}

// ---- copies ----

Tensor clone(const Tensor& x) {
  return recorded(native::clone(x), {&x}, [&]() -> OpRecord {
    return {"CloneBackward0", {&x}, {}, [](FunctionNode&, const variable_list& g) { return variable_list{g[0]}; }};
  });
}

Tensor Tensor::pin_memory() const {
  return recorded(native::pin_memory(*this), {this}, [&]() -> OpRecord {
    return {"PinMemoryBackward0", {this}, {}, [](FunctionNode&, const variable_list& g) { return variable_list{g[0]}; }};
  });
}

Tensor Tensor::to(const TensorOptions& options, bool non_blocking, bool copy) const {
  Tensor y = native::to(*this, options, copy, non_blocking);
  if (y.is_same(*this) || !convis::is_floating_point(y.dtype())) return y;
  return recorded(std::move(y), {this}, [&]() -> OpRecord {
    return {"ToCopyBackward0", {this}, {},
            [back = TensorOptions(dtype()).device(device())](FunctionNode&, const variable_list& g) {
              return variable_list{g[0].to(back)};
            }};
  });
}

namespace {
// The gradient of an in-place write's target before the write, which the write overwrote.
Tensor overwritten(FunctionNode& n, const Tensor& g) { return n.needs_input_grad(0) ? zeros_like(g) : Tensor(); }

// A write that overwrites all of self with a constant: self's old value gets no gradient.
OpRecord constant_write_record(const char* name, const Tensor& self) {
  return {name, {&self}, {}, [](FunctionNode& n, const variable_list& g) {
            return variable_list{overwritten(n, g[0])};
          }};
}
}  // namespace

// An integer self is never recorded (autograd::prepare_inplace): its result needs no grad.
Tensor& Tensor::copy_(const Tensor& src, bool /*non_blocking*/) const {
  InPlace w(*this, "copy_", {&src}, [&]() -> OpRecord {
    return {"torch::autograd::CopyBackwards", {this, &src}, {}, [](FunctionNode& n, const variable_list& g) {
              return variable_list{overwritten(n, g[0]), n.needs_input_grad(1) ? g[0] : Tensor()};
            }};
  });
  native::copy_(*this, src);
  return w.record();
}

Tensor& Tensor::fill_(const Scalar& value) const {
  InPlace w(*this, "fill_", {}, [&] { return constant_write_record("FillBackward2", *this); });
  native::fill_(*this, value);
  return w.record();
}

Tensor& Tensor::fill_(const Tensor& value) const {
  CONVIS_CHECK(value.dim() == 0, "fill_", "expected a 0-dim value tensor, got one of shape {}", value.sizes());
  InPlace w(*this, "fill_", {&value}, [&]() -> OpRecord {
    return {"FillBackward3", {this, &value}, {}, [](FunctionNode& n, const variable_list& g) {
              return variable_list{overwritten(n, g[0]), n.needs_input_grad(1) ? g[0].sum() : Tensor()};
            }};
  });
  native::fill_(*this, value.item());
  return w.record();
}

Tensor& Tensor::zero_() const {
  InPlace w(*this, "zero_", {}, [&] { return constant_write_record("ZeroBackward0", *this); });
  native::fill_(*this, 0);
  return w.record();
}

// ---- the Tensor methods of this family: each forwards to the free function above ----

Tensor contiguous(const Tensor& x) { return x.is_contiguous() ? x : clone(x); }
Tensor Tensor::contiguous() const { return convis::contiguous(*this); }
Tensor Tensor::clone() const { return convis::clone(*this); }
Tensor Tensor::to(DType dt, bool non_blocking, bool copy) const {
  return to(TensorOptions(dt).device(device()), non_blocking, copy);
}
Tensor Tensor::to(Device dev, bool non_blocking, bool copy) const {
  return to(TensorOptions(dtype()).device(dev), non_blocking, copy);
}
Tensor Tensor::to(Device dev, DType dt, bool non_blocking, bool copy) const {
  return to(TensorOptions(dt).device(dev), non_blocking, copy);
}
Tensor Tensor::to(const Tensor& other) const { return to(other.options()); }
Tensor Tensor::cpu() const { return to(Device(kCPU)); }
Tensor Tensor::cuda() const { return to(Device(kCUDA)); }
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  CONVIS_CHECK(x.dim() > 0, "narrow", "expected a tensor with at least 1 dim, got a 0-dim tensor");
  int64_t d = normalize_dim(dim, x.dim(), "narrow");
  int64_t n = x.size(d);
  CONVIS_CHECK(start >= -n && start <= n, "narrow", "start {} is out of range for dim {} of size {}", start, d, n);
  if (start < 0) start += n;
  CONVIS_CHECK(length >= 0 && start + length <= n, "narrow",
               "expected start + length <= {} (size of dim {}), got start {} and length {}", n, d, start, length);
  return slice(x, d, start, start + length, 1);
}
Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  if (x.dim() == 0) return reshape(x, {1});
  int64_t s = normalize_dim(start_dim, x.dim(), "flatten"), e = normalize_dim(end_dim, x.dim(), "flatten");
  CONVIS_CHECK(s <= e, "flatten", "expected start_dim <= end_dim, got {} and {}", s, e);
  Shape shape;
  for (int64_t d = 0; d < s; ++d) shape.push_back(x.size(d));
  int64_t merged = 1;
  for (int64_t d = s; d <= e; ++d) merged *= x.size(d);
  shape.push_back(merged);
  for (int64_t d = e + 1; d < x.dim(); ++d) shape.push_back(x.size(d));
  return reshape(x, shape);
}
std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& tensors) {
  Shape shape;
  for (const Tensor& t : tensors) shape = broadcast_shapes(shape, t.sizes(), "broadcast_tensors");
  std::vector<Tensor> out;
  for (const Tensor& t : tensors) out.push_back(expand(t, shape));
  return out;
}
Tensor Tensor::view(const Shape& s) const { return convis::view(*this, s); }
Tensor Tensor::reshape(const Shape& s) const { return convis::reshape(*this, s); }
Tensor Tensor::view_as(const Tensor& o) const { return convis::view(*this, o.sizes()); }
Tensor Tensor::reshape_as(const Tensor& o) const { return convis::reshape(*this, o.sizes()); }
Tensor Tensor::permute(const Shape& d) const { return convis::permute(*this, d); }
Tensor Tensor::transpose(int64_t a, int64_t b) const { return convis::transpose(*this, a, b); }
Tensor Tensor::t() const { return convis::t(*this); }
Tensor Tensor::slice(int64_t d, std::optional<int64_t> s, std::optional<int64_t> e, int64_t st) const {
  return convis::slice(*this, d, s, e, st);
}
Tensor Tensor::select(int64_t d, int64_t i) const { return convis::select(*this, d, i); }
Tensor Tensor::narrow(int64_t d, int64_t s, int64_t l) const { return convis::narrow(*this, d, s, l); }
Tensor Tensor::expand(const Shape& s) const { return convis::expand(*this, s); }
Tensor Tensor::expand_as(const Tensor& o) const { return convis::expand(*this, o.sizes()); }
Tensor Tensor::squeeze() const { return convis::squeeze(*this); }
Tensor Tensor::squeeze(int64_t d) const { return convis::squeeze(*this, d); }
Tensor Tensor::unsqueeze(int64_t d) const { return convis::unsqueeze(*this, d); }
Tensor Tensor::flatten(int64_t s, int64_t e) const { return convis::flatten(*this, s, e); }
Tensor Tensor::unfold(int64_t d, int64_t s, int64_t st) const { return convis::unfold(*this, d, s, st); }
Tensor Tensor::as_strided(const Shape& sz, const Shape& st, std::optional<int64_t> off) const {
  return convis::as_strided(*this, sz, st, off);
}

}  // namespace convis

namespace convis::autograd {

const std::vector<std::string>& shape_differentiable_ops() {
  static const std::vector<std::string> ops = {
      "view",    "reshape", "permute", "transpose", "t",     "slice",  "select", "narrow",
      "expand",  "squeeze", "unsqueeze", "flatten", "unfold", "as_strided", "broadcast_tensors",
      "contiguous", "clone", "to",   "copy_",     "fill_", "zero_",  "cat",    "stack",
      "split",   "chunk",   "flip",    "roll",      "pad"};
  return ops;
}

}  // namespace convis::autograd
