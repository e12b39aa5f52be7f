// kernels/cuda/pool_ops.cuh: max and average pooling on the device over [T, H, W] planes, the
// windows of kernels/pool_windows.h (shared with the CPU).  Compiled by nvcc and by g++ for the
// emulated device (kernels/cuda/backend_kernels.h).
//
//   klaunch(pool_forward<float, true>, dim3(blocks), dim3(256), 0, geometry, x, y, indices);
//
// Note [CUDA pooling order]
// Forward: one thread per output element visits its window's taps in the CPU's order (t, h, w),
// so the maximum, its index and the average's sum are the CPU's bits.  Backward: windows may
// overlap, and the CPU adds their shares into the input gradient in output order; one thread
// per plane does the same here (the same bits, parallel over planes only: a gather form, each
// input element summing its windows in output order, is the parallel next step).
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

// One thread per plane, outputs in order (Note [CUDA pooling order]).
template <typename T, bool kMax>
__global__ void pool_backward_planes(PoolGeometry g, const T* grad_out, const std::int64_t* indices, T* grad_in) {
  const std::int64_t in_plane = pool_volume(g.in_size), out_plane = pool_volume(g.out_size);
  const std::int64_t step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t p = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; p < g.planes; p += step) {
    T* gin = grad_in + p * in_plane;
    const T* gout = grad_out + p * out_plane;
    for (std::int64_t i = 0; i < in_plane; ++i) gin[i] = T(0);
    for (std::int64_t o = 0; o < out_plane; ++o) {
      if (kMax) {
        const std::int64_t at = indices[p * out_plane + o];
        if (at >= 0) gin[at] += gout[o];
        continue;
      }
      Taps t, h, w;
      window_of<false>(g, o, t, h, w);
      const std::int64_t divisor = avg_divisor(g, t, h, w);
      if (divisor <= 0) continue;
      const T share = gout[o] / T(divisor);
      for_each_tap(g, t, h, w, [&](std::int64_t at) { gin[at] += share; });
    }
  }
}

}  // namespace convis::cuda_kernels
