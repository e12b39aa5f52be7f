// core/native/pool.cpp: max and average pooling (1-D, 2-D, 3-D) and their backward ops, all on
// the one 3-D kernel family (see Note [Every convolution is 3-D] and Note [Pooling windows
// as LibTorch's]).
//
//   max_pool2d(x [2, 3, 7, 8], /*kernel=*/3, /*stride=*/2, /*padding=*/1)   -> [2, 3, 4, 4]
//   avg_pool1d(x [3, 5], 2, 2, 0, /*ceil_mode=*/true)                       -> [3, 3]
//
// The forward ops and avg_poolNd_backward are compute-only here (core/native/linalg.h); the
// public ops record their backward in autograd/ops/pool.cpp.
//
// Note [Pooling output size]
// As LibTorch: out = floor((in + 2p - d(k - 1) - 1 + (ceil_mode ? s - 1 : 0)) / s) + 1, and
// with ceil_mode the last window must start inside the input or the left padding: when
// (out - 1) * s >= in + p, out is one less.
#include <tuple>

#include "convis/core/factory.h"
#include "convis/core/native/conv.h"
#include "convis/core/native/linalg.h"
#include "convis/core/native/pool.h"
#include "convis/core/ops.h"
#include "convis/kernels/conv.h"
#include "convis/kernels/dispatch.h"
#include "convis/core/native/view.h"

namespace convis {

namespace {


int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// See Note [Pooling output size].
int64_t pooled_size(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d, bool ceil_mode) {
  int64_t out = floor_div(in + 2 * p - d * (k - 1) - 1 + (ceil_mode ? s - 1 : 0), s) + 1;
  if (ceil_mode && (out - 1) * s >= in + p) --out;
  return out;
}

struct PoolOptions {
  Shape kernel, stride, padding, dilation;
  bool ceil_mode = false, count_include_pad = true;
};

// The batched geometry of pooling `x` with `sd` spatial dims, checked as LibTorch checks.
PoolGeometry pool_geometry(const char* op, int64_t sd, const Tensor& x, PoolOptions o) {
  CONVIS_CHECK(x.defined(), op, "expected a defined input, got an undefined Tensor()");
  CONVIS_CHECK(x.dim() == sd + 1 || x.dim() == sd + 2, op, "expected a {}-D (unbatched) or {}-D (batched) input, "
               "got a {}-D input of shape {}", sd + 1, sd + 2, x.dim(), x.sizes());
  for (int64_t d = x.dim() == sd + 2 ? 1 : 0; d < x.dim(); ++d)
    CONVIS_CHECK(x.size(d) > 0, op, "expected non-zero sizes in every dim but the batch dim, got input of shape {}",
                 x.sizes());
  CONVIS_CHECK(is_floating_point(x.dtype()), op, "expected a float32 or float64 input, got {}",
               dtype_name(x.dtype()));
  o.kernel = expand_spatial_param(op, "kernel_size", o.kernel, sd);
  o.stride = o.stride.empty() ? o.kernel : expand_spatial_param(op, "stride", o.stride, sd);
  o.padding = expand_spatial_param(op, "padding", o.padding, sd);
  o.dilation = expand_spatial_param(op, "dilation", o.dilation, sd);
  Shape out;
  for (size_t d = 0; d < size_t(sd); ++d) {
    CONVIS_CHECK(o.kernel[d] > 0, op, "expected a positive kernel size, got kernel_size={}", o.kernel);
    CONVIS_CHECK(o.stride[d] > 0, op, "expected a positive stride, got stride={}", o.stride);
    CONVIS_CHECK(o.dilation[d] > 0, op, "expected a positive dilation, got dilation={}", o.dilation);
    CONVIS_CHECK(o.padding[d] >= 0 && o.padding[d] <= o.kernel[d] / 2, op, "expected a padding between 0 and half "
                 "the kernel size, got padding={} and kernel_size={}", o.padding, o.kernel);
    const int64_t in = x.size(x.dim() - sd + int64_t(d));
    out.push_back(pooled_size(in, o.kernel[d], o.stride[d], o.padding[d], o.dilation[d], o.ceil_mode));
  }
  for (size_t d = 0; d < size_t(sd); ++d)
    CONVIS_CHECK(out[d] > 0, op, "expected an output of at least one element per spatial dim, got output size {} "
                 "for input {} (kernel_size={}, stride={}, padding={}, dilation={})", out, x.sizes(), o.kernel,
                 o.stride, o.padding, o.dilation);
  PoolGeometry g;
  g.planes = x.dim() == sd + 2 ? x.size(0) * x.size(1) : x.size(0);
  g.in_size = right_align3(Shape(x.sizes().end() - sd, x.sizes().end()), 1);
  g.out_size = right_align3(out, 1);
  g.kernel = right_align3(o.kernel, 1);
  g.stride = right_align3(o.stride, 1);
  g.padding = right_align3(o.padding, 0);
  g.dilation = right_align3(o.dilation, 1);
  g.count_include_pad = o.count_include_pad;
  return g;
}

Shape output_shape(const Tensor& x, int64_t sd, const PoolGeometry& g) {
  Shape s(x.sizes().begin(), x.sizes().end() - sd);
  for (int64_t d = 3 - sd; d < 3; ++d) s.push_back(g.out_size[size_t(d)]);
  return s;
}

std::tuple<Tensor, Tensor> max_pool_nd(const char* op, int64_t sd, const Tensor& x, const Shape& kernel,
                                       const Shape& stride, const Shape& padding, const Shape& dilation,
                                       bool ceil_mode) {
  PoolGeometry g = pool_geometry(op, sd, x, {kernel, stride, padding, dilation, ceil_mode, true});
  Shape shape = output_shape(x, sd, g);
  Tensor out = empty(shape, x.options()), indices = empty(shape, TensorOptions(kInt64).device(x.device()));
  if (out.numel() > 0) {
    Tensor xc = native::contiguous(x);
    PoolForwardArgs a{g, xc.data_ptr(), out.data_ptr(), indices.data_ptr<int64_t>()};
    find_kernel<OpKind::max_pool_forward>(x.device().type(), x.dtype())(a);
  }
  return {out, indices};
}

Tensor avg_pool_nd(const char* op, int64_t sd, const Tensor& x, const Shape& kernel, const Shape& stride,
                   const Shape& padding, bool ceil_mode, bool count_include_pad) {
  PoolGeometry g = pool_geometry(op, sd, x, {kernel, stride, padding, Shape{1}, ceil_mode, count_include_pad});
  Tensor out = empty(output_shape(x, sd, g), x.options());
  if (out.numel() > 0) {
    Tensor xc = native::contiguous(x);
    PoolForwardArgs a{g, xc.data_ptr(), out.data_ptr(), nullptr};
    find_kernel<OpKind::avg_pool_forward>(x.device().type(), x.dtype())(a);
  }
  return out;
}

void check_grad(const char* op, const Tensor& grad_output, const Tensor& input, const Shape& expected) {
  CONVIS_CHECK(grad_output.defined(), op, "expected a defined grad_output, got an undefined Tensor()");
  CONVIS_CHECK(grad_output.sizes() == expected, op, "expected grad_output of shape {} (the forward's output for "
               "input {}), got {}", expected, input.sizes(), grad_output.sizes());
  CONVIS_CHECK(grad_output.dtype() == input.dtype() && grad_output.device() == input.device(), op,
               "expected grad_output of the input's dtype and device ({} on {}), got {} on {}",
               dtype_name(input.dtype()), input.device().str(), dtype_name(grad_output.dtype()),
               grad_output.device().str());
}

// The kernel trusts the indices, so they are checked here: each must be -1 or inside its plane.
Tensor max_pool_backward_nd(const char* op, int64_t sd, const Tensor& grad_output, const Tensor& input,
                            const Tensor& indices) {
  PoolGeometry g = pool_geometry(op, sd, input, {Shape{1}, Shape{1}, Shape{0}, Shape{1}, false, true});
  CONVIS_CHECK(indices.defined() && indices.dtype() == kInt64, op, "expected int64 indices, got {}",
               indices.defined() ? std::string(dtype_name(indices.dtype())) : std::string("an undefined Tensor()"));
  Shape lead(input.sizes().begin(), input.sizes().end() - sd);
  CONVIS_CHECK(indices.dim() == input.dim() && Shape(indices.sizes().begin(), indices.sizes().end() - sd) == lead,
               op, "expected indices with the leading dims of input {}, got shape {}", input.sizes(), indices.sizes());
  check_grad(op, grad_output, input, indices.sizes());
  g.out_size = right_align3(Shape(indices.sizes().end() - sd, indices.sizes().end()), 1);
  const int64_t plane = g.in_size[0] * g.in_size[1] * g.in_size[2];
  Tensor idx = native::contiguous(indices);
  const int64_t* ip = idx.data_ptr<int64_t>();
  for (int64_t i = 0; i < idx.numel(); ++i)
    CONVIS_CHECK(ip[i] >= -1 && ip[i] < plane, op, "expected indices in [0, {}) (the input plane {}), got {}", plane,
                 input.sizes(), ip[i]);
  Tensor go = native::contiguous(grad_output);
  Tensor grad_input = empty(input.sizes(), input.options());
  if (grad_input.numel() > 0) {
    PoolBackwardArgs a{g, go.data_ptr(), ip, grad_input.data_ptr()};
    find_kernel<OpKind::max_pool_backward>(input.device().type(), input.dtype())(a);
  }
  return grad_input;
}

Tensor avg_pool_backward_nd(const char* op, int64_t sd, const Tensor& grad_output, const Tensor& input,
                            const Shape& kernel, const Shape& stride, const Shape& padding, bool ceil_mode,
                            bool count_include_pad) {
  PoolGeometry g = pool_geometry(op, sd, input, {kernel, stride, padding, Shape{1}, ceil_mode, count_include_pad});
  check_grad(op, grad_output, input, output_shape(input, sd, g));
  Tensor go = native::contiguous(grad_output);
  Tensor grad_input = empty(input.sizes(), input.options());
  if (grad_input.numel() > 0) {
    PoolBackwardArgs a{g, go.data_ptr(), nullptr, grad_input.data_ptr()};
    find_kernel<OpKind::avg_pool_backward>(input.device().type(), input.dtype())(a);
  }
  return grad_input;
}

}  // namespace

std::tuple<Tensor, Tensor> native::max_pool1d_with_indices(const Tensor& x, const Shape& k, const Shape& s,
                                                           const Shape& p, const Shape& d, bool c) {
  return max_pool_nd("max_pool1d", 1, x, k, s, p, d, c);
}
std::tuple<Tensor, Tensor> native::max_pool2d_with_indices(const Tensor& x, const Shape& k, const Shape& s,
                                                           const Shape& p, const Shape& d, bool c) {
  return max_pool_nd("max_pool2d", 2, x, k, s, p, d, c);
}
std::tuple<Tensor, Tensor> native::max_pool3d_with_indices(const Tensor& x, const Shape& k, const Shape& s,
                                                           const Shape& p, const Shape& d, bool c) {
  return max_pool_nd("max_pool3d", 3, x, k, s, p, d, c);
}
Tensor native::avg_pool1d(const Tensor& x, const Shape& k, const Shape& s, const Shape& p, bool c, bool cip) {
  return avg_pool_nd("avg_pool1d", 1, x, k, s, p, c, cip);
}
Tensor native::avg_pool2d(const Tensor& x, const Shape& k, const Shape& s, const Shape& p, bool c, bool cip) {
  return avg_pool_nd("avg_pool2d", 2, x, k, s, p, c, cip);
}
Tensor native::avg_pool3d(const Tensor& x, const Shape& k, const Shape& s, const Shape& p, bool c, bool cip) {
  return avg_pool_nd("avg_pool3d", 3, x, k, s, p, c, cip);
}

Tensor max_pool1d_backward(const Tensor& go, const Tensor& x, const Tensor& idx) {
  return max_pool_backward_nd("max_pool1d_backward", 1, go, x, idx);
}
Tensor max_pool2d_backward(const Tensor& go, const Tensor& x, const Tensor& idx) {
  return max_pool_backward_nd("max_pool2d_backward", 2, go, x, idx);
}
Tensor max_pool3d_backward(const Tensor& go, const Tensor& x, const Tensor& idx) {
  return max_pool_backward_nd("max_pool3d_backward", 3, go, x, idx);
}
Tensor native::avg_pool1d_backward(const Tensor& go, const Tensor& x, const Shape& k, const Shape& s,
                                   const Shape& p, bool c, bool cip) {
  return avg_pool_backward_nd("avg_pool1d_backward", 1, go, x, k, s, p, c, cip);
}
Tensor native::avg_pool2d_backward(const Tensor& go, const Tensor& x, const Shape& k, const Shape& s,
                                   const Shape& p, bool c, bool cip) {
  return avg_pool_backward_nd("avg_pool2d_backward", 2, go, x, k, s, p, c, cip);
}
Tensor native::avg_pool3d_backward(const Tensor& go, const Tensor& x, const Shape& k, const Shape& s,
                                   const Shape& p, bool c, bool cip) {
  return avg_pool_backward_nd("avg_pool3d_backward", 3, go, x, k, s, p, c, cip);
}

}  // namespace convis
