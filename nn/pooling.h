// nn/pooling.h: MaxPool3d and AvgPool3d layers over [N, C, T, H, W] (or [C, T, H, W]).
//
//   nn::MaxPool3d pool(nn::MaxPool3dOptions({1, 2, 2}));  // stride = kernel
//   Tensor y = pool->forward(randn({1, 4, 8, 16, 16}));                           // [1, 4, 8, 8, 8]
//   nn::AvgPool3d avg(nn::AvgPool3dOptions(2).stride(1).padding(1));
#pragma once

#include <ostream>

#include "convis/core/ops.h"
#include "convis/nn/module.h"

namespace convis::nn {

struct MaxPool3dOptions {
  MaxPool3dOptions(Shape kernel_size)  // NOLINT: implicit as LibTorch
      : kernel_size_(convis::expand_spatial_param("MaxPool3d", "kernel_size", kernel_size, 3)),
        stride_(kernel_size_) {}
  MaxPool3dOptions& kernel_size(Shape v) { kernel_size_ = std::move(v); return *this; }
  MaxPool3dOptions& stride(Shape v) { stride_ = std::move(v); return *this; }
  MaxPool3dOptions& padding(Shape v) { padding_ = std::move(v); return *this; }
  MaxPool3dOptions& dilation(Shape v) { dilation_ = std::move(v); return *this; }
  MaxPool3dOptions& ceil_mode(bool v) { ceil_mode_ = v; return *this; }
  const Shape& kernel_size() const { return kernel_size_; }
  const Shape& stride() const { return stride_; }
  const Shape& padding() const { return padding_; }
  const Shape& dilation() const { return dilation_; }
  bool ceil_mode() const { return ceil_mode_; }

 private:
  Shape kernel_size_, stride_, padding_ = 0, dilation_ = 1;
  bool ceil_mode_ = false;
};

class MaxPool3dImpl : public Module {
 public:
  explicit MaxPool3dImpl(const MaxPool3dOptions& options_) : options(options_) { expand(); }
  explicit MaxPool3dImpl(Shape kernel_size) : MaxPool3dImpl(MaxPool3dOptions(std::move(kernel_size))) {}
  Tensor forward(const Tensor& input) {
    return max_pool3d(input, options.kernel_size(), options.stride(), options.padding(), options.dilation(),
                      options.ceil_mode());
  }
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override {
    stream << "convis::nn::MaxPool3d(kernel_size=" << to_string(options.kernel_size())
           << ", stride=" << to_string(options.stride())
           << ", padding=" << to_string(options.padding())
           << ", dilation=" << to_string(options.dilation())
           << ", ceil_mode=" << (options.ceil_mode() ? "true" : "false") << ")";
  }
  MaxPool3dOptions options;

 private:
  void expand() {
    using convis::expand_spatial_param;
    options.stride(expand_spatial_param("MaxPool3d", "stride", options.stride(), 3));
    options.padding(expand_spatial_param("MaxPool3d", "padding", options.padding(), 3));
    options.dilation(expand_spatial_param("MaxPool3d", "dilation", options.dilation(), 3));
  }
};

struct AvgPool3dOptions {
  AvgPool3dOptions(Shape kernel_size)  // NOLINT: implicit as LibTorch
      : kernel_size_(convis::expand_spatial_param("AvgPool3d", "kernel_size", kernel_size, 3)),
        stride_(kernel_size_) {}
  AvgPool3dOptions& kernel_size(Shape v) { kernel_size_ = std::move(v); return *this; }
  AvgPool3dOptions& stride(Shape v) { stride_ = std::move(v); return *this; }
  AvgPool3dOptions& padding(Shape v) { padding_ = std::move(v); return *this; }
  AvgPool3dOptions& ceil_mode(bool v) { ceil_mode_ = v; return *this; }
  AvgPool3dOptions& count_include_pad(bool v) { count_include_pad_ = v; return *this; }
  const Shape& kernel_size() const { return kernel_size_; }
  const Shape& stride() const { return stride_; }
  const Shape& padding() const { return padding_; }
  bool ceil_mode() const { return ceil_mode_; }
  bool count_include_pad() const { return count_include_pad_; }

 private:
  Shape kernel_size_, stride_, padding_ = 0;
  bool ceil_mode_ = false;
  bool count_include_pad_ = true;
};

class AvgPool3dImpl : public Module {
 public:
  explicit AvgPool3dImpl(const AvgPool3dOptions& options_) : options(options_) {
    using convis::expand_spatial_param;
    options.stride(expand_spatial_param("AvgPool3d", "stride", options.stride(), 3));
    options.padding(expand_spatial_param("AvgPool3d", "padding", options.padding(), 3));
  }
  explicit AvgPool3dImpl(Shape kernel_size) : AvgPool3dImpl(AvgPool3dOptions(std::move(kernel_size))) {}
  Tensor forward(const Tensor& input) {
    return avg_pool3d(input, options.kernel_size(), options.stride(), options.padding(), options.ceil_mode(),
                      options.count_include_pad());
  }
  Tensor operator()(const Tensor& input) { return forward(input); }
  void pretty_print(std::ostream& stream) const override {
    stream << "convis::nn::AvgPool3d(kernel_size=" << to_string(options.kernel_size())
           << ", stride=" << to_string(options.stride())
           << ", padding=" << to_string(options.padding()) << ")";
  }
  AvgPool3dOptions options;
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(MaxPool3d);
CONVIS_MODULE(AvgPool3d);

}  // namespace convis::nn
