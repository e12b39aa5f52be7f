// core/native/conv.cpp: conv1d / conv2d / conv3d and their two backward ops.  All run the one
// 3-D kernel family (see Note [Every convolution is 3-D]): this file checks the arguments
// as LibTorch does, lifts sizes to (T, H, W) and makes the operands contiguous.
//
//   conv2d(x [2, 4, 9, 9], w [8, 2, 3, 3], b [8], /*stride=*/{2, 1}, /*padding=*/1, 1, /*groups=*/2)
//     -> [2, 8, 5, 9]:  out = (in + 2 * padding - dilation * (k - 1) - 1) / stride + 1 per dim
//
// These are the compute-only versions (core/native/linalg.h); the public ops record their
// backward in autograd/ops/conv.cpp.

#include <string>

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



struct ConvOptions {
  Shape stride, padding, dilation;
  int64_t groups;
};

ConvOptions conv_options(const char* op, int64_t sd, const Shape& stride, const Shape& padding,
                         const Shape& dilation, int64_t groups) {
  ConvOptions o{expand_spatial_param(op, "stride", stride, sd),
                expand_spatial_param(op, "padding", padding, sd),
                expand_spatial_param(op, "dilation", dilation, sd), groups};
  for (int64_t d = 0; d < sd; ++d) {
    CONVIS_CHECK(o.stride[size_t(d)] > 0, op, "expected a positive stride, got stride={}", o.stride);
    CONVIS_CHECK(o.dilation[size_t(d)] > 0, op, "expected a positive dilation, got dilation={}", o.dilation);
    CONVIS_CHECK(o.padding[size_t(d)] >= 0, op, "expected a non-negative padding, got padding={}", o.padding);
  }
  CONVIS_CHECK(groups > 0, op, "expected a positive number of groups, got groups={}", groups);
  return o;
}

// The geometry of a batched problem, checked as LibTorch checks it.  `input_shown` is the
// input's shape as the user gave it (perhaps unbatched), for the messages.
ConvGeometry conv_geometry(const char* op, const Shape& input, const Shape& weight, const ConvOptions& o,
                           const Shape& input_shown) {
  const int64_t sd = int64_t(weight.size()) - 2;
  const int64_t cout = weight[0], g = o.groups;
  CONVIS_CHECK(cout > 0, op, "expected a weight with at least 1 output channel (dim 0), got weight {}", weight);
  CONVIS_CHECK(cout % g == 0, op, "expected out_channels (weight dim 0) divisible by groups {}, got weight {}", g,
               weight);
  CONVIS_CHECK(input[1] == weight[1] * g, op, "expected input with {} channels (weight {}, groups {}), got {} "
               "channels (input {})", weight[1] * g, weight, g, input[1], input_shown);
  Shape padded, kernel, out;
  for (int64_t d = 0; d < sd; ++d) {
    const size_t i = size_t(d);
    CONVIS_CHECK(weight[i + 2] > 0, op, "expected kernel sizes >= 1, got weight {}", weight);
    padded.push_back(input[i + 2] + 2 * o.padding[i]);
    kernel.push_back(o.dilation[i] * (weight[i + 2] - 1) + 1);
    out.push_back(padded.back() < kernel.back() ? 0 : (padded.back() - kernel.back()) / o.stride[i] + 1);
  }
  bool fits = true;
  for (size_t i = 0; i < padded.size(); ++i) fits = fits && padded[i] >= kernel[i];
  CONVIS_CHECK(fits, op, "expected the padded input to be at least as large as the dilated kernel, got padded input size "
               "({}) and kernel size ({}) (input {}, weight {})", join(padded, " x "), join(kernel, " x "), input_shown, weight);
  ConvGeometry geo;
  geo.batch = input[0];
  geo.groups = g;
  geo.in_channels = input[1];
  geo.out_channels = cout;
  geo.in_size = right_align3(Shape(input.begin() + 2, input.end()), 1);
  geo.out_size = right_align3(out, 1);
  geo.kernel = right_align3(Shape(weight.begin() + 2, weight.end()), 1);
  geo.stride = right_align3(o.stride, 1);
  geo.padding = right_align3(o.padding, 0);
  geo.dilation = right_align3(o.dilation, 1);
  return geo;
}

Shape output_shape(const ConvGeometry& g, int64_t sd) {
  Shape s{g.batch, g.out_channels};
  for (int64_t d = 3 - sd; d < 3; ++d) s.push_back(g.out_size[size_t(d)]);
  return s;
}

void check_dtypes(const char* op, const Tensor& x, const char* x_name, const Tensor& w, const char* w_name,
                  bool allow_int64) {
  CONVIS_CHECK(x.device() == w.device(), op, "expected {} and {} on one device, got {} and {}", x_name, w_name,
               x.device().str(), w.device().str());
  CONVIS_CHECK(x.dtype() == w.dtype(), op, "expected {} and {} of the same dtype, got {} ({}) and {} ({})", x_name,
               w_name, dtype_name(x.dtype()), x_name, dtype_name(w.dtype()), w_name);
  CONVIS_CHECK(is_floating_point(x.dtype()) || (allow_int64 && x.dtype() == kInt64), op,
               "expected a {} {}, got {}", allow_int64 ? "float32, float64 or int64" : "float32 or float64", x_name,
               dtype_name(x.dtype()));
}

// The weight's rank decides the spatial rank; the input may lack the batch dim.
void check_ranks(const char* op, int64_t sd, const Shape& input, const Shape& weight) {
  CONVIS_CHECK(int64_t(weight.size()) == sd + 2, op, "expected a {}-D weight [out_channels, in_channels / groups, "
               "{} kernel sizes], got a {}-D weight of shape {}", sd + 2, sd, weight.size(), weight);
  CONVIS_CHECK(int64_t(input.size()) == sd + 1 || int64_t(input.size()) == sd + 2, op,
               "expected a {}-D (unbatched) or {}-D (batched) input, got a {}-D input of shape {}", sd + 1, sd + 2,
               input.size(), input);
}

Shape batched(const Shape& s, int64_t sd) {
  if (int64_t(s.size()) == sd + 2) return s;
  Shape out = s;
  out.insert(0, 1);
  return out;
}

// Whether every (sample, channel) block of x, its last sd dims, is contiguous.
bool blocks_contiguous(const Tensor& x, int64_t sd) {
  int64_t expected = 1;
  for (int64_t d = x.dim() - 1; d >= x.dim() - sd; --d) {
    if (x.size(d) != 1 && x.stride(d) != expected) return false;
    expected *= x.size(d);
  }
  return true;
}

Tensor conv_nd(const char* op, int64_t sd, const Tensor& input, const Tensor& weight, const Tensor& bias,
               const Shape& stride, const Shape& padding, const Shape& dilation, int64_t groups) {
  CONVIS_CHECK(input.defined() && weight.defined(), op, "expected a defined input and weight, got an undefined "
               "Tensor()");
  check_ranks(op, sd, input.sizes(), weight.sizes());
  check_dtypes(op, input, "input", weight, "weight", true);
  const bool unbatched = input.dim() == sd + 1;
  ConvOptions o = conv_options(op, sd, stride, padding, dilation, groups);
  ConvGeometry g = conv_geometry(op, batched(input.sizes(), sd), weight.sizes(), o, input.sizes());
  Tensor b;
  if (bias.defined()) {
    CONVIS_CHECK(bias.dim() == 1 && bias.size(0) == g.out_channels, op, "expected a bias of shape [{}] (weight "
                 "{}), got shape {}", g.out_channels, weight.sizes(), bias.sizes());
    check_dtypes(op, bias, "bias", weight, "weight", true);
    b = native::contiguous(bias);
  }
  // Note [Strided conv input]: each (sample, channel) block contiguous is enough.
  Tensor x = blocks_contiguous(input, sd) ? input : native::contiguous(input), w = native::contiguous(weight);
  Tensor out = empty(output_shape(g, sd), input.options());
  if (out.numel() > 0) {
    ConvForwardArgs a{g, x.data_ptr(), w.data_ptr(), b.defined() ? b.data_ptr() : nullptr, out.data_ptr()};
    const int64_t lead = x.dim() - sd;  // 1 (unbatched) or 2
    a.input_channel_stride = x.stride(lead - 1);
    a.input_sample_stride = lead == 2 ? x.stride(0) : g.in_channels * a.input_channel_stride;  // one sample
    find_kernel<OpKind::conv_forward>(out.device().type(), out.dtype())(a);
  }
  return unbatched ? native::squeeze(out, 0) : out;
}

void check_grad_output(const char* op, const Tensor& grad_output, const Shape& expected) {
  CONVIS_CHECK(grad_output.defined(), op, "expected a defined grad_output, got an undefined Tensor()");
  CONVIS_CHECK(grad_output.sizes() == expected, op, "expected grad_output of shape {} (the forward's output), got {}",
               expected, grad_output.sizes());
}

}  // namespace

Tensor native::conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
                      const Shape& padding, const Shape& dilation, int64_t groups) {
  return conv_nd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups);
}
Tensor native::conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
                      const Shape& padding, const Shape& dilation, int64_t groups) {
  return conv_nd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups);
}
Tensor native::conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias, const Shape& stride,
                      const Shape& padding, const Shape& dilation, int64_t groups) {
  return conv_nd("conv3d", 3, input, weight, bias, stride, padding, dilation, groups);
}

Tensor native::conv_backward_input(const Tensor& grad_output, const Tensor& weight, const Shape& input_sizes,
                                   const Shape& stride, const Shape& padding, const Shape& dilation, int64_t groups) {
  const char* op = "conv_backward_input";
  CONVIS_CHECK(weight.defined() && weight.dim() >= 3 && weight.dim() <= 5, op,
               "expected a 3-D, 4-D or 5-D weight, got shape {}", weight.defined() ? weight.sizes() : Shape{});
  const int64_t sd = weight.dim() - 2;
  check_ranks(op, sd, input_sizes, weight.sizes());
  ConvOptions o = conv_options(op, sd, stride, padding, dilation, groups);
  ConvGeometry g = conv_geometry(op, batched(input_sizes, sd), weight.sizes(), o, input_sizes);
  const bool unbatched = int64_t(input_sizes.size()) == sd + 1;
  Shape expected = output_shape(g, sd);
  if (unbatched) expected.erase(0);
  check_grad_output(op, grad_output, expected);
  check_dtypes(op, grad_output, "grad_output", weight, "weight", false);
  Tensor go = native::contiguous(grad_output), w = native::contiguous(weight);
  Tensor grad_input = empty(input_sizes, weight.options());
  if (grad_input.numel() > 0) {
    ConvBackwardInputArgs a{g, go.data_ptr(), w.data_ptr(), grad_input.data_ptr()};
    find_kernel<OpKind::conv_backward_input>(w.device().type(), w.dtype())(a);
  }
  return grad_input;
}

Tensor native::conv_backward_weight(const Tensor& grad_output, const Tensor& input, const Shape& weight_sizes,
                                    const Shape& stride, const Shape& padding, const Shape& dilation, int64_t groups) {
  const char* op = "conv_backward_weight";
  CONVIS_CHECK(input.defined() && weight_sizes.size() >= 3 && weight_sizes.size() <= 5, op,
               "expected a defined input and 3 to 5 weight sizes, got weight sizes {}", weight_sizes);
  const int64_t sd = int64_t(weight_sizes.size()) - 2;
  check_ranks(op, sd, input.sizes(), weight_sizes);
  ConvOptions o = conv_options(op, sd, stride, padding, dilation, groups);
  ConvGeometry g = conv_geometry(op, batched(input.sizes(), sd), weight_sizes, o, input.sizes());
  Shape expected = output_shape(g, sd);
  if (input.dim() == sd + 1) expected.erase(0);
  check_grad_output(op, grad_output, expected);
  check_dtypes(op, grad_output, "grad_output", input, "input", false);
  Tensor go = native::contiguous(grad_output), x = native::contiguous(input);
  Tensor grad_weight = empty(weight_sizes, input.options());
  if (grad_weight.numel() > 0) {
    ConvBackwardWeightArgs a{g, go.data_ptr(), x.data_ptr(), grad_weight.data_ptr()};
    find_kernel<OpKind::conv_backward_weight>(x.device().type(), x.dtype())(a);
  }
  return grad_weight;
}

}  // namespace convis
