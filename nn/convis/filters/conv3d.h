// nn/convis/filters/conv3d.h: the convolution with memory: causal in time, the same size as
// its input in x and y, and exact under any chunking of the input.
//
//   using namespace convis::filters;
//   Conv3d conv(1, 1, Shape{10, 5, 5});   // zero weight and bias
//   conv->set_weight(w);                 // w: (10, 5, 5); the impulse response is now w
//   Tensor y = (*conv)(video);           // (T, X, Y) -> [1, 1, T, X, Y], same T, X, Y
//   Output o = conv->run(video, 7);      // chunks of 7 frames: the same numbers as one call
//   conv->exponential(0.01);             // a 47-tap temporal low-pass (tau = 10 ms)
//   conv->gaussian(0.1);                 // a 7x7 spatial Gaussian (sigma = 0.1 degree)
//
// Note [Conv3d's convolution]
// For input x [B, Cin, T, X, Y] and the kernel w [Cout, Cin, kT, kX, kY] given to set_weight:
//   y[b, o, t, i, j] = bias[o] + sum_c sum_{k,m,l} w[o, c, k, m, l] * x~[b, c, t - k, i + r_x - m, j + r_y - l]
// with r = n - 1 - floor(n / 2) per spatial kernel size n.  x~ is the input with the history of
// the last kT - 1 frames in front (Note [Convolution history] in time_padding.h) and, in x and y,
// floor(n/2) padded frames before and n - 1 - floor(n/2) after (replicate, reflect or constant).
// So an impulse at (t0, x0, y0) gives w[k, m, l] at (t0 + k, x0 + m - r_x, y0 + l - r_y): centred
// for odd sizes, element n/2 - 1 on the impulse for even sizes, nothing before t0.  The stored
// `weight` (what optimizers see and what is saved) is w flipped in t, x and y (flip = true), and
// forward is one cross-correlation (convis::conv3d) of the padded input with it, so gradients
// reach weight, bias and input.
#pragma once

#include <cstdint>

#include "convis/core/ops.h"
#include "convis/nn/convis/filters/kernels.h"
#include "convis/nn/convis/filters/stream_window.h"
#include "convis/nn/convis/layer.h"

namespace convis::filters {

class Conv3dImpl : public Layer {
 public:
  // time_pad: keep the history and pad in time (output T = input T); off: a "valid" convolution
  // in time (T - kT + 1 frames).  autopad: pad x and y by autopad_mode to keep their sizes.
  Conv3dImpl(int64_t in_channels = 1, int64_t out_channels = 1, Shape kernel_size = {1, 1, 1}, bool bias = true,
         bool time_pad = true, bool autopad = true, PadMode autopad_mode = PadMode::replicate);

  // [B, in_channels, T, X, Y] -> [B, out_channels, T, X, Y].
  Tensor forward(const Tensor& input) override;

  // A new kernel.  0-D: every element of the weight; 1-D (T): temporal [1,1,T,1,1]; 2-D (X, Y):
  // spatial [1,1,1,X,Y]; 3-D (T, X, Y); 5-D (out, in, T, X, Y) sets the channel counts too.
  // 1- to 3-D kernels make the layer 1 -> 1 channel, unless preserve_channels, which repeats the
  // kernel for every (out, in) pair.  normalize divides by the kernel's sum; flip (see Note
  // [Conv3d's convolution]) makes the impulse response equal w.  A new kT empties the history.
  void set_weight(const Tensor& w, bool normalize = false, bool flip = true, bool preserve_channels = false);
  void set_weight(double value, bool normalize = false);

  // Temporal low-pass kernel exponential_filter_1d(tau, options) as the weight.
  void exponential(double tau, const ExponentialOptions& options = {},
                   const ResolutionInfo& resolution = default_resolution);
  // Temporal transient kernel exponential_highpass_filter_1d(tau, relative_weight) as the weight.
  void highpass_exponential(double tau, double relative_weight, const ResolutionInfo& resolution = default_resolution);
  // Spatial Gaussian gauss_filter_2d(sigma, sigma) (degrees) as the weight.
  void gaussian(double sigma, const ResolutionInfo& resolution = default_resolution);

  int64_t in_channels() const { return weight.size(1); }
  int64_t out_channels() const { return weight.size(0); }
  Shape kernel_size() const;               // {kT, kX, kY}
  int64_t filter_length() const;           // kT - 1: the history frames kept
  int64_t numel() const { return weight.numel(); }  // the original's len()
  // {y_before, y_after, x_before, x_after, 0, 0}: the spatial padding of autopad (core/ops.h pad order).
  Shape kernel_padding() const;

  Tensor weight;  // [out, in, kT, kX, kY], the flipped kernel
  Tensor bias;    // [out], or undefined without bias
  bool time_pad = true;
  bool autopad = true;
  PadMode autopad_mode = PadMode::replicate;

  void pretty_print(std::ostream& stream) const override;

 protected:
  // The pieces of forward, for layers built on Conv3d (RF): history in time, then x and y.
  Tensor pad_time(const Tensor& x);
  Tensor pad_space(const Tensor& x) const;
  Tensor convolve(const Tensor& padded) const;
  void check_input(const Tensor& x, const char* op) const;
  // Replaces the weight (and a bias of the wrong size) keeping the registered tensors.
  void replace_weight(const Tensor& w);

 private:
  // Without gradients, chunks run in place in a window (Note [Streaming window]).
  bool streams_in_window(const Tensor& input) const;
  StreamWindow window_;
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(Conv3d);

}  // namespace convis::filters
