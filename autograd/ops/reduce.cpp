// autograd/ops/reduce.cpp: the public differentiable reductions and scans, forward and backward
// side by side.  The indexing ops of this family are in autograd/ops/index.cpp.
//
// Table of derivatives.  g is the gradient of the result, "restored": the reduced dims put
// back as size 1 when keepdim is false (G = g restored and expanded to x's shape); N is the
// number of elements folded into each result; y is the result (restored the same way).
//   sum(x, dims)              x: G
//   mean(x, dims)             x: G / N
//   prod(x[, dim])            x: G * (product of the other elements)     Note [prod backward]
//   amax, amin(x, dims)       x: G * (x == y) / count(x == y)            ties share evenly
//   max(x), min(x)            x: the same over all elements               (as torch 1.13)
//   max, min(x, dim).values   x: zeros(x).scatter(dim, indices, g)       to the returned index
//   var(x, dims, c)           x: G * 2 (x - mean(x, dims)) / (N - c)
//   std(x, dims, c)           x: var's formula with g / (2 y); 0 where y == 0
//   norm(x, p, dims)          x: p = 2: G x / y (0 where y == 0); p = 1: G sign(x);
//                                p = +-inf: sign(x) G (|x| == y) / count; p = 0: none;
//                                other p: G sign(x) |x|^(p-1) / y^(p-1) (torch's norm_backward)
//   logsumexp(x, dims)        x: G * exp(x - y)
//   softmax(x, dim)           x: y * (g - sum(g * y, dim))
//   log_softmax(x, dim)       x: g - exp(y) * sum(g, dim)
//   cumsum(x, dim)            x: flip(cumsum(flip(g, dim), dim), dim)
// Every formula is written with public ops, so it is differentiable itself (create_graph).
// Results that are not floating point (sum of an int64 tensor, a dtype=kInt64 argument)
// never require grad, as in LibTorch.
#include <cmath>

#include "convis/autograd/ops/op_list.h"
#include "convis/autograd/record.h"
#include "convis/core/factory.h"
#include "convis/core/native/reduce.h"
#include "convis/core/ops.h"
#include "convis/core/native/reduce_plan.h"

namespace convis {

using autograd::FunctionNode;
using autograd::variable_list;
using detail::DimMask;

namespace {

bool should_record(const Tensor& x, const Tensor& y) {
  return y.is_floating_point() && autograd::any_requires_grad({&x});
}

// The reduced dims of a mask, as a dims list for sum / mean (empty for a 0-dim input, which
// those read as "all dims": the same single element).
Shape mask_dims(const DimMask& mask) {
  Shape dims;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) dims.push_back(int64_t(d));
  return dims;
}

// A result (or its gradient) with the reduced dims back as size 1 (a no-op for keepdim).
Tensor restore_dims(const Tensor& r, const DimMask& mask, bool keepdim) {
  if (keepdim) return r;
  Tensor out = r;
  for (size_t d = 0; d < mask.size(); ++d)
    if (mask[d]) out = out.unsqueeze(int64_t(d));
  return out;
}

// sum and mean: G / divisor.
void record_sum_like(const char* name, const Tensor& x, Tensor& y, const DimMask& mask, bool keepdim,
                     double divisor) {
  autograd::record({name, {&x}, {},
                    [sizes = x.sizes(), mask, keepdim, divisor](FunctionNode&, const variable_list& g) {
                      Tensor grad = restore_dims(g[0], mask, keepdim).expand(sizes);
                      return variable_list{divisor == 1.0 ? grad : grad / divisor};
                    }},
                   {&y});
}

Tensor sum_impl(const char* name, const Tensor& x, Tensor y, const Shape& dims, bool keepdim) {
  if (should_record(x, y)) record_sum_like(name, x, y, detail::reduce_mask(x, dims, "sum"), keepdim, 1.0);
  return y;
}

Tensor mean_impl(const char* name, const Tensor& x, Tensor y, const Shape& dims, bool keepdim) {
  if (!should_record(x, y)) return y;
  DimMask mask = detail::reduce_mask(x, dims, "mean");
  record_sum_like(name, x, y, mask, keepdim, double(detail::reduced_numel(x, mask)));
  return y;
}

}  // namespace

Tensor sum(const Tensor& x, std::optional<DType> dtype) {
  return sum_impl("SumBackward0", x, native::sum(x, dtype), {}, false);
}
Tensor sum(const Tensor& x, const Shape& dims, bool keepdim, std::optional<DType> dtype) {
  return sum_impl("SumBackward1", x, native::sum(x, dims, keepdim, dtype), dims, keepdim);
}
Tensor mean(const Tensor& x, std::optional<DType> dtype) {
  return mean_impl("MeanBackward0", x, native::mean(x, dtype), {}, false);
}
Tensor mean(const Tensor& x, const Shape& dims, bool keepdim, std::optional<DType> dtype) {
  return mean_impl("MeanBackward1", x, native::mean(x, dims, keepdim, dtype), dims, keepdim);
}

// ---- prod ----

namespace {

// Note [prod backward]
// d prod(x) / d x_i is the product of the other elements.  Without zeros that is y / x_i,
// which LibTorch uses; with a zero it is not (0 / 0), so we form the exclusive products
// directly, as a product tree: pad the dim to a power of two with ones, then at block sizes
// s = 1, 2, 4, ... multiply each block's running exclusive product by the product of its
// sibling block.  log2(n) rounds of public ops (mul, prod over pairs, flip), each a product
// of the actual entries, so its derivatives of every order are right at zeros too (where
// LibTorch's own formula gives up for two or more zeros).
Tensor exclusive_prod(const Tensor& x, int64_t dim) {
  Tensor t = x.transpose(dim, -1);
  Shape lead(t.sizes().begin(), t.sizes().end() - 1);
  const int64_t n = t.size(-1);
  int64_t len = 1;
  while (len < n) len *= 2;
  if (len > n) {
    Shape pad = lead;
    pad.push_back(len - n);
    t = cat({t, ones(pad, t.options())}, -1);
  }
  Tensor excl = ones(t.sizes(), t.options()), block = t;  // block: the product of each block
  for (int64_t s = 1; s < len; s *= 2) {
    Shape pairs = lead, quads = lead;
    for (int64_t v : {len / (2 * s), int64_t(2)}) pairs.push_back(v);
    for (int64_t v : {len / (2 * s), int64_t(2), s}) quads.push_back(v);
    Tensor b = block.reshape(pairs);
    excl = (excl.reshape(quads) * b.flip({-1}).unsqueeze(-1)).reshape(t.sizes());
    block = b.prod(-1);
  }
  return excl.narrow(-1, 0, n).transpose(dim, -1);
}

// g and y restored to keepdim shape; dim: the reduced dim of x.
Tensor prod_backward(const Tensor& g, const Tensor& x, const Tensor& y, int64_t dim) {
  if (!x.eq(0).any().item<bool>()) return g * y / x;
  return g * exclusive_prod(x, dim);
}

void record_prod(const char* name, const Tensor& x, Tensor& y, std::optional<int64_t> dim, bool keepdim) {
  auto backward = [dim, keepdim](FunctionNode& n, const variable_list& g) {
    Tensor x = n.saved("self"), y = n.saved("result");
    if (x.dim() == 0) return variable_list{g[0]};
    if (!dim) {  // all elements: the flat tensor along dim 0
      Tensor flat = x.reshape({-1});
      return variable_list{prod_backward(g[0].reshape({1}), flat, y.reshape({1}), 0).reshape(x.sizes())};
    }
    Tensor gk = keepdim ? g[0] : g[0].unsqueeze(*dim), yk = keepdim ? y : y.unsqueeze(*dim);
    return variable_list{prod_backward(gk, x, yk, *dim)};
  };
  autograd::record({name, {&x}, {{"self", x}}, backward, "result"}, {&y});
}

}  // namespace

Tensor prod(const Tensor& x, std::optional<DType> dtype) {
  Tensor y = native::prod(x, dtype);
  if (should_record(x, y)) record_prod("ProdBackward0", x, y, std::nullopt, false);
  return y;
}
Tensor prod(const Tensor& x, int64_t dim, bool keepdim, std::optional<DType> dtype) {
  Tensor y = native::prod(x, dim, keepdim, dtype);
  if (should_record(x, y)) {
    std::optional<int64_t> d;
    if (x.dim() > 0) d = normalize_dim(dim, x.dim(), "prod");
    record_prod("ProdBackward1", x, y, d, keepdim);
  }
  return y;
}

// ---- amax, amin, max, min ----

namespace {

// The gradient shared evenly among the elements equal to the extreme (LibTorch's
// scale_grad_by_count / evenly_distribute_backward).
void record_evenly(const char* name, const Tensor& x, Tensor& y, const DimMask& mask, bool keepdim) {
  auto backward = [mask, keepdim](FunctionNode& n, const variable_list& g) {
    Tensor x = n.saved("self"), y = restore_dims(n.saved("result"), mask, keepdim);
    Tensor hit = x.eq(y);
    Tensor count = hit.sum(mask_dims(mask), /*keepdim=*/true);
    return variable_list{restore_dims(g[0], mask, keepdim) / count * hit};
  };
  autograd::record({name, {&x}, {{"self", x}}, backward, "result"}, {&y});
}

Tensor extreme(const char* name, const Tensor& x, Tensor y, const Shape& dims, bool keepdim) {
  if (should_record(x, y)) record_evenly(name, x, y, detail::reduce_mask(x, dims, "amax"), keepdim);
  return y;
}

std::tuple<Tensor, Tensor> extreme_with_index(const char* name, const Tensor& x, std::tuple<Tensor, Tensor> r,
                                              int64_t dim, bool keepdim) {
  auto& [values, indices] = r;
  if (!should_record(x, values)) return r;
  const int64_t d = x.dim() == 0 ? 0 : normalize_dim(dim, x.dim(), name);
  auto backward = [d, keepdim, sizes = x.sizes()](FunctionNode& n, const variable_list& g) {
    if (sizes.empty()) return variable_list{g[0]};
    Tensor idx = n.saved("indices");
    Tensor gk = keepdim ? g[0] : g[0].unsqueeze(d);
    Tensor ik = keepdim ? idx : idx.unsqueeze(d);
    return variable_list{zeros(sizes, gk.options()).scatter(d, ik, gk)};
  };
  autograd::record({name, {&x}, {{"indices", indices}}, backward}, {&values});
  return r;
}

}  // namespace

Tensor amax(const Tensor& x, const Shape& dims, bool keepdim) {
  return extreme("AmaxBackward0", x, native::amax(x, dims, keepdim), dims, keepdim);
}
Tensor amin(const Tensor& x, const Shape& dims, bool keepdim) {
  return extreme("AminBackward0", x, native::amin(x, dims, keepdim), dims, keepdim);
}
Tensor max(const Tensor& x) { return extreme("MaxBackward1", x, native::max(x), {}, false); }
Tensor min(const Tensor& x) { return extreme("MinBackward1", x, native::min(x), {}, false); }
std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_with_index("MaxBackward0", x, native::max(x, dim, keepdim), dim, keepdim);
}
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return extreme_with_index("MinBackward0", x, native::min(x, dim, keepdim), dim, keepdim);
}

// ---- var, std ----

namespace {

// var's gradient for a restored (keepdim-shaped) g.
Tensor var_backward(const Tensor& g, const Tensor& x, const DimMask& mask, double n_minus_c) {
  return g * (x - x.mean(mask_dims(mask), /*keepdim=*/true)) * (2.0 / n_minus_c);
}

Tensor var_like(const char* name, const Tensor& x, Tensor y, const Shape& dims, bool unbiased, bool keepdim,
                bool is_std) {
  if (!should_record(x, y)) return y;
  DimMask mask = detail::reduce_mask(x, dims, name);
  const double n_minus_c = double(detail::reduced_numel(x, mask)) - (unbiased ? 1.0 : 0.0);
  auto backward = [mask, keepdim, n_minus_c, is_std](FunctionNode& n, const variable_list& g) {
    Tensor gk = restore_dims(g[0], mask, keepdim);
    if (is_std) {
      Tensor yk = restore_dims(n.saved("result"), mask, keepdim);
      gk = (gk / (yk * 2)).masked_fill(yk.eq(0), 0);
    }
    return variable_list{var_backward(gk, n.saved("self"), mask, n_minus_c)};
  };
  autograd::record({is_std ? "StdBackward0" : "VarBackward0", {&x}, {{"self", x}}, backward,
                    is_std ? "result" : nullptr},
                   {&y});
  return y;
}

}  // namespace

Tensor var(const Tensor& x, bool unbiased) { return var_like("var", x, native::var(x, unbiased), {}, unbiased, false, false); }
Tensor var(const Tensor& x, const Shape& dims, bool unbiased, bool keepdim) {
  return var_like("var", x, native::var(x, dims, unbiased, keepdim), dims, unbiased, keepdim, false);
}
Tensor std(const Tensor& x, bool unbiased) { return var_like("std", x, native::std(x, unbiased), {}, unbiased, false, true); }
Tensor std(const Tensor& x, const Shape& dims, bool unbiased, bool keepdim) {
  return var_like("std", x, native::std(x, dims, unbiased, keepdim), dims, unbiased, keepdim, true);
}

// ---- norm ----

namespace {

// LibTorch 1.13's norm_backward; g and y restored to keepdim shape.
Tensor norm_backward(const Tensor& g, const Tensor& x, const Tensor& y, double p, const DimMask& mask) {
  if (p == 0.0) return Tensor();
  if (p == 1.0) return sign(x) * g;
  if (p == 2.0) return g * (x / y).masked_fill(y.eq(0), 0);
  if (std::isinf(p)) {
    Tensor ax = abs(x);
    Tensor hit = logical_or(ax.eq(y), isnan(ax));
    return sign(x) * (g / hit.sum(mask_dims(mask), /*keepdim=*/true) * hit);
  }
  if (p < 1.0) return sign(x) * abs(x).pow(p - 1).masked_fill(x.eq(0), 0) * g * y.pow(1 - p);
  Tensor scale = (g / y.pow(p - 1)).masked_fill(y.eq(0), 0);
  if (p < 2.0) return sign(x) * abs(x).pow(p - 1) * scale;
  return x * abs(x).pow(p - 2) * scale;
}

Tensor norm_impl(const char* name, const Tensor& x, Tensor y, double p, const Shape& dims, bool keepdim) {
  if (!should_record(x, y)) return y;
  DimMask mask = detail::reduce_mask(x, dims, "norm");
  auto backward = [p, mask, keepdim](FunctionNode& n, const variable_list& g) {
    return variable_list{norm_backward(restore_dims(g[0], mask, keepdim), n.saved("self"),
                                       restore_dims(n.saved("result"), mask, keepdim), p, mask)};
  };
  autograd::record({name, {&x}, {{"self", x}}, backward, "result"}, {&y});
  return y;
}

}  // namespace

Tensor norm(const Tensor& x, const Scalar& p) {
  return norm_impl("NormBackward0", x, native::norm(x, p), p.toDouble(), {}, false);
}
Tensor norm(const Tensor& x, const std::optional<Scalar>& p, const Shape& dims, bool keepdim) {
  return norm_impl("NormBackward1", x, native::norm(x, p, dims, keepdim), p ? p->toDouble() : 2.0, dims, keepdim);
}

// ---- logsumexp, softmax, log_softmax, cumsum ----

Tensor logsumexp(const Tensor& x, const Shape& dims, bool keepdim) {
  Tensor y = native::logsumexp(x, dims, keepdim);
  if (!should_record(x, y)) return y;
  DimMask mask = detail::reduce_mask(x, dims, "logsumexp");
  auto backward = [mask, keepdim](FunctionNode& n, const variable_list& g) {
    Tensor yk = restore_dims(n.saved("result"), mask, keepdim);
    return variable_list{restore_dims(g[0], mask, keepdim) * exp(n.saved("self") - yk)};
  };
  autograd::record({"LogsumexpBackward0", {&x}, {{"self", x}}, backward, "result"}, {&y});
  return y;
}

Tensor softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  Tensor y = native::softmax(x, dim, dtype);
  if (!should_record(x, y)) return y;
  auto backward = [dim](FunctionNode& n, const variable_list& g) {
    Tensor y = n.saved("result");
    return variable_list{y * (g[0] - (g[0] * y).sum({dim}, /*keepdim=*/true))};
  };
  autograd::record({"SoftmaxBackward0", {&x}, {}, backward, "result"}, {&y});
  return y;
}

Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  Tensor y = native::log_softmax(x, dim, dtype);
  if (!should_record(x, y)) return y;
  auto backward = [dim](FunctionNode& n, const variable_list& g) {
    return variable_list{g[0] - exp(n.saved("result")) * g[0].sum({dim}, /*keepdim=*/true)};
  };
  autograd::record({"LogSoftmaxBackward0", {&x}, {}, backward, "result"}, {&y});
  return y;
}

Tensor cumsum(const Tensor& x, int64_t dim, std::optional<DType> dtype) {
  Tensor y = native::cumsum(x, dim, dtype);
  if (!should_record(x, y)) return y;
  autograd::record({"CumsumBackward0", {&x}, {}, [dim](FunctionNode&, const variable_list& g) {
                      if (g[0].dim() == 0) return variable_list{g[0]};
                      return variable_list{g[0].flip({dim}).cumsum(dim).flip({dim})};
                    }},
                   {&y});
  return y;
}

// ---- the Tensor methods of this family: each forwards to the free function above ----

Tensor Tensor::sum(std::optional<DType> dtype) const { return convis::sum(*this, dtype); }
Tensor Tensor::sum(const Shape& dims, bool keepdim, std::optional<DType> dtype) const {
  return convis::sum(*this, dims, keepdim, dtype);
}
Tensor Tensor::mean(std::optional<DType> dtype) const { return convis::mean(*this, dtype); }
Tensor Tensor::mean(const Shape& dims, bool keepdim, std::optional<DType> dtype) const {
  return convis::mean(*this, dims, keepdim, dtype);
}
Tensor Tensor::prod(std::optional<DType> dtype) const { return convis::prod(*this, dtype); }
Tensor Tensor::prod(int64_t dim, bool keepdim, std::optional<DType> dtype) const {
  return convis::prod(*this, dim, keepdim, dtype);
}
Tensor Tensor::amax(const Shape& dims, bool keepdim) const { return convis::amax(*this, dims, keepdim); }
Tensor Tensor::amin(const Shape& dims, bool keepdim) const { return convis::amin(*this, dims, keepdim); }
Tensor Tensor::max() const { return convis::max(*this); }
Tensor Tensor::min() const { return convis::min(*this); }
std::tuple<Tensor, Tensor> Tensor::max(int64_t dim, bool keepdim) const { return convis::max(*this, dim, keepdim); }
std::tuple<Tensor, Tensor> Tensor::min(int64_t dim, bool keepdim) const { return convis::min(*this, dim, keepdim); }
Tensor Tensor::cumsum(int64_t dim, std::optional<DType> dtype) const { return convis::cumsum(*this, dim, dtype); }
Tensor Tensor::var(bool unbiased) const { return convis::var(*this, unbiased); }
Tensor Tensor::var(const Shape& dims, bool unbiased, bool keepdim) const {
  return convis::var(*this, dims, unbiased, keepdim);
}
Tensor Tensor::std(bool unbiased) const { return convis::std(*this, unbiased); }
Tensor Tensor::std(const Shape& dims, bool unbiased, bool keepdim) const {
  return convis::std(*this, dims, unbiased, keepdim);
}
Tensor Tensor::norm(const Scalar& p) const { return convis::norm(*this, p); }
Tensor Tensor::norm(const std::optional<Scalar>& p, const Shape& dims, bool keepdim) const {
  return convis::norm(*this, p, dims, keepdim);
}
Tensor Tensor::logsumexp(const Shape& dims, bool keepdim) const { return convis::logsumexp(*this, dims, keepdim); }
Tensor Tensor::softmax(int64_t dim, std::optional<DType> dtype) const { return convis::softmax(*this, dim, dtype); }
Tensor Tensor::log_softmax(int64_t dim, std::optional<DType> dtype) const {
  return convis::log_softmax(*this, dim, dtype);
}

}  // namespace convis

namespace convis::autograd {

const std::vector<std::string>& reduce_differentiable_ops() {
  static const std::vector<std::string> ops = {
      "sum",         "mean",   "prod",         "amax",        "amin",      "max",        "min",
      "var",         "std",    "norm",         "logsumexp",   "softmax",   "log_softmax", "cumsum",
      "index_select", "gather", "scatter",     "scatter_add", "index_add", "index",      "index_put_",
      "scatter_",    "scatter_add_", "index_add_"};
  return ops;
}

}  // namespace convis::autograd
