// nn/conv.cpp
#include "convis/nn/conv.h"

#include "convis/core/factory.h"

namespace convis::nn {

namespace {

PadMode pad_mode(ConvPaddingMode mode) {
  switch (mode) {
    case ConvPaddingMode::reflect: return PadMode::reflect;
    case ConvPaddingMode::replicate: return PadMode::replicate;
    case ConvPaddingMode::circular: return PadMode::circular;
    case ConvPaddingMode::zeros: break;
  }
  return PadMode::constant;
}

const char* mode_name(ConvPaddingMode mode) {
  switch (mode) {
    case ConvPaddingMode::zeros: return "kZeros";
    case ConvPaddingMode::reflect: return "kReflect";
    case ConvPaddingMode::replicate: return "kReplicate";
    case ConvPaddingMode::circular: return "kCircular";
  }
  return "?";
}

bool all_equal(const Shape& s, int64_t v) {
  for (int64_t x : s)
    if (x != v) return false;
  return true;
}

}  // namespace

template <size_t D>
ConvNd<D>::ConvNd(const ConvOptions<D>& options_) : options(options_) {
  const char* op = D == 1 ? "Conv1d" : D == 2 ? "Conv2d" : "Conv3d";
  const auto dims = int64_t(D);
  options.kernel_size(convis::expand_spatial_param(op, "kernel_size", options.kernel_size(), dims));
  options.stride(convis::expand_spatial_param(op, "stride", options.stride(), dims));
  options.padding(convis::expand_spatial_param(op, "padding", options.padding(), dims));
  options.dilation(convis::expand_spatial_param(op, "dilation", options.dilation(), dims));
  const int64_t groups = options.groups();
  CONVIS_CHECK(groups > 0 && options.in_channels() % groups == 0 && options.out_channels() % groups == 0, op,
               "expected in_channels ({}) and out_channels ({}) divisible by groups ({}), got a remainder",
               options.in_channels(), options.out_channels(), groups);
  Shape weight_shape{options.out_channels(), options.in_channels() / groups};
  for (int64_t k : options.kernel_size()) weight_shape.push_back(k);
  weight = register_parameter("weight", empty(weight_shape));
  bias = register_parameter("bias", options.bias() ? empty({options.out_channels()}) : Tensor(), options.bias());
  reset_parameters();
}

template <size_t D>
void ConvNd<D>::reset_parameters() {
  detail::kaiming_uniform_sqrt5_(weight);
  if (bias.defined()) detail::bias_uniform_(bias, weight);
}

template <size_t D>
Tensor ConvNd<D>::forward(const Tensor& input) {
  auto conv = [&](const Tensor& x, const Shape& padding) {
    if constexpr (D == 1) return conv1d(x, weight, bias, options.stride(), padding, options.dilation(), options.groups());
    if constexpr (D == 2) return conv2d(x, weight, bias, options.stride(), padding, options.dilation(), options.groups());
    if constexpr (D == 3) return conv3d(x, weight, bias, options.stride(), padding, options.dilation(), options.groups());
  };
  if (options.padding_mode() == kZeros) return conv(input, options.padding());
  // pad() takes pads last dim first: {w, w, h, h, t, t}.
  Shape pads;
  for (size_t d = D; d-- > 0;) {
    pads.push_back(options.padding()[d]);
    pads.push_back(options.padding()[d]);
  }
  return conv(pad(input, pads, pad_mode(options.padding_mode())), Shape(D, 0));
}

template <size_t D>
void ConvNd<D>::pretty_print(std::ostream& stream) const {
  // LibTorch prints a one-element list as its value: kernel_size=3 for Conv1d.
  auto list = [](const Shape& s) { return D == 1 ? std::to_string(s[0]) : to_string(s); };
  stream << "convis::nn::Conv" << D << "d(" << options.in_channels() << ", " << options.out_channels()
         << ", kernel_size=" << list(options.kernel_size())
         << ", stride=" << list(options.stride());
  if (!all_equal(options.padding(), 0)) stream << ", padding=" << list(options.padding());
  if (!all_equal(options.dilation(), 1)) stream << ", dilation=" << list(options.dilation());
  if (options.groups() != 1) stream << ", groups=" << options.groups();
  if (!options.bias()) stream << ", bias=false";
  if (options.padding_mode() != kZeros) stream << ", padding_mode=" << mode_name(options.padding_mode());
  stream << ")";
}

template class ConvNd<1>;
template class ConvNd<2>;
template class ConvNd<3>;

}  // namespace convis::nn
