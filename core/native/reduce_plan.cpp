// core/native/reduce_plan.cpp: from tensors and dims to ReduceArgs (see Note [Reduce args]).
#include "convis/core/native/reduce_plan.h"

#include <algorithm>
#include <limits>

#include "convis/core/factory.h"
#include "convis/core/native/view.h"

namespace convis::detail {

DimMask reduce_mask(const Tensor& x, const Shape& dims, const char* op) {
  DimMask mask(size_t(x.dim()), dims.empty());
  for (int64_t d : normalize_dims(dims, x.dim(), op))
    if (x.dim() > 0) mask[size_t(d)] = true;
  return mask;
}

DimMask single_dim_mask(const Tensor& x, int64_t dim, const char* op) {
  int64_t d = normalize_dim(dim, x.dim(), op);
  DimMask mask(size_t(x.dim()), false);
  if (x.dim() > 0) mask[size_t(d)] = true;
  return mask;
}

int64_t reduced_numel(const Tensor& x, const DimMask& mask) {
  int64_t n = 1;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) n *= x.sizes()[d];
  return n;
}

Shape reduced_shape(const Tensor& x, const DimMask& mask, bool keepdim) {
  Shape out;
  for (size_t d = 0; d < mask.size(); ++d) {
    if (!mask[d]) out.push_back(x.sizes()[d]);
    else if (keepdim) out.push_back(1);
  }
  return out;
}

void check_defined(const Tensor& x, const char* op) {
  CONVIS_CHECK(x.defined(), op, "expected a defined tensor, got an undefined Tensor()");
}

void check_nonempty_reduction(const Tensor& x, const DimMask& mask, bool all_dims, const char* op) {
  CONVIS_CHECK(!all_dims || x.numel() > 0, op,
               "expected a reduction dim to be specified for an input with numel() == 0 (specify the reduction "
               "dim with the 'dim' argument), got a tensor of shape {}",
               x.sizes());
  for (size_t d = 0; d < mask.size(); ++d)
    CONVIS_CHECK(!mask[d] || x.sizes()[d] > 0, op,
                 "expected reduction dim {} to have non-zero size, got a tensor of shape {}", d, x.sizes());
}

namespace {

struct LoopDim {
  int64_t size, in_stride, out_stride;
};

// Merges neighbours that step evenly (the outer one's stride = the inner one's stride x
// its size) in the input and, if `check_out`, in the output too.
std::vector<LoopDim> coalesce(const std::vector<LoopDim>& dims, bool check_out) {
  std::vector<LoopDim> out;
  for (const LoopDim& d : dims) {
    if (!out.empty()) {
      LoopDim& prev = out.back();
      bool in_ok = prev.in_stride == d.in_stride * d.size;
      bool out_ok = !check_out || prev.out_stride == d.out_stride * d.size;
      if (in_ok && out_ok) {
        prev = {prev.size * d.size, d.in_stride, d.out_stride};
        continue;
      }
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace

ReduceArgs make_reduce_args(const Tensor& in, const DimMask& mask, const Tensor& out, bool keep_order) {
  CONVIS_ASSERT(out.dim() == in.dim(), "reduce output rank {} != input rank {}", out.dim(), in.dim());
  std::vector<LoopDim> outer, inner;
  for (int64_t d = 0; d < in.dim(); ++d) {
    if (in.size(d) == 1) continue;  // moves no pointer
    LoopDim ld{in.size(d), in.stride(d), out.stride(d)};
    (mask[size_t(d)] ? inner : outer).push_back(ld);
  }
  if (!keep_order) {
    // Largest stride outermost; a broadcast dim (stride 0) outermost of all, so the tight
    // loop never re-reads one element.
    auto key = [](const LoopDim& d) {
      return d.in_stride == 0 ? std::numeric_limits<int64_t>::max() : std::abs(d.in_stride);
    };
    std::stable_sort(inner.begin(), inner.end(), [&](const LoopDim& a, const LoopDim& b) { return key(a) > key(b); });
  }
  outer = coalesce(outer, true);
  inner = coalesce(inner, false);
  CONVIS_CHECK(outer.size() <= size_t(ReduceArgs::kMaxDims) && inner.size() <= size_t(ReduceArgs::kMaxDims),
               "reduce", "expected at most {} kept and {} reduced dims after merging, got a tensor of shape {}",
               ReduceArgs::kMaxDims, ReduceArgs::kMaxDims, in.sizes());

  ReduceArgs a;
  a.in = in.data_ptr();
  a.out = out.data_ptr();
  a.outer_ndim = int(outer.size());
  for (size_t k = 0; k < outer.size(); ++k) {
    a.outer_sizes[k] = outer[k].size;
    a.in_outer_strides[k] = outer[k].in_stride;
    a.out_outer_strides[k] = outer[k].out_stride;
  }
  a.inner_ndim = int(inner.size());
  for (size_t k = 0; k < inner.size(); ++k) {
    a.inner_sizes[k] = inner[k].size;
    a.in_inner_strides[k] = inner[k].in_stride;
  }
  if (!inner.empty()) a.out_inner_stride = inner.back().out_stride;
  return a;
}

namespace {

ReduceKernel* reduce_kernel(OpKind op, const Tensor& in) {
  return find_kernel<ReduceKernel>(op, in.device().type(), in.dtype());
}

}  // namespace

Tensor run_reduce(const ReduceCall& call, const Tensor& in, const DimMask& mask, bool keepdim) {
  ReduceKernel* fn = reduce_kernel(call.op, in);
  Tensor out = empty(reduced_shape(in, mask, true), TensorOptions(call.out_dtype).device(in.device()));
  ReduceArgs a = make_reduce_args(in, mask, out, /*keep_order=*/false);
  a.params = call.params;
  fn(a);
  return keepdim ? out : native::view(out, reduced_shape(in, mask, false));
}

std::tuple<Tensor, Tensor> run_arg_reduce(OpKind op, const Tensor& in, const DimMask& mask, bool keepdim,
                                          bool with_values) {
  ReduceKernel* fn = reduce_kernel(op, in);
  const Shape kept = reduced_shape(in, mask, true);
  Tensor index = empty(kept, TensorOptions(kInt64).device(in.device()));
  Tensor values = with_values ? empty(kept, TensorOptions(in.dtype()).device(in.device())) : Tensor();
  ReduceArgs a = make_reduce_args(in, mask, index, /*keep_order=*/true);  // values has index's strides
  a.out = with_values ? values.data_ptr() : nullptr;
  a.out_index = index.data_ptr<int64_t>();
  fn(a);
  if (keepdim) return {values, index};
  const Shape dropped = reduced_shape(in, mask, false);
  return {with_values ? native::view(values, dropped) : values, native::view(index, dropped)};
}

Tensor run_scan(OpKind op, const Tensor& in, int64_t dim, const char* name) {
  ReduceKernel* fn = reduce_kernel(op, in);
  DimMask mask = single_dim_mask(in, dim, name);
  Tensor out = empty(in.sizes(), TensorOptions(in.dtype()).device(in.device()));
  ReduceArgs a = make_reduce_args(in, mask, out, /*keep_order=*/true);
  fn(a);
  return out;
}

}  // namespace convis::detail
