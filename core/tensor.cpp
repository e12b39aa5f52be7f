// core/tensor.cpp: the Tensor methods that are not ops (metadata, item).
#include "convis/core/tensor.h"

#include "convis/core/allocator.h"

namespace convis {

int64_t Tensor::size(int64_t d) const { return sizes()[size_t(normalize_dim(d, dim(), "size"))]; }

int64_t Tensor::stride(int64_t d) const { return strides()[size_t(normalize_dim(d, dim(), "stride"))]; }

Scalar Tensor::item() const {
  CONVIS_CHECK(numel() == 1, "item", "expected a tensor with one element, got {} elements (shape {})", numel(),
               sizes());
  CONVIS_CHECK(device().is_cpu(), "item", "expected a CPU tensor, got one on {} (call .cpu() first)", device().str());
  const char* p = checked_impl()->data();
  switch (dtype()) {
    case DType::Bool: return Scalar(*reinterpret_cast<const bool*>(p));
    case DType::Int64: return Scalar(*reinterpret_cast<const int64_t*>(p));
    case DType::Float32: return Scalar(double(*reinterpret_cast<const float*>(p)));
    case DType::Float64: break;
  }
  return Scalar(*reinterpret_cast<const double*>(p));
}

}  // namespace convis
