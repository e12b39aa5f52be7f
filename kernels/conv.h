// kernels/conv.h: what the convolution and pooling kernels receive.
//
//   // conv2d of a contiguous [2, 4, 9, 9] input with a [8, 2, 3, 3] weight, groups 2, padding 1:
//   ConvForwardArgs f;
//   f.geometry.batch = 2;  f.geometry.groups = 2;
//   f.geometry.in_channels = 4;  f.geometry.out_channels = 8;
//   f.geometry.in_size = {1, 9, 9};  f.geometry.kernel = {1, 3, 3};  f.geometry.out_size = {1, 9, 9};
//   f.geometry.padding = {0, 1, 1};  // stride and dilation default to 1
//   f.input = x;  f.weight = w;  f.bias = b_or_nullptr;  f.output = y;
//   find_kernel<OpKind::conv_forward>(kCPU, kFloat32)(f);
//
// Note [Every convolution is 3-D]
// There is one kernel family for 1-D, 2-D and 3-D convolution and pooling: the spatial
// dims are always (T, H, W), and a 1-D or 2-D problem puts size 1 (stride 1, padding 0,
// dilation 1) in the leading ones.  A [N, C, W] tensor is laid out exactly like
// [N, C, 1, 1, W], so nothing is copied to lift it.  Every buffer here is CONTIGUOUS in
// that layout (the op makes its operands contiguous): input [N, Cin, T, H, W], weight
// [Cout, Cin / groups, kT, kH, kW], output [N, Cout, oT, oH, oW] -- except that the forward's
// input may have any strides between samples and channels (a time slice of a longer video
// need not be copied; Note [Strided conv input]).  The op has checked every size; kernels
// trust them.
#pragma once

#include <array>
#include <cstdint>
#include "convis/kernels/dispatch.h"

namespace convis {

using Dims3 = std::array<int64_t, 3>;  // (T, H, W)

struct ConvGeometry {
  int64_t batch = 0;         // N
  int64_t groups = 1;
  int64_t in_channels = 0;   // Cin, all groups together
  int64_t out_channels = 0;  // Cout, all groups together
  Dims3 in_size{1, 1, 1};
  Dims3 out_size{1, 1, 1};
  Dims3 kernel{1, 1, 1};
  Dims3 stride{1, 1, 1};
  Dims3 padding{0, 0, 0};
  Dims3 dilation{1, 1, 1};
};

// output = conv(input, weight) + bias (bias may be null).
//
// Note [Strided conv input]
// Each (sample, channel) block of the input, [T, H, W], is contiguous, but the blocks may lie
// anywhere: input_sample_stride and input_channel_stride are the element distances from one
// sample and one channel to the next (-1, -1: the contiguous layout, Cin * T * H * W and
// T * H * W; 0 is a real stride, of an expanded input).  A stateful filter's chunk cut out of a longer multi-channel video is such a
// view.  The direct kernels read it in place; im2col gathers it first.
struct ConvForwardArgs {
  ConvGeometry geometry;
  const void* input = nullptr;
  const void* weight = nullptr;
  const void* bias = nullptr;
  void* output = nullptr;
  int64_t input_sample_stride = -1, input_channel_stride = -1;

  // The input's (sample, channel) strides with -1 resolved to the contiguous layout.
  std::array<int64_t, 2> input_strides() const {
    const int64_t block = geometry.in_size[0] * geometry.in_size[1] * geometry.in_size[2];
    if (input_sample_stride < 0 || input_channel_stride < 0) return {geometry.in_channels * block, block};
    return {input_sample_stride, input_channel_stride};
  }
  bool input_contiguous() const {
    const std::array<int64_t, 2> s = input_strides();
    const int64_t block = geometry.in_size[0] * geometry.in_size[1] * geometry.in_size[2];
    return (geometry.in_channels == 1 || s[1] == block) && (geometry.batch == 1 || s[0] == geometry.in_channels * block);
  }
};

// grad_input = d(sum(output * grad_output)) / d input; grad_input is overwritten.
struct ConvBackwardInputArgs {
  ConvGeometry geometry;
  const void* grad_output = nullptr;
  const void* weight = nullptr;
  void* grad_input = nullptr;
};

// grad_weight = d(sum(output * grad_output)) / d weight; grad_weight is overwritten.
struct ConvBackwardWeightArgs {
  ConvGeometry geometry;
  const void* grad_output = nullptr;
  const void* input = nullptr;
  void* grad_weight = nullptr;
};

// The kernel signatures ConvForwardKernel, ConvBackwardInputKernel, ConvBackwardWeightKernel,
// PoolForwardKernel and PoolBackwardKernel are declared in kernels/dispatch.h, with the ops
// (Note [One list of ops]).

// Pooling over `planes` = N * C independent [T, H, W] planes.  Windows follow LibTorch:
// window o starts at o * stride - padding; a max window skips positions outside the input,
// an average window is clipped to the input (and to input + padding for its divisor when
// count_include_pad).
struct PoolGeometry {
  int64_t planes = 0;
  Dims3 in_size{1, 1, 1};
  Dims3 out_size{1, 1, 1};
  Dims3 kernel{1, 1, 1};
  Dims3 stride{1, 1, 1};
  Dims3 padding{0, 0, 0};
  Dims3 dilation{1, 1, 1};  // max pooling only
  bool count_include_pad = true;  // average pooling only
};

// max: output and indices (the flat position of the maximum inside its input plane, as
// LibTorch's; -1 for a window that meets no input element).  avg: indices is null.
struct PoolForwardArgs {
  PoolGeometry geometry;
  const void* input = nullptr;
  void* output = nullptr;
  int64_t* indices = nullptr;
};

// grad_input (overwritten) from grad_output; max uses indices, avg the geometry.
struct PoolBackwardArgs {
  PoolGeometry geometry;
  const void* grad_output = nullptr;
  const int64_t* indices = nullptr;
  void* grad_input = nullptr;
};


}  // namespace convis
