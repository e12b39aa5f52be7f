// nn/conv.h: Conv1d, Conv2d, Conv3d layers.
//
//   nn::Conv3d conv(
//       nn::Conv3dOptions(1, 4, 3).stride(1).padding(1).padding_mode(kReplicate));
//   Tensor y = conv->forward(randn({2, 1, 8, 9, 9}));   // [2, 4, 8, 9, 9]
//   nn::Conv2d c2(3, 8, Shape{3, 5});  // kernel 3x5, no padding
//
// weight [out_channels, in_channels / groups, k...], bias [out_channels]; initialised as
// LibTorch (see Note [Default init] in nn/module.h).  With padding_mode other than kZeros
// the input is padded by convis::pad first and convolved with padding 0, as LibTorch does.
#pragma once

#include <ostream>

#include "convis/core/ops.h"
#include "convis/nn/module.h"

namespace convis {

enum class ConvPaddingMode { zeros, reflect, replicate, circular };
inline constexpr ConvPaddingMode kZeros = ConvPaddingMode::zeros;
inline constexpr ConvPaddingMode kReflect = ConvPaddingMode::reflect;
inline constexpr ConvPaddingMode kReplicate = ConvPaddingMode::replicate;
inline constexpr ConvPaddingMode kCircular = ConvPaddingMode::circular;

}  // namespace convis

namespace convis::nn {

// One value repeats over every spatial dim, or one value per dim ({kT, kH, kW}).
template <size_t D>
struct ConvOptions {
  ConvOptions(int64_t in_channels, int64_t out_channels, Shape kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(std::move(kernel_size)) {}
  ConvOptions& in_channels(int64_t v) { in_channels_ = v; return *this; }
  ConvOptions& out_channels(int64_t v) { out_channels_ = v; return *this; }
  ConvOptions& kernel_size(Shape v) { kernel_size_ = std::move(v); return *this; }
  ConvOptions& stride(Shape v) { stride_ = std::move(v); return *this; }
  ConvOptions& padding(Shape v) { padding_ = std::move(v); return *this; }
  ConvOptions& dilation(Shape v) { dilation_ = std::move(v); return *this; }
  ConvOptions& groups(int64_t v) { groups_ = v; return *this; }
  ConvOptions& bias(bool v) { bias_ = v; return *this; }
  ConvOptions& padding_mode(ConvPaddingMode v) { padding_mode_ = v; return *this; }
  int64_t in_channels() const { return in_channels_; }
  int64_t out_channels() const { return out_channels_; }
  const Shape& kernel_size() const { return kernel_size_; }
  const Shape& stride() const { return stride_; }
  const Shape& padding() const { return padding_; }
  const Shape& dilation() const { return dilation_; }
  int64_t groups() const { return groups_; }
  bool bias() const { return bias_; }
  ConvPaddingMode padding_mode() const { return padding_mode_; }

 private:
  int64_t in_channels_, out_channels_;
  Shape kernel_size_, stride_ = 1, padding_ = 0, dilation_ = 1;
  int64_t groups_ = 1;
  bool bias_ = true;
  ConvPaddingMode padding_mode_ = kZeros;
};

using Conv1dOptions = ConvOptions<1>;
using Conv2dOptions = ConvOptions<2>;
using Conv3dOptions = ConvOptions<3>;

template <size_t D>
class ConvNd : public Module {
 public:
  explicit ConvNd(const ConvOptions<D>& options);
  ConvNd(int64_t in_channels, int64_t out_channels, Shape kernel_size)
      : ConvNd(ConvOptions<D>(in_channels, out_channels, std::move(kernel_size))) {}

  void reset_parameters();
  Tensor forward(const Tensor& input);
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override;

  ConvOptions<D> options;  // with kernel_size, stride, padding, dilation expanded to D values
  Tensor weight;
  Tensor bias;
};

extern template class ConvNd<1>;
extern template class ConvNd<2>;
extern template class ConvNd<3>;

class Conv1dImpl : public ConvNd<1> {
 public:
  using ConvNd<1>::ConvNd;
};
class Conv2dImpl : public ConvNd<2> {
 public:
  using ConvNd<2>::ConvNd;
};
class Conv3dImpl : public ConvNd<3> {
 public:
  using ConvNd<3>::ConvNd;
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(Conv1d);
CONVIS_MODULE(Conv2d);
CONVIS_MODULE(Conv3d);

}  // namespace convis::nn
