// nn/convis/filters/conv3d.cpp: Conv3d (Note [Conv3d's convolution] in conv3d.h).
#include "convis/nn/convis/filters/conv3d.h"

#include <ostream>

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/nn/convis/filters/time_padding.h"
#include "convis/nn/module.h"

namespace convis::filters {

Conv3dImpl::Conv3dImpl(int64_t in_channels, int64_t out_channels, Shape kernel_size, bool bias_, bool time_pad_,
               bool autopad_, PadMode autopad_mode_)
    : time_pad(time_pad_), autopad(autopad_), autopad_mode(autopad_mode_) {
  CONVIS_CHECK(in_channels >= 1 && out_channels >= 1, "Conv3d", "expected at least one input and output channel, got {} and {}",
               in_channels, out_channels);
  CONVIS_CHECK(kernel_size.size() == 3 && kernel_size[0] >= 1 && kernel_size[1] >= 1 && kernel_size[2] >= 1, "Conv3d",
               "expected a kernel_size of three positive values (t, x, y), got {}", kernel_size);
  weight = register_parameter("weight", zeros({out_channels, in_channels, kernel_size[0], kernel_size[1], kernel_size[2]}),
                              true, "the convolution kernel [out, in, t, x, y], stored flipped in t, x and y");
  bias = register_parameter("bias", bias_ ? zeros({out_channels}) : Tensor(), true, "added to every output channel");
  register_state("history", Tensor());
}

Shape Conv3dImpl::kernel_size() const { return {weight.size(2), weight.size(3), weight.size(4)}; }

int64_t Conv3dImpl::filter_length() const { return weight.size(2) - 1; }

Shape Conv3dImpl::kernel_padding() const {
  int64_t kx = weight.size(3), ky = weight.size(4);
  return {ky / 2, ky - 1 - ky / 2, kx / 2, kx - 1 - kx / 2, 0, 0};
}

void Conv3dImpl::check_input(const Tensor& x, const char* op) const {
  CONVIS_CHECK(x.defined() && x.dim() == 5, op, "expected a 5-D input [batch, channel, time, x, y], got shape {}",
               x.defined() ? x.sizes() : Shape{});
  CONVIS_CHECK(x.size(1) == in_channels(), op, "expected an input with in_channels={} channels (dim 1), got shape {}",
               in_channels(), x.sizes());
  CONVIS_CHECK(time_pad || x.size(2) >= weight.size(2), op,
               "expected at least kT={} frames without time_pad, got input of shape {}", weight.size(2), x.sizes());
}

Tensor Conv3dImpl::pad_time(const Tensor& x) { return prepend_history(*this, "history", x, filter_length(), "Conv3d"); }

Tensor Conv3dImpl::pad_space(const Tensor& x) const {
  Shape pads = kernel_padding();
  if (pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0) return x;
  return pad(x, pads, autopad_mode, 0.0);
}

Tensor Conv3dImpl::convolve(const Tensor& padded) const { return conv3d(padded, weight, bias); }

bool Conv3dImpl::streams_in_window(const Tensor& input) const {
  if (!time_pad || !autopad || input.dtype() != weight.dtype()) return false;
  if (GradMode::is_enabled() && (input.requires_grad() || weight.requires_grad() || (bias.defined() && bias.requires_grad())))
    return false;
  const Tensor& history = state("history");
  if (history.defined() && history.dim() == 5 && history.size(2) != filter_length()) return false;
  return StreamWindow::accepts(input, history, kernel_padding(), autopad_mode);
}

Tensor Conv3dImpl::forward(const Tensor& input) {
  check_input(input, "Conv3d");
  if (streams_in_window(input)) {
    NoGradGuard no_grad;
    Tensor x = timed("window", [&] {
      return window_.load(input, state("history"), filter_length(), kernel_padding(), autopad_mode);
    });
    Tensor y = timed("convolve", [&] { return convolve(x); });
    window_.advance(state("history"));
    return y;
  }
  Tensor x = time_pad ? timed("history", [&] { return pad_time(input); }) : input;
  if (autopad) x = timed("pad", [&] { return pad_space(x); });
  return timed("convolve", [&] { return convolve(x); });
}

void Conv3dImpl::replace_weight(const Tensor& w) {
  NoGradGuard no_grad;
  if (w.size(2) != weight.size(2) || w.size(1) != weight.size(1)) state("history") = Tensor();  // a new window size
  if (w.sizes() == weight.sizes()) {
    weight.copy_(w);
  } else {
    weight.set_data(w.clone());
    if (weight.grad().defined()) weight.mutable_grad() = Tensor();
  }
  if (bias.defined() && bias.size(0) != w.size(0)) {
    bias.set_data(zeros({w.size(0)}, bias.options()));
    if (bias.grad().defined()) bias.mutable_grad() = Tensor();
  }
}

void Conv3dImpl::set_weight(const Tensor& w_in, bool normalize, bool flip, bool preserve_channels) {
  CONVIS_CHECK(w_in.defined(), "Conv3d.set_weight", "expected a kernel, got an undefined tensor");
  if (w_in.dim() == 0) return set_weight(w_in.item<double>(), normalize);
  CONVIS_CHECK(w_in.dim() != 4 && w_in.dim() <= 5 && w_in.numel() > 0, "Conv3d.set_weight",
               "expected a non-empty 1-D (t), 2-D (x, y), 3-D (t, x, y) or 5-D (out, in, t, x, y) kernel, got shape {}",
               w_in.sizes());
  Tensor w = w_in.detach().to(weight.dtype());
  if (w.dim() == 1) w = w.reshape({1, 1, w.size(0), 1, 1});
  if (w.dim() == 2) w = w.reshape({1, 1, 1, w.size(0), w.size(1)});
  if (w.dim() == 3) w = w.reshape({1, 1, w.size(0), w.size(1), w.size(2)});
  if (preserve_channels && w_in.dim() < 5) w = w.expand({out_channels(), in_channels(), w.size(2), w.size(3), w.size(4)});
  if (flip) w = w.flip({2, 3, 4});
  if (normalize) {
    double total = w.sum().item<double>();
    CONVIS_CHECK(total != 0.0, "Conv3d.set_weight", "expected a kernel with a non-zero sum to normalize, got sum {}", total);
    w = w / total;
  }
  replace_weight(w.contiguous());
}

void Conv3dImpl::set_weight(double value, bool normalize) {
  double v = normalize ? 1.0 / double(weight.numel()) : value;
  CONVIS_CHECK(!normalize || value != 0.0, "Conv3d.set_weight", "expected a non-zero value to normalize, got {}", value);
  replace_weight(full(weight.sizes(), v, weight.options()));
}

void Conv3dImpl::exponential(double tau, const ExponentialOptions& options, const ResolutionInfo& resolution) {
  set_weight(exponential_filter_1d(tau, options, resolution, weight.dtype()));
}

void Conv3dImpl::highpass_exponential(double tau, double relative_weight, const ResolutionInfo& resolution) {
  set_weight(exponential_highpass_filter_1d(tau, relative_weight, resolution, weight.dtype()));
}

void Conv3dImpl::gaussian(double sigma, const ResolutionInfo& resolution) {
  set_weight(gauss_filter_2d(sigma, sigma, resolution, weight.dtype()));
}

void Conv3dImpl::pretty_print(std::ostream& stream) const {
  stream << "convis::filters::Conv3d(" << in_channels() << ", " << out_channels()
         << ", kernel_size=" << to_string(kernel_size());
  if (!bias.defined()) stream << ", bias=false";
  if (!time_pad) stream << ", time_pad=false";
  if (!autopad) stream << ", autopad=false";
  if (autopad_mode != PadMode::replicate) stream << ", autopad_mode=" << pad_mode_name(autopad_mode);
  stream << ")";
}

}  // namespace convis::filters
