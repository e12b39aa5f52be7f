// kernels/cuda/conv_direct.cuh: convolution on the device for every geometry of kernels/conv.h
// (1-D, 2-D and 3-D, stride, padding, dilation, groups, a strided input): forward, backward of
// the input and of the weight.  Compiled by nvcc and by g++ for the emulated device
// (kernels/cuda/backend_conv.h).
//
//   ConvLoop g = conv_loop(args.geometry, args.input_strides());
//   klaunch(conv_forward_direct<float>, dim3(blocks), dim3(256), 0, g, x, w, bias, y);
//
// Note [CUDA direct convolution]
// One thread per output element (forward) or input element (backward of the input) sums its
// taps with fused multiply-adds in the order of the CPU's direct kernels (Note [Direct
// convolution order] in kernels/cpu/conv_direct.h): forward over (input channel, kt, kh, kw)
// ascending, the input gradient over (output channel, then kt, kh, kw descending: the CPU runs
// it as a forward with the flipped weight).  Taps that fall in the padding are skipped where
// the CPU multiplies zeros: the same value but for a weight of inf or NaN, or the sign of a zero.
// So for stride 1 and no dilation (what the CPU runs directly) the emulated device gives the
// CPU's bits at avx2 and avx512.  The weight gradient is a long reduction: one block per weight
// element, threads striding over (sample, output position), a fixed tree joining them
// (Note [Deterministic CUDA reductions]).  These are the general kernels; the tiled ones for the
// convis shapes (kernels/cuda/conv3d.cuh) and cuDNN are the next steps.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "convis/kernels/cuda/compat.h"
#include "convis/kernels/cuda/reduce_ops.cuh"

namespace convis::cuda_kernels {

struct ConvLoop {
  std::int64_t batch, groups, in_channels, out_channels;
  std::int64_t in[3], out[3], kernel[3], stride[3], padding[3], dilation[3];
  std::int64_t in_sample_stride, in_channel_stride;  // elements (Note [Strided conv input])
};

// c + a * b: fused for floating types (as the CPU's fmadd), plain for integers.
template <typename T>
__device__ __forceinline__ T mad(T a, T b, T c) {
  if constexpr (std::is_floating_point<T>::value) return std::fma(a, b, c);
  else return T(c + a * b);
}

// y[n, co, o] = sum over (ci, kt, kh, kw) of w * x (+ bias): one thread per output element.
template <typename T>
__global__ void conv_forward_direct(ConvLoop g, const T* x, const T* w, const T* bias, T* y) {
  const std::int64_t cin_g = g.in_channels / g.groups, cout_g = g.out_channels / g.groups;
  const std::int64_t frame = g.out[1] * g.out[2], plane = g.out[0] * frame, taps = g.kernel[0] * g.kernel[1] * g.kernel[2];
  const std::int64_t n_out = g.batch * g.out_channels * plane, step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t o = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; o < n_out; o += step) {
    const std::int64_t ox = o % g.out[2], oy = o / g.out[2] % g.out[1], ot = o / frame % g.out[0];
    const std::int64_t co = o / plane % g.out_channels, n = o / plane / g.out_channels;
    const std::int64_t ci0 = co / cout_g * cin_g;
    T acc = T(0);
    for (std::int64_t ci = 0; ci < cin_g; ++ci) {
      const T* xc = x + n * g.in_sample_stride + (ci0 + ci) * g.in_channel_stride;
      const T* wc = w + (co * cin_g + ci) * taps;
      for (std::int64_t kt = 0; kt < g.kernel[0]; ++kt) {
        const std::int64_t it = ot * g.stride[0] - g.padding[0] + kt * g.dilation[0];
        if (it < 0 || it >= g.in[0]) continue;
        for (std::int64_t kh = 0; kh < g.kernel[1]; ++kh) {
          const std::int64_t iy = oy * g.stride[1] - g.padding[1] + kh * g.dilation[1];
          if (iy < 0 || iy >= g.in[1]) continue;
          for (std::int64_t kw = 0; kw < g.kernel[2]; ++kw) {
            const std::int64_t ix = ox * g.stride[2] - g.padding[2] + kw * g.dilation[2];
            if (ix < 0 || ix >= g.in[2]) continue;
            acc = mad(wc[(kt * g.kernel[1] + kh) * g.kernel[2] + kw], xc[(it * g.in[1] + iy) * g.in[2] + ix], acc);
          }
        }
      }
    }
    y[o] = bias ? T(acc + bias[co]) : acc;
  }
}

// The output position that tap k of input position i meets along one dim, or -1.
__device__ __forceinline__ std::int64_t output_of(std::int64_t i, std::int64_t k, std::int64_t stride,
                                                  std::int64_t padding, std::int64_t dilation, std::int64_t out) {
  const std::int64_t at = i + padding - k * dilation;
  if (at < 0 || at % stride != 0 || at / stride >= out) return -1;
  return at / stride;
}

// gx[n, ci, i] = sum over (co, kt, kh, kw descending) of w * gy: one thread per input element.
template <typename T>
__global__ void conv_backward_input_direct(ConvLoop g, const T* gy, const T* w, T* gx) {
  const std::int64_t cin_g = g.in_channels / g.groups, cout_g = g.out_channels / g.groups;
  const std::int64_t frame = g.in[1] * g.in[2], plane = g.in[0] * frame, taps = g.kernel[0] * g.kernel[1] * g.kernel[2];
  const std::int64_t out_plane = g.out[0] * g.out[1] * g.out[2];
  const std::int64_t n_in = g.batch * g.in_channels * plane, step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n_in; i += step) {
    const std::int64_t ix = i % g.in[2], iy = i / g.in[2] % g.in[1], it = i / frame % g.in[0];
    const std::int64_t ci = i / plane % g.in_channels, n = i / plane / g.in_channels;
    const std::int64_t group = ci / cin_g, ci_local = ci % cin_g;
    T acc = T(0);
    for (std::int64_t co = group * cout_g; co < (group + 1) * cout_g; ++co) {
      const T* gyc = gy + (n * g.out_channels + co) * out_plane;
      const T* wc = w + (co * cin_g + ci_local) * taps;
      for (std::int64_t kt = g.kernel[0] - 1; kt >= 0; --kt) {
        const std::int64_t ot = output_of(it, kt, g.stride[0], g.padding[0], g.dilation[0], g.out[0]);
        if (ot < 0) continue;
        for (std::int64_t kh = g.kernel[1] - 1; kh >= 0; --kh) {
          const std::int64_t oy = output_of(iy, kh, g.stride[1], g.padding[1], g.dilation[1], g.out[1]);
          if (oy < 0) continue;
          for (std::int64_t kw = g.kernel[2] - 1; kw >= 0; --kw) {
            const std::int64_t ox = output_of(ix, kw, g.stride[2], g.padding[2], g.dilation[2], g.out[2]);
            if (ox < 0) continue;
            acc = mad(wc[(kt * g.kernel[1] + kh) * g.kernel[2] + kw], gyc[(ot * g.out[1] + oy) * g.out[2] + ox], acc);
          }
        }
      }
    }
    gx[i] = acc;
  }
}

// gw[co, ci, k] = sum over (n, output position) of gy * x: one block per weight element.
template <typename T>
__global__ void conv_backward_weight_direct(ConvLoop g, const T* gy, const T* x, T* gw) {
  DYN_SHARED(T, shared);
  const std::int64_t cin_g = g.in_channels / g.groups, cout_g = g.out_channels / g.groups;
  const std::int64_t taps = g.kernel[0] * g.kernel[1] * g.kernel[2], frame = g.out[1] * g.out[2];
  const std::int64_t out_plane = g.out[0] * frame, in_plane = g.in[0] * g.in[1] * g.in[2];
  const std::int64_t weights = g.out_channels * cin_g * taps, terms = g.batch * out_plane;
  for (std::int64_t e = blockIdx.x; e < weights; e += gridDim.x) {
    const std::int64_t kw = e % g.kernel[2], kh = e / g.kernel[2] % g.kernel[1], kt = e / (g.kernel[1] * g.kernel[2]) % g.kernel[0];
    const std::int64_t co = e / taps / cin_g, ci = co / cout_g * cin_g + e / taps % cin_g;
    T acc = T(0);
    for (std::int64_t j = threadIdx.x; j < terms; j += blockDim.x) {
      const std::int64_t ox = j % g.out[2], oy = j / g.out[2] % g.out[1], ot = j / frame % g.out[0], n = j / out_plane;
      const std::int64_t it = ot * g.stride[0] - g.padding[0] + kt * g.dilation[0];
      const std::int64_t iy = oy * g.stride[1] - g.padding[1] + kh * g.dilation[1];
      const std::int64_t ix = ox * g.stride[2] - g.padding[2] + kw * g.dilation[2];
      if (it < 0 || it >= g.in[0] || iy < 0 || iy >= g.in[1] || ix < 0 || ix >= g.in[2]) continue;
      acc = mad(gy[(n * g.out_channels + co) * out_plane + j % out_plane],
                x[(n * g.in_channels + ci) * in_plane + (it * g.in[1] + iy) * g.in[2] + ix], acc);
    }
    acc = block_fold(acc, shared, Plus{});
    if (threadIdx.x == 0) gw[e] = acc;
  }
}

}  // namespace convis::cuda_kernels
