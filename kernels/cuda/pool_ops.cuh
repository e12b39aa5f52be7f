// kernels/cuda/pool_ops.cuh: max and average pooling on the device over [T, H, W] planes, the
// windows of kernels/pool_windows.h (shared with the CPU).  Compiled by nvcc and by g++ for the
// emulated device (kernels/cuda/backend_kernels.h).
//
//   klaunch(pool_forward<float, true>, dim3(blocks), dim3(256), 0, geometry, x, y, indices);
//
// Note [CUDA pooling order]
// Forward: one thread per output element visits its window's taps in the CPU's order (t, h, w),
// so the maximum, its index and the average's sum are the CPU's bits.  Backward: windows may
// overlap, and the CPU adds their shares into the input gradient in output order, starting
// from zero.  Here one thread per input element gathers: it visits the outputs whose windows
// may meet it (a box of output positions per dim, from the window arithmetic inverted) in
// increasing flat order, keeps those that do (max: the output's index names this element; avg:
// the element is among avg_taps of the output in every dim) and adds their shares to a sum that
// starts at zero.  Each element thus sees the same additions in the same order as on the CPU:
// the same bits, with every element in parallel and nothing written twice.
#pragma once

#include <cstdint>

#include "convis/kernels/cuda/compat.h"
#include "convis/kernels/pool_windows.h"

namespace convis::cuda_kernels {

// The taps of output o's window (kMax: a max window, else an average one) along t, h and w.
template <bool kMax>
__device__ __forceinline__ void window_of(const PoolGeometry& g, std::int64_t o, Taps& t, Taps& h, Taps& w) {
  const std::int64_t ot = o / (g.out_size[1] * g.out_size[2]), oh = o / g.out_size[2] % g.out_size[1], ow = o % g.out_size[2];
  t = kMax ? max_taps(g, 0, ot) : avg_taps(g, 0, ot);
  h = kMax ? max_taps(g, 1, oh) : avg_taps(g, 1, oh);
  w = kMax ? max_taps(g, 2, ow) : avg_taps(g, 2, ow);
}

// kMax: out = the window's maximum (a NaN wins) and indices its flat position in the plane;
// else out = the window's average (indices unused).  One thread per output element.
template <typename T, bool kMax>
__global__ void pool_forward(PoolGeometry g, const T* in, T* out, std::int64_t* indices) {
  const std::int64_t in_plane = pool_volume(g.in_size), out_plane = pool_volume(g.out_size);
  const std::int64_t n = g.planes * out_plane, step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t i = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += step) {
    Taps t, h, w;
    window_of<kMax>(g, i % out_plane, t, h, w);
    const T* plane = in + i / out_plane * in_plane;
    if constexpr (kMax) {
      T best = T(-INFINITY);
      std::int64_t best_at = -1;
      for_each_tap(g, t, h, w, [&](std::int64_t at) {
        const T v = plane[at];
        if (best_at < 0 || v > best || v != v) best = v, best_at = at;
      });
      out[i] = best;
      indices[i] = best_at;
    } else {
      const std::int64_t divisor = avg_divisor(g, t, h, w);
      T sum = 0;
      for_each_tap(g, t, h, w, [&](std::int64_t at) { sum += plane[at]; });
      out[i] = divisor > 0 && t.count * h.count * w.count > 0 ? sum / T(divisor) : T(0);
    }
  }
}

// The output positions [lo, hi] along dim d whose windows may meet input position i: a window
// o covers [o * stride - padding, o * stride - padding + (kernel - 1) * dilation].
__device__ __forceinline__ void outputs_meeting(const PoolGeometry& g, int d, std::int64_t i, std::int64_t& lo,
                                                std::int64_t& hi) {
  const std::int64_t s = g.stride[d], last = i + g.padding[d], first = last - (g.kernel[d] - 1) * g.dilation[d];
  lo = first > 0 ? (first + s - 1) / s : 0;
  hi = last / s < g.out_size[d] - 1 ? last / s : g.out_size[d] - 1;
}

__device__ __forceinline__ bool among(const Taps& t, std::int64_t i) {
  return i >= t.first && i < t.first + t.count * t.step && (i - t.first) % t.step == 0;
}

// One thread per input element, gathering its windows in output order (Note [CUDA pooling order]).
template <typename T, bool kMax>
__global__ void pool_backward_gather(PoolGeometry g, const T* grad_out, const std::int64_t* indices, T* grad_in) {
  const std::int64_t in_plane = pool_volume(g.in_size), out_plane = pool_volume(g.out_size);
  const std::int64_t n = g.planes * in_plane, step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t e = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < n; e += step) {
    const std::int64_t at = e % in_plane, plane = e / in_plane;
    const std::int64_t it = at / (g.in_size[1] * g.in_size[2]), ih = at / g.in_size[2] % g.in_size[1], iw = at % g.in_size[2];
    std::int64_t t0, t1, h0, h1, w0, w1;
    outputs_meeting(g, 0, it, t0, t1);
    outputs_meeting(g, 1, ih, h0, h1);
    outputs_meeting(g, 2, iw, w0, w1);
    const T* gout = grad_out + plane * out_plane;
    const std::int64_t* index = kMax ? indices + plane * out_plane : nullptr;
    T sum = T(0);
    for (std::int64_t ot = t0; ot <= t1; ++ot) {
      for (std::int64_t oh = h0; oh <= h1; ++oh) {
        for (std::int64_t ow = w0; ow <= w1; ++ow) {
          const std::int64_t o = (ot * g.out_size[1] + oh) * g.out_size[2] + ow;
          if (kMax) {
            if (index[o] == at) sum += gout[o];
            continue;
          }
          const Taps t = avg_taps(g, 0, ot), h = avg_taps(g, 1, oh), w = avg_taps(g, 2, ow);
          const std::int64_t divisor = avg_divisor(g, t, h, w);
          if (divisor > 0 && among(t, it) && among(h, ih) && among(w, iw)) sum += gout[o] / T(divisor);
        }
      }
    }
    grad_in[e] = sum;
  }
}

}  // namespace convis::cuda_kernels
