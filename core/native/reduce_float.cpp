// core/native/reduce_float.cpp: the reductions computed in floating point: var, std, norm,
// logsumexp, and the two scans softmax and log_softmax.  Kernels in kernels/cpu/reduce.cpp.
// Defined as native:: (core/native/reduce.h); the public ops are in autograd/ops/reduce.cpp.
//
// Dtypes as torch 1.13: var, std and norm reject integer and bool inputs; logsumexp casts
// them to the default dtype; softmax and log_softmax take a floating input, or cast to a
// floating `dtype` argument first.
#include <cmath>

#include "convis/core/factory.h"
#include "convis/core/native/reduce.h"
#include "convis/core/ops.h"
#include "convis/core/native/reduce_plan.h"
#include "convis/core/native/view.h"

namespace convis {

using detail::DimMask;

namespace {

void check_floating(const Tensor& x, const char* op, const char* why) {
  detail::check_defined(x, op);
  CONVIS_CHECK(x.is_floating_point(), op, "expected a floating point tensor ({}), got dtype {}", why,
               dtype_name(x.dtype()));
}

Tensor var_like(const char* name, const Tensor& x, const Shape& dims, bool unbiased, bool keepdim, bool take_sqrt) {
  check_floating(x, name, "std and var only support floating point dtypes");
  DimMask mask = detail::reduce_mask(x, dims, name);
  ReduceParams params;
  params.correction = unbiased ? 1 : 0;
  params.take_sqrt = take_sqrt;
  return detail::run_reduce({OpKind::var, x.dtype(), params}, x, mask, keepdim);
}

Tensor softmax_like(OpKind op, const char* name, const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  detail::check_defined(x, name);
  DType dt = dtype.value_or(x.dtype());
  CONVIS_CHECK(is_floating_point(dt), name,
               "expected a floating point input or dtype argument (torch has no {} for {}), got dtype {}", name,
               dtype_name(dt), dtype_name(dt));
  normalize_dim(dim, x.dim(), name);  // checks dim before the cast
  return detail::run_scan(op, native::to(x, dt), dim, name);
}

}  // namespace

Tensor native::var(const Tensor& x, bool unbiased) { return var_like("var", x, {}, unbiased, false, false); }
Tensor native::var(const Tensor& x, const Shape& dims, bool unbiased, bool keepdim) {
  return var_like("var", x, dims, unbiased, keepdim, false);
}
Tensor native::std(const Tensor& x, bool unbiased) { return var_like("std", x, {}, unbiased, false, true); }
Tensor native::std(const Tensor& x, const Shape& dims, bool unbiased, bool keepdim) {
  return var_like("std", x, dims, unbiased, keepdim, true);
}

Tensor native::norm(const Tensor& x, const Scalar& p) { return native::norm(x, p, Shape{}, false); }

// p = 2 (the default), 1, +-inf, 0 (the count of nonzeros) or any other real.  The norm of an
// empty reduction is 0 for every p, as torch.  float32 accumulates in double, so unlike torch
// the 2-norm of float32 values near 1e30 does not overflow to inf.
Tensor native::norm(const Tensor& x, const std::optional<Scalar>& p, const Shape& dims, bool keepdim) {
  check_floating(x, "norm", "norm needs a floating point input");
  ReduceParams params;
  params.p = p ? p->toDouble() : 2.0;
  CONVIS_CHECK(!std::isnan(params.p), "norm", "expected an order p that is a number or +-inf, got nan");
  DimMask mask = detail::reduce_mask(x, dims, "norm");
  return detail::run_reduce({OpKind::norm, x.dtype(), params}, x, mask, keepdim);
}

// An empty `dims` reduces over every dim (torch 1.13 fails on logsumexp(x, {}) with a
// broadcast error, which we take for a bug rather than a behaviour to copy).
Tensor native::logsumexp(const Tensor& x, const Shape& dims, bool keepdim) {
  detail::check_defined(x, "logsumexp");
  DimMask mask = detail::reduce_mask(x, dims, "logsumexp");
  DType dt = x.is_floating_point() ? x.scalar_type() : get_default_dtype();
  return detail::run_reduce({OpKind::logsumexp, dt}, native::to(x, dt), mask, keepdim);
}

Tensor native::softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  return softmax_like(OpKind::softmax, "softmax", x, dim, dtype);
}
Tensor native::log_softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  return softmax_like(OpKind::log_softmax, "log_softmax", x, dim, dtype);
}

// ---- Tensor methods: forward to the free functions ----

}  // namespace convis
