// nn/convis/filters/conv_variants.cpp: RF, Conv1d and Conv2d.
#include "convis/nn/convis/filters/conv_variants.h"

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/nn/convis/filters/time_padding.h"
#include "convis/nn/module.h"

namespace convis::filters {

namespace {

// param <- value (no grad), keeping the registered tensor; a new shape drops the old gradient.
void replace(Tensor& param, const Tensor& value) {
  NoGradGuard no_grad;
  if (param.sizes() == value.sizes()) {
    param.copy_(value);
    return;
  }
  param.set_data(value.contiguous().clone());
  if (param.grad().defined()) param.mutable_grad() = Tensor();
}

// w detached in `like`'s dtype, flipped in dims >= 2 and normalized as asked.
Tensor prepare_kernel(const char* op, Tensor w, bool normalize, bool flip) {
  if (flip) {
    Shape dims;
    for (int64_t d = 2; d < w.dim(); ++d) dims.push_back(d);
    w = w.flip(dims);
  }
  if (normalize) {
    double total = w.sum().item<double>();
    CONVIS_CHECK(total != 0.0, op, "expected a kernel with a non-zero sum to normalize, got sum {}", total);
    w = w / total;
  }
  return w.contiguous();
}

void check_5d(const Tensor& x, int64_t channels, const char* op) {
  CONVIS_CHECK(x.defined() && x.dim() == 5, op, "expected a 5-D input [batch, channel, time, x, y], got shape {}",
               x.defined() ? x.sizes() : Shape{});
  CONVIS_CHECK(x.size(1) == channels, op, "expected an input with in_channels={} channels (dim 1), got shape {}",
               channels, x.sizes());
}

}  // namespace

// ---- RF ----

RFImpl::RFImpl(int64_t in_channels, int64_t out_channels, Shape kernel_size, bool bias)
    : Conv3dImpl(in_channels, out_channels, std::move(kernel_size), bias, /*time_pad=*/true, /*autopad=*/false) {}

void RFImpl::reset_weight() { set_weight(zeros({weight.size(2), 1, 1}, weight.options()), false, true, true); }

Tensor RFImpl::forward(const Tensor& input) {
  check_input(input, "RF");
  if (weight.size(3) == 1 && weight.size(4) == 1)
    set_weight(ones({weight.size(2), input.size(3), input.size(4)}, weight.options()), /*normalize=*/true, true,
               /*preserve_channels=*/true);
  Tensor x = time_pad ? pad_time(input) : input;
  int64_t wx = weight.size(3), wy = weight.size(4);
  // right/bottom: positive pads add zeros, negative ones crop (Note [RF sizing])
  x = pad(x, {0, wy - x.size(4), 0, wx - x.size(3), 0, 0});
  return convolve(x);
}

// ---- Conv1d ----

Conv1dImpl::Conv1dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size, bool time_pad_, bool bias_)
    : time_pad(time_pad_) {
  CONVIS_CHECK(in_channels >= 1 && out_channels >= 1 && kernel_size >= 1, "Conv1d",
               "expected positive channel counts and kernel_size, got {}, {} and {}", in_channels, out_channels,
               kernel_size);
  weight = register_parameter("weight", zeros({out_channels, in_channels, kernel_size}), true,
                              "the temporal kernel [out, in, t], stored reversed in time");
  bias = register_parameter("bias", bias_ ? zeros({out_channels}) : Tensor(), true, "added to every output channel");
  register_state("history", Tensor());
}

Tensor Conv1dImpl::forward(const Tensor& input) {
  check_5d(input, weight.size(1), "Conv1d");
  CONVIS_CHECK(time_pad || input.size(2) >= weight.size(2), "Conv1d",
               "expected at least kT={} frames without time_pad, got input of shape {}", weight.size(2), input.sizes());
  Tensor x = time_pad ? prepend_history(*this, "history", input, filter_length(), "Conv1d") : input;
  return conv3d(x, weight.unsqueeze(3).unsqueeze(4), bias);
}

void Conv1dImpl::set_weight(const Tensor& w_in, bool normalize, bool flip) {
  CONVIS_CHECK(w_in.defined() && (w_in.dim() == 1 || w_in.dim() == 3) && w_in.numel() > 0, "Conv1d.set_weight",
               "expected a non-empty 1-D (t) or 3-D (out, in, t) kernel, got shape {}",
               w_in.defined() ? w_in.sizes() : Shape{});
  Tensor w = w_in.detach().to(weight.dtype());
  if (w.dim() == 1) w = w.reshape({1, 1, w.size(0)});
  w = prepare_kernel("Conv1d.set_weight", w, normalize, flip);
  if (w.size(2) != weight.size(2) || w.size(1) != weight.size(1)) state("history") = Tensor();
  replace(weight, w);
  if (bias.defined() && bias.size(0) != w.size(0)) replace(bias, zeros({w.size(0)}, bias.options()));
}

void Conv1dImpl::exponential(double tau, const ExponentialOptions& options, const ResolutionInfo& resolution) {
  set_weight(exponential_filter_1d(tau, options, resolution, weight.dtype()));
}

// ---- Conv2d ----

Conv2dImpl::Conv2dImpl(int64_t in_channels, int64_t out_channels, Shape kernel_size, bool autopad_, bool bias_,
               PadMode autopad_mode_)
    : autopad(autopad_), autopad_mode(autopad_mode_) {
  CONVIS_CHECK(in_channels >= 1 && out_channels >= 1, "Conv2d",
               "expected at least one input and output channel, got {} and {}", in_channels, out_channels);
  CONVIS_CHECK(kernel_size.size() == 2 && kernel_size[0] >= 1 && kernel_size[1] >= 1, "Conv2d",
               "expected a kernel_size of two positive values (x, y), got {}", kernel_size);
  weight = register_parameter("weight", zeros({out_channels, in_channels, kernel_size[0], kernel_size[1]}), true,
                              "the spatial kernel [out, in, x, y], stored flipped in x and y");
  bias = register_parameter("bias", bias_ ? zeros({out_channels}) : Tensor(), true, "added to every output channel");
}

Tensor Conv2dImpl::forward(const Tensor& input) {
  check_5d(input, weight.size(1), "Conv2d");
  Tensor x = input;
  int64_t kx = weight.size(2), ky = weight.size(3);
  if (autopad && (kx > 1 || ky > 1)) x = pad(x, {ky / 2, ky - 1 - ky / 2, kx / 2, kx - 1 - kx / 2, 0, 0}, autopad_mode);
  return conv3d(x, weight.unsqueeze(2), bias);
}

void Conv2dImpl::set_weight(const Tensor& w_in, bool normalize, bool flip) {
  CONVIS_CHECK(w_in.defined() && w_in.dim() >= 2 && w_in.dim() <= 4 && w_in.numel() > 0, "Conv2d.set_weight",
               "expected a non-empty 2-D (x, y), 3-D (in, x, y) or 4-D (out, in, x, y) kernel, got shape {}",
               w_in.defined() ? w_in.sizes() : Shape{});
  Tensor w = w_in.detach().to(weight.dtype());
  while (w.dim() < 4) w = w.unsqueeze(0);
  w = prepare_kernel("Conv2d.set_weight", w, normalize, flip);
  replace(weight, w);
  if (bias.defined() && bias.size(0) != w.size(0)) replace(bias, zeros({w.size(0)}, bias.options()));
}

void Conv2dImpl::gaussian(double sigma, const ResolutionInfo& resolution) {
  set_weight(gauss_filter_2d(sigma, sigma, resolution, weight.dtype()));
}

}  // namespace convis::filters
