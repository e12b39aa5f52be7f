// kernels/cuda/conv3d.cuh: the convis case of conv3d on the device: one channel in and out,
// a large spatio-temporal kernel, stride 1, no padding (the filters pad before they convolve).
//
//   ConvSizes s{batch, in_t, in_h, in_w, kt, kh, kw};   // outputs: in - k + 1 in each dim
//   klaunch(conv3d_one_channel<float>, conv3d_grid(s), dim3(kConvTile, kConvTile),
//           conv3d_shared_bytes<float>(s), x, w, y, s);
//
// Note [CUDA conv3d, one channel]
// A block computes a kConvTile x kConvTile tile of one output frame.  For each tap frame kt it
// loads the input tile and its halo, (tile + kh - 1) x (tile + kw - 1) values, into dynamic
// shared memory (all threads, strided), waits, adds its kh x kw taps, and waits again before
// the next frame overwrites the tile.  Each output sums its taps in the order (kt, kh, kw), as
// the CPU's direct kernel does (Note [Direct convolution order]); the device's FMA contraction
// changes the last bits only.  Threads outside the output still load and wait: a thread that
// returned early would leave the others at __syncthreads (the emulator reports it).
#pragma once

#include <cstddef>
#include <cstdint>

#include "convis/kernels/cuda/compat.h"
#include "convis/kernels/cuda/conv_sizes.h"

namespace convis::cuda_kernels {

constexpr int kConvTile = 16;

__host__ __device__ inline int out_t(const ConvSizes& s) { return s.in_t - s.kt + 1; }
__host__ __device__ inline int out_h(const ConvSizes& s) { return s.in_h - s.kh + 1; }
__host__ __device__ inline int out_w(const ConvSizes& s) { return s.in_w - s.kw + 1; }

inline dim3 conv3d_grid(const ConvSizes& s) {
  return dim3(unsigned((out_w(s) + kConvTile - 1) / kConvTile), unsigned((out_h(s) + kConvTile - 1) / kConvTile),
              unsigned(s.batch * out_t(s)));
}

template <typename T>
std::size_t conv3d_shared_bytes(const ConvSizes& s) {
  return std::size_t(kConvTile + s.kh - 1) * std::size_t(kConvTile + s.kw - 1) * sizeof(T);
}

// y[n, t, i, j] = sum over (a, b, c) of w[a, b, c] * x[n, t + a, i + b, j + c].
template <typename T>
__global__ void conv3d_one_channel(const T* x, const T* w, T* y, ConvSizes s) {
  DYN_SHARED(T, tile);
  const int tile_h = kConvTile + s.kh - 1, tile_w = kConvTile + s.kw - 1;
  const int i0 = int(blockIdx.y) * kConvTile, j0 = int(blockIdx.x) * kConvTile;
  const int n = int(blockIdx.z) / out_t(s), t = int(blockIdx.z) % out_t(s);
  const int ti = int(threadIdx.y), tj = int(threadIdx.x);
  const bool inside = i0 + ti < out_h(s) && j0 + tj < out_w(s);
  const std::int64_t frame = std::int64_t(s.in_h) * s.in_w;
  T sum = T(0);
  for (int a = 0; a < s.kt; ++a) {
    const T* in = x + (std::int64_t(n) * s.in_t + t + a) * frame;
    for (int k = ti * kConvTile + tj; k < tile_h * tile_w; k += kConvTile * kConvTile) {
      const int r = i0 + k / tile_w, c = j0 + k % tile_w;
      tile[k] = r < s.in_h && c < s.in_w ? in[std::int64_t(r) * s.in_w + c] : T(0);
    }
    __syncthreads();
    if (inside) {
      const T* taps = w + std::int64_t(a) * s.kh * s.kw;
      for (int b = 0; b < s.kh; ++b)
        for (int c = 0; c < s.kw; ++c) sum += taps[b * s.kw + c] * tile[(ti + b) * tile_w + tj + c];
    }
    __syncthreads();
  }
  if (inside) y[((std::int64_t(n) * out_t(s) + t) * out_h(s) + i0 + ti) * out_w(s) + j0 + tj] = sum;
}

}  // namespace convis::cuda_kernels
