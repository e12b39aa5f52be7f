// core/native/reduce.cpp: sum, mean, prod, amax, amin, max, min, argmax, argmin, cumsum, all,
// any.  The differentiable ones are defined here as native:: (compute only, core/native/reduce.h);
// the public versions in autograd/ops/reduce.cpp call them and record their backward.  Each checks its arguments, picks the result dtype as LibTorch 1.13 does, casts the
// input to the dtype the kernel computes in, and runs the kernel through run_reduce
// (core/native/reduce_plan.h).  var, std, norm, logsumexp, softmax and log_softmax are in
// core/native/reduce_float.cpp.
//
// Note [Reduction dtypes]
// As torch: sum, prod and cumsum of bool or int64 give int64, of floats the same float;
// a `dtype` argument casts the input first and is the result's dtype (so sum(dtype=kBool)
// is "any nonzero").  mean needs a floating input or a floating `dtype` (torch: "could not
// infer output dtype").  amax, amin, max and min keep the dtype (bool included); argmax and
// argmin give int64 and reject bool (torch has no bool kernel for them).  all and any take
// any dtype and give kBool.
#include "convis/core/factory.h"
#include "convis/core/native/reduce.h"
#include "convis/core/ops.h"
#include "convis/core/native/reduce_plan.h"
#include "convis/core/native/view.h"

namespace convis {

using detail::DimMask;

namespace {

// The dtype sum, prod and cumsum compute and return in (see Note [Reduction dtypes]).
DType accumulate_dtype(const Tensor& x, std::optional<DType> dtype) {
  if (dtype) return *dtype;
  return is_integral(x.dtype(), /*include_bool=*/true) ? kInt64 : x.scalar_type();
}

// A sum of bool into int64 counts in the kernel, reading the bools where they are: casting
// first made an int64 copy eight times the input's size (17 GB for 2^31 bools).
Tensor sum_like(OpKind op, const Tensor& x, const DimMask& mask, bool keepdim, std::optional<DType> dtype) {
  DType dt = accumulate_dtype(x, dtype);
  if (op == OpKind::sum && x.dtype() == kBool && dt == kInt64) {
    ReduceParams count;
    count.count_into_int64 = true;
    return detail::run_reduce({op, kInt64, count}, x, mask, keepdim);
  }
  return detail::run_reduce({op, dt}, native::to(x, dt), mask, keepdim);
}

Tensor extreme(OpKind op, const char* name, const Tensor& x, const Shape& dims, bool keepdim) {
  detail::check_defined(x, name);
  DimMask mask = detail::reduce_mask(x, dims, name);
  detail::check_nonempty_reduction(x, mask, dims.empty(), name);
  return detail::run_reduce({op, x.dtype()}, x, mask, keepdim);
}

std::tuple<Tensor, Tensor> extreme_with_index(OpKind op, const char* name, const Tensor& x, int64_t dim,
                                              bool keepdim) {
  detail::check_defined(x, name);
  DimMask mask = detail::single_dim_mask(x, dim, name);
  detail::check_nonempty_reduction(x, mask, false, name);
  return detail::run_arg_reduce(op, x, mask, keepdim, /*with_values=*/true);
}

Tensor arg_extreme(OpKind op, const char* name, const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  detail::check_defined(x, name);
  CONVIS_CHECK(x.dtype() != kBool, name, "expected a tensor of dtype int64, float32 or float64 (torch has no {} "
               "for bool), got dtype bool", name);
  DimMask mask = dim ? detail::single_dim_mask(x, *dim, name) : detail::reduce_mask(x, {}, name);
  detail::check_nonempty_reduction(x, mask, !dim.has_value(), name);
  return std::get<1>(detail::run_arg_reduce(op, x, mask, keepdim, /*with_values=*/false));
}

}  // namespace

Tensor native::sum(const Tensor& x, std::optional<DType> dtype) { return native::sum(x, Shape{}, false, dtype); }

Tensor native::sum(const Tensor& x, const Shape& dims, bool keepdim, std::optional<DType> dtype) {
  detail::check_defined(x, "sum");
  return sum_like(OpKind::sum, x, detail::reduce_mask(x, dims, "sum"), keepdim, dtype);
}

Tensor native::mean(const Tensor& x, std::optional<DType> dtype) { return native::mean(x, Shape{}, false, dtype); }

Tensor native::mean(const Tensor& x, const Shape& dims, bool keepdim, std::optional<DType> dtype) {
  detail::check_defined(x, "mean");
  if (dtype) {
    CONVIS_CHECK(is_floating_point(*dtype), "mean",
                 "expected a floating point dtype argument (mean() could not infer the output dtype), got {}",
                 dtype_name(*dtype));
  } else {
    CONVIS_CHECK(x.is_floating_point(), "mean",
                 "expected a floating point input or a floating point dtype argument (mean() could not infer "
                 "the output dtype), got an input of dtype {}",
                 dtype_name(x.dtype()));
  }
  DType dt = dtype.value_or(x.dtype());
  DimMask mask = detail::reduce_mask(x, dims, "mean");
  ReduceParams params;
  params.divisor = double(detail::reduced_numel(x, mask));  // 0 for an empty reduction: 0 / 0 = nan
  return detail::run_reduce({OpKind::sum, dt, params}, native::to(x, dt), mask, keepdim);
}

Tensor native::prod(const Tensor& x, std::optional<DType> dtype) {
  detail::check_defined(x, "prod");
  return sum_like(OpKind::prod, x, detail::reduce_mask(x, {}, "prod"), false, dtype);
}

Tensor native::prod(const Tensor& x, int64_t dim, bool keepdim, std::optional<DType> dtype) {
  detail::check_defined(x, "prod");
  return sum_like(OpKind::prod, x, detail::single_dim_mask(x, dim, "prod"), keepdim, dtype);
}

Tensor native::amax(const Tensor& x, const Shape& dims, bool keepdim) { return extreme(OpKind::amax, "amax", x, dims, keepdim); }
Tensor native::amin(const Tensor& x, const Shape& dims, bool keepdim) { return extreme(OpKind::amin, "amin", x, dims, keepdim); }
Tensor native::max(const Tensor& x) { return extreme(OpKind::amax, "max", x, {}, false); }
Tensor native::min(const Tensor& x) { return extreme(OpKind::amin, "min", x, {}, false); }

std::tuple<Tensor, Tensor> native::max(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_with_index(OpKind::argmax, "max", x, dim, keepdim);
}
std::tuple<Tensor, Tensor> native::min(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_with_index(OpKind::argmin, "min", x, dim, keepdim);
}

Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_extreme(OpKind::argmax, "argmax", x, dim, keepdim);
}
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_extreme(OpKind::argmin, "argmin", x, dim, keepdim);
}

Tensor native::cumsum(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  detail::check_defined(x, "cumsum");
  DType dt = accumulate_dtype(x, dtype);
  CONVIS_CHECK(dt != kBool, "cumsum", "expected a result dtype of int64, float32 or float64 (torch has no bool "
               "cumsum), got dtype bool");
  detail::single_dim_mask(x, dim, "cumsum");  // checks dim before the cast
  return detail::run_scan(OpKind::cumsum, native::to(x, dt), dim, "cumsum");
}

Tensor all(const Tensor& x) {
  detail::check_defined(x, "all");
  return detail::run_reduce({OpKind::all, kBool}, x, detail::reduce_mask(x, {}, "all"), false);
}
Tensor all(const Tensor& x, int64_t dim, bool keepdim) {
  detail::check_defined(x, "all");
  return detail::run_reduce({OpKind::all, kBool}, x, detail::single_dim_mask(x, dim, "all"), keepdim);
}
Tensor any(const Tensor& x) {
  detail::check_defined(x, "any");
  return detail::run_reduce({OpKind::any, kBool}, x, detail::reduce_mask(x, {}, "any"), false);
}
Tensor any(const Tensor& x, int64_t dim, bool keepdim) {
  detail::check_defined(x, "any");
  return detail::run_reduce({OpKind::any, kBool}, x, detail::single_dim_mask(x, dim, "any"), keepdim);
}

// ---- Tensor methods: forward to the free functions ----
Tensor Tensor::argmax(std::optional<int64_t> dim, bool keepdim) const { return convis::argmax(*this, dim, keepdim); }
Tensor Tensor::argmin(std::optional<int64_t> dim, bool keepdim) const { return convis::argmin(*this, dim, keepdim); }
Tensor Tensor::all() const { return convis::all(*this); }
Tensor Tensor::all(int64_t dim, bool keepdim) const { return convis::all(*this, dim, keepdim); }
Tensor Tensor::any() const { return convis::any(*this); }
Tensor Tensor::any(int64_t dim, bool keepdim) const { return convis::any(*this, dim, keepdim); }

}  // namespace convis
