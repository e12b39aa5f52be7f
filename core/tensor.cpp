// core/tensor.cpp: the Tensor methods that are not ops (metadata, item).
#include "convis/core/tensor.h"

#include "convis/core/allocator.h"
#include "convis/core/cuda_memory.h"

namespace convis {

int64_t Tensor::size(int64_t d) const { return sizes()[size_t(normalize_dim(d, dim(), "size"))]; }

int64_t Tensor::stride(int64_t d) const { return strides()[size_t(normalize_dim(d, dim(), "stride"))]; }

// ---- the autograd fields core owns (Note [History on the TensorImpl]) ----

bool Tensor::requires_grad() const { return impl_ && (impl_->grad_fn || impl_->requires_grad); }

std::shared_ptr<autograd::Node> Tensor::grad_fn() const { return impl_ ? impl_->grad_fn : nullptr; }

bool Tensor::is_leaf() const { return !impl_ || !impl_->grad_fn; }

uint32_t Tensor::output_nr() const { return defined() ? impl_->output_nr : 0; }

Tensor Tensor::detach() const {
  return Tensor(TensorImpl::make(storage(), sizes(), strides(), storage_offset(), dtype()));
}

Tensor& Tensor::detach_() const {
  if (defined()) {
    impl_->requires_grad = false;
    impl_->grad_fn = nullptr;
    impl_->output_nr = 0;
  }
  return const_cast<Tensor&>(*this);  // Note [In-place methods are const]
}

void Tensor::set_data(const Tensor& new_data) const {
  CONVIS_CHECK(new_data.defined(), "set_data", "expected a defined tensor, got an undefined Tensor()");
  if (is_same(new_data)) return;
  TensorImpl* dst = checked_impl();
  const TensorImpl* src = new_data.unsafeGetTensorImpl();
  dst->storage = src->storage;
  dst->sizes = src->sizes;
  dst->strides = src->strides;
  dst->offset = src->offset;
  dst->dtype = src->dtype;
}

namespace detail {
void set_leaf_requires_grad(const Tensor& t, bool requires_grad) {
  CONVIS_CHECK(!requires_grad || t.is_floating_point(), "requires_grad_",
               "only tensors of floating point dtype can require gradients, got dtype {}", dtype_name(t.dtype()));
  t.unsafeGetTensorImpl()->requires_grad = requires_grad;
}
}  // namespace detail

Scalar Tensor::item() const {
  CONVIS_CHECK(numel() == 1, "item", "expected a tensor with one element, got {} elements (shape {})", numel(),
               sizes());
  alignas(8) char element[8];
  const char* p = checked_impl()->data();
  if (device().is_cuda()) {  // one element from the device, as LibTorch: waits for the device
    cuda_memory::copy_to_host(device(), element, p, size_t(dtype_size(dtype())));
    p = element;
  }
  switch (dtype()) {
    case DType::Bool: return Scalar(*reinterpret_cast<const bool*>(p));
    case DType::Int64: return Scalar(*reinterpret_cast<const int64_t*>(p));
    case DType::Float32: return Scalar(double(*reinterpret_cast<const float*>(p)));
    case DType::Float64: break;
  }
  return Scalar(*reinterpret_cast<const double*>(p));
}

}  // namespace convis
