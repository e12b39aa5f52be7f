// kernels/pool_windows.h: which input positions a pooling window meets (Note [Pooling windows as
// LibTorch's] in kernels/cpu/pool.cpp), written once for the CPU kernels and the CUDA ones
// (kernels/cuda/pool_ops.cuh).  C++17: nvcc includes it.
//
//   const Taps t = max_taps(g, 0, ot);   // the frames window ot of a max pooling meets
//   for (int64_t a = 0; a < t.count; ++a) visit(t.first + a * t.step);
#pragma once

#include <cstdint>

#include "convis/kernels/conv.h"
#include "convis/kernels/elementwise_functors.h"  // CONVIS_HOST_DEVICE

namespace convis {

// The input positions first, first + step, ... (count of them) that one window meets.
struct Taps {
  std::int64_t first = 0, count = 0, step = 1;
  std::int64_t full = 0;  // avg: the window's length including padding (its divisor share)
};

CONVIS_HOST_DEVICE inline std::int64_t pool_volume(const Dims3& d) { return d[0] * d[1] * d[2]; }

CONVIS_HOST_DEVICE inline Taps max_taps(const PoolGeometry& g, int d, std::int64_t o) {
  const std::int64_t start = o * g.stride[d] - g.padding[d], dil = g.dilation[d];
  const std::int64_t lo = start < 0 ? (-start + dil - 1) / dil : 0;  // first tap at or after 0
  const std::int64_t room = g.in_size[d] - 1 - start;                 // taps j with j * dil <= room fit
  const std::int64_t fit = room / dil + 1, hi = room < 0 ? 0 : (g.kernel[d] < fit ? g.kernel[d] : fit);
  return {start + lo * dil, hi > lo ? hi - lo : 0, dil, 0};
}

CONVIS_HOST_DEVICE inline Taps avg_taps(const PoolGeometry& g, int d, std::int64_t o) {
  const std::int64_t start = o * g.stride[d] - g.padding[d];
  const std::int64_t reach = g.in_size[d] + g.padding[d];
  const std::int64_t end = start + g.kernel[d] < reach ? start + g.kernel[d] : reach;
  const std::int64_t first = start > 0 ? start : 0, last = end < g.in_size[d] ? end : g.in_size[d];
  return {first, last > first ? last - first : 0, 1, end - start};
}

// The divisor of one average window.
CONVIS_HOST_DEVICE inline std::int64_t avg_divisor(const PoolGeometry& g, const Taps& t, const Taps& h, const Taps& w) {
  return g.count_include_pad ? t.full * h.full * w.full : t.count * h.count * w.count;
}

// Calls f(flat input index) for every tap of a window, in the order (t, h, w).  Always inlined:
// the CPU's per-level kernels (Note [One source, three capabilities]) inline f into their own
// loops only through it.
template <typename F>
CONVIS_HOST_DEVICE CONVIS_ALWAYS_INLINE void for_each_tap(const PoolGeometry& g, const Taps& t, const Taps& h, const Taps& w, F&& f) {
  for (std::int64_t a = 0; a < t.count; ++a) {
    const std::int64_t it = t.first + a * t.step;
    for (std::int64_t b = 0; b < h.count; ++b) {
      const std::int64_t row = (it * g.in_size[1] + h.first + b * h.step) * g.in_size[2];
      for (std::int64_t c = 0; c < w.count; ++c) f(row + w.first + c * w.step);
    }
  }
}

}  // namespace convis
