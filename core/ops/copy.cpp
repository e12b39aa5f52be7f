// core/ops/copy.cpp: copies, casts and fills.  Each runs the `copy` or `fill` kernel through
// the strided loop, so any strides, broadcasts and dtype pairs work.
#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/core/strided_loop.h"

namespace convis {

Tensor& Tensor::copy_(const Tensor& src, bool /*non_blocking*/) {
  CONVIS_CHECK(src.defined(), "copy_", "expected a defined source tensor, got an undefined Tensor()");
  CONVIS_CHECK(device() == src.device(), "copy_", "expected a source on {}, got one on {}", device().str(),
               src.device().str());
  Shape target = broadcast_shapes(sizes(), src.sizes(), "copy_");
  CONVIS_CHECK(target == sizes(), "copy_", "expected a source broadcastable to {}, got shape {}", sizes(),
               src.sizes());
  if (numel() == 0) return *this;
  Tensor expanded = src.expand(sizes());
  run_elementwise(OpKind::copy, dtype(), {this, &expanded});
  storage()->bump_version();
  return *this;
}

Tensor& Tensor::fill_(const Scalar& value) {
  OpParams p;
  p.f[0] = value.toDouble();
  p.i[0] = value.toLong();
  if (dtype() == kBool) p.i[0] = value.toBool() ? 1 : 0;
  run_elementwise(OpKind::fill, dtype(), {this}, p);
  storage()->bump_version();
  return *this;
}

Tensor& Tensor::fill_(const Tensor& value) {
  CONVIS_CHECK(value.dim() == 0, "fill_", "expected a 0-dim value tensor, got one of shape {}", value.sizes());
  return fill_(value.item());
}

Tensor& Tensor::zero_() { return fill_(0); }

Tensor contiguous(const Tensor& x) { return x.is_contiguous() ? x : clone(x); }
Tensor Tensor::contiguous() const { return convis::contiguous(*this); }

Tensor clone(const Tensor& x) {
  Tensor out = empty(x.sizes(), x.options());
  out.copy_(x);
  return out;
}
Tensor Tensor::clone() const { return convis::clone(*this); }

Tensor Tensor::to(const TensorOptions& options, bool /*non_blocking*/, bool copy) const {
  DType dt = options.has_dtype() ? options.dtype() : dtype();
  Device dev = options.device();
  if (!copy && dt == dtype() && dev == device()) return *this;
  Tensor out = empty(sizes(), TensorOptions(dt).device(dev));
  CONVIS_CHECK(dev == device(), "to", "expected a copy between tensors on one device, got {} -> {} (the CUDA "
               "backend adds transfers)", device().str(), dev.str());
  out.copy_(*this);
  return out;
}
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

}  // namespace convis
