// core/native/copy.cpp: copies, casts and fills.  Each runs the `copy` or `fill` kernel through
// the strided loop, so any strides, broadcasts and dtype pairs work.  clone, copy_, fill_ and
// to(options) are native:: (core/native/view.h): the public ones, which record, are in
// autograd/ops/view.cpp, with zero_ and fill_(Tensor).
#include "convis/core/factory.h"
#include "convis/core/native/join.h"
#include "convis/core/native/view.h"
#include "convis/core/strided_loop.h"

namespace convis {

namespace {
// Copies src (broadcast, any dtype) into dst without counting it as an in-place write:
// the one place clone, to and copy_ share.
void copy_into(const Tensor& dst, const Tensor& src) {
  if (dst.numel() == 0) return;
  Tensor expanded = native::expand(src, dst.sizes());
  run_elementwise(OpKind::copy, dst.dtype(), {&dst, &expanded});
}
}  // namespace

const Tensor& native::copy_(const Tensor& self, const Tensor& src) {
  CONVIS_CHECK(src.defined(), "copy_", "expected a defined source tensor, got an undefined Tensor()");
  CONVIS_CHECK(self.device() == src.device(), "copy_", "expected a source on {}, got one on {}",
               self.device().str(), src.device().str());
  Shape target = broadcast_shapes(self.sizes(), src.sizes(), "copy_");
  CONVIS_CHECK(target == self.sizes(), "copy_", "expected a source broadcastable to {}, got shape {}", self.sizes(),
               src.sizes());
  copy_into(self, src);
  self.storage()->bump_version("copy_");
  return self;
}

const Tensor& native::fill_(const Tensor& self, const Scalar& value) {
  OpParams p;
  p.value.f = value.toDouble();
  if (self.dtype() == kBool) {
    p.value.i = value.toDouble() != 0 ? 1 : 0;
  } else if (self.dtype() == kInt64) {
    double d = value.toDouble();
    CONVIS_CHECK(!value.is_floating_point() || (d >= -9.2233720368547758e18 && d < 9.2233720368547758e18), "fill_",
                 "value cannot be converted to type int64 without overflow: expected a value in the int64 range, "
                 "got {}", d);
    p.value.i = value.is_floating_point() ? int64_t(d) : value.toLong();
  }
  run_elementwise(OpKind::fill, self.dtype(), {&self}, p);
  self.storage()->bump_version("fill_");
  return self;
}

Tensor native::clone(const Tensor& x) {
  Tensor out = empty(x.sizes(), x.options());
  copy_into(out, x);
  return out;
}

Tensor native::to(const Tensor& x, const TensorOptions& options, bool copy) {
  DType dt = options.has_dtype() ? options.dtype() : x.scalar_type();
  Device dev = options.device();
  if (!copy && dt == x.dtype() && dev == x.device()) return x;
  Tensor out = empty(x.sizes(), TensorOptions(dt).device(dev));
  CONVIS_CHECK(dev == x.device(), "to", "expected a copy between tensors on one device, got {} -> {} (the CUDA "
               "backend adds transfers)", x.device().str(), dev.str());
  copy_into(out, x);
  return out;
}

}  // namespace convis
