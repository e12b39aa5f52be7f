// core/native/copy.cpp: copies, casts and fills.  Each runs the `copy` or `fill` kernel through
// the strided loop, so any strides, broadcasts and dtype pairs work.  clone, copy_, fill_ and
// to(options) are native:: (core/native/view.h): the public ones, which record, are in
// autograd/ops/view.cpp, with zero_ and fill_(Tensor).
#include "convis/core/cuda_memory.h"
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
// Note [Transfers]
// A copy between devices moves bytes once, contiguous, in the source's dtype when it leaves a
// device and in the target's when it enters one: host -> device casts and packs on the host,
// then one host-to-device copy; device -> host packs on the device (the CUDA copy kernel),
// one device-to-host copy, then casts on the host; device -> device packs on the source.  So
// any strides and dtype pairs work, and the runtime only ever copies plain bytes.
// A non_blocking copy to a device does not wait only when it reads x's own pinned memory
// (a staging copy made here would be freed before the stream read it): x then must stay alive
// and unchanged until the stream is done, as in LibTorch.
Tensor transfer(const Tensor& x, Device device, DType dtype, bool non_blocking = false) {
  const size_t nbytes = size_t(x.numel()) * size_t(dtype_size(x.is_cpu() ? dtype : x.scalar_type()));
  if (x.is_cpu()) {
    const Tensor src = native::contiguous(dtype == x.scalar_type() ? x : native::to(x, dtype));
    Tensor out = empty(x.sizes(), TensorOptions(dtype).device(device));
    const bool async = non_blocking && src.is_same(x) && x.storage()->is_pinned();
    cuda_memory::copy_to_device(device, out.data_ptr(), src.data_ptr(), nbytes, async);
    return out;
  }
  const Tensor src = native::contiguous(x);
  Tensor out = empty(x.sizes(), TensorOptions(x.scalar_type()).device(device));
  if (device.is_cpu()) cuda_memory::copy_to_host(x.device(), out.data_ptr(), src.data_ptr(), nbytes);
  else cuda_memory::copy_on_device(device, out.data_ptr(), src.data_ptr(), nbytes);
  return dtype == x.scalar_type() ? out : native::to(out, dtype);
}
}  // namespace

const Tensor& native::copy_(const Tensor& self, const Tensor& src) {
  CONVIS_CHECK(src.defined(), "copy_", "expected a defined source tensor, got an undefined Tensor()");
  Shape target = broadcast_shapes(self.sizes(), src.sizes(), "copy_");
  CONVIS_CHECK(target == self.sizes(), "copy_", "expected a source broadcastable to {}, got shape {}", self.sizes(),
               src.sizes());
  copy_into(self, src.device() == self.device() ? src : transfer(src, self.device(), src.dtype()));
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

Tensor native::pin_memory(const Tensor& x) {
  CONVIS_CHECK(x.defined() && x.is_cpu(), "pin_memory", "expected a CPU tensor, got {}",
               x.defined() ? "one on " + x.device().str() : std::string("an undefined Tensor()"));
  if (x.storage()->is_pinned()) return x;
  auto storage = Storage::pinned(size_t(x.numel()) * size_t(dtype_size(x.scalar_type())));
  Tensor out(TensorImpl::make(std::move(storage), x.sizes(), contiguous_strides(x.sizes()), 0, x.scalar_type()));
  copy_into(out, x);
  return out;
}

Tensor native::to(const Tensor& x, const TensorOptions& options, bool copy, bool non_blocking) {
  DType dt = options.has_dtype() ? options.dtype() : x.scalar_type();
  Device dev = options.device();
  if (dev.is_cuda()) cuda_memory::checked_index(dev, "to");
  if (!copy && dt == x.dtype() && dev == x.device()) return x;
  if (dev != x.device()) return transfer(x, dev, dt, non_blocking);
  Tensor out = empty(x.sizes(), TensorOptions(dt).device(dev));
  copy_into(out, x);
  return out;
}

}  // namespace convis
