// kernels/cpu/pool.cpp: CPU max and average pooling, forward and backward, over
// [T, H, W] planes (1-D and 2-D pooling are lifted; see Note [Every convolution is 3-D]).
//
// Note [Pooling windows as LibTorch's]
// Along one dim, output o's window starts at s = o * stride - padding.
//  - max: taps s, s + dilation, ... (kernel of them); taps outside [0, size) are skipped.
//    The maximum is the first tap seen, then replaced by any larger value or NaN (so NaN
//    wins, as LibTorch), and its index is the flat position in the input plane.
//  - avg: the window [s, min(s + kernel, size + padding)) is clipped to [0, size); the sum
//    is divided by the unclipped window's volume when count_include_pad, else by the
//    clipped one's.  ceil_mode can produce a last window that reaches past size + padding:
//    that part never counts.
// The backward of max adds grad_output at the saved index; the backward of avg spreads
// grad_output / divisor over the same window as the forward.
#include <algorithm>
#include <cmath>
#include <limits>

#include "convis/kernels/conv.h"
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/pool_windows.h"

CONVIS_CPU_BEGIN

namespace {

int64_t volume(const Dims3& d) { return pool_volume(d); }

// Calls f(out_index, taps_t, taps_h, taps_w) for every output position of one plane.
template <typename TapsFn, typename F>
void for_each_window(const PoolGeometry& g, TapsFn taps, F&& f) {
  int64_t o = 0;
  for (int64_t ot = 0; ot < g.out_size[0]; ++ot) {
    const Taps t = taps(g, 0, ot);
    for (int64_t oh = 0; oh < g.out_size[1]; ++oh) {
      const Taps h = taps(g, 1, oh);
      for (int64_t ow = 0; ow < g.out_size[2]; ++ow) f(o++, t, h, taps(g, 2, ow));
    }
  }
}

template <typename T>
void max_pool_forward_kernel(const PoolForwardArgs& a) {
  const PoolGeometry& g = a.geometry;
  const int64_t in_plane = volume(g.in_size), out_plane = volume(g.out_size);
  for (int64_t p = 0; p < g.planes; ++p) {
    const T* in = static_cast<const T*>(a.input) + p * in_plane;
    T* out = static_cast<T*>(a.output) + p * out_plane;
    int64_t* idx = a.indices + p * out_plane;
    for_each_window(g, max_taps, [&](int64_t o, const Taps& t, const Taps& h, const Taps& w) {
      T best = -std::numeric_limits<T>::infinity();
      int64_t best_at = -1;
      for_each_tap(g, t, h, w, [&](int64_t at) {
        const T v = in[at];
        if (best_at < 0 || v > best || std::isnan(v)) best = v, best_at = at;
      });
      out[o] = best;
      idx[o] = best_at;
    });
  }
}

template <typename T>
void max_pool_backward_kernel(const PoolBackwardArgs& a) {
  const PoolGeometry& g = a.geometry;
  const int64_t in_plane = volume(g.in_size), out_plane = volume(g.out_size);
  T* gin = static_cast<T*>(a.grad_input);
  std::fill(gin, gin + g.planes * in_plane, T(0));
  const T* gout = static_cast<const T*>(a.grad_output);
  for (int64_t p = 0; p < g.planes; ++p) {
    for (int64_t o = 0; o < out_plane; ++o) {
      const int64_t at = a.indices[p * out_plane + o];
      if (at >= 0) gin[p * in_plane + at] += gout[p * out_plane + o];
    }
  }
}

template <typename T>
void avg_pool_forward_kernel(const PoolForwardArgs& a) {
  const PoolGeometry& g = a.geometry;
  const int64_t in_plane = volume(g.in_size), out_plane = volume(g.out_size);
  for (int64_t p = 0; p < g.planes; ++p) {
    const T* in = static_cast<const T*>(a.input) + p * in_plane;
    T* out = static_cast<T*>(a.output) + p * out_plane;
    for_each_window(g, avg_taps, [&](int64_t o, const Taps& t, const Taps& h, const Taps& w) {
      const int64_t divisor = avg_divisor(g, t, h, w);
      T sum = 0;
      for_each_tap(g, t, h, w, [&](int64_t at) { sum += in[at]; });
      out[o] = divisor > 0 && t.count * h.count * w.count > 0 ? sum / T(divisor) : T(0);
    });
  }
}

template <typename T>
void avg_pool_backward_kernel(const PoolBackwardArgs& a) {
  const PoolGeometry& g = a.geometry;
  const int64_t in_plane = volume(g.in_size), out_plane = volume(g.out_size);
  T* gin_all = static_cast<T*>(a.grad_input);
  std::fill(gin_all, gin_all + g.planes * in_plane, T(0));
  for (int64_t p = 0; p < g.planes; ++p) {
    T* gin = gin_all + p * in_plane;
    const T* gout = static_cast<const T*>(a.grad_output) + p * out_plane;
    for_each_window(g, avg_taps, [&](int64_t o, const Taps& t, const Taps& h, const Taps& w) {
      const int64_t divisor = avg_divisor(g, t, h, w);
      if (divisor <= 0) return;
      const T share = gout[o] / T(divisor);
      for_each_tap(g, t, h, w, [&](int64_t at) { gin[at] += share; });
    });
  }
}

}  // namespace

void register_pool_kernels() {
  register_kernel<OpKind::max_pool_forward>(kCPU, kFloat32, &max_pool_forward_kernel<float>);
  register_kernel<OpKind::max_pool_forward>(kCPU, kFloat64, &max_pool_forward_kernel<double>);
  register_kernel<OpKind::max_pool_backward>(kCPU, kFloat32, &max_pool_backward_kernel<float>);
  register_kernel<OpKind::max_pool_backward>(kCPU, kFloat64, &max_pool_backward_kernel<double>);
  register_kernel<OpKind::avg_pool_forward>(kCPU, kFloat32, &avg_pool_forward_kernel<float>);
  register_kernel<OpKind::avg_pool_forward>(kCPU, kFloat64, &avg_pool_forward_kernel<double>);
  register_kernel<OpKind::avg_pool_backward>(kCPU, kFloat32, &avg_pool_backward_kernel<float>);
  register_kernel<OpKind::avg_pool_backward>(kCPU, kFloat64, &avg_pool_backward_kernel<double>);
}

CONVIS_CPU_END
