// kernels/recursion.h: what the temporal recursion kernels receive (OpKind::linear_recursion,
// OpKind::first_order_stream), the IIR filters of the convis layer model
// (nn/convis/filters/recursive.h), and their arithmetic on one element, written once for the CPU
// (kernels/cpu/recursion.cpp) and CUDA (kernels/cuda/recurrent.cuh).  C++17: nvcc includes it.
//
//   // y[n] = b0 x[n] + a1 y[n-1] over 3 frames of 2 x 2 pixels, y[-1] = y0
//   LinearRecursionArgs r;
//   r.x = x;  r.y0 = y0;  r.y = y;        // [outer, n, inner] contiguous; y0 [outer, inner] or null
//   r.outer = 1;  r.n = 3;  r.inner = 4;
//   r.b0 = 0.5;  r.a1 = 0.5;
//   find_kernel<OpKind::linear_recursion>(kCPU, kFloat32)(r);
//
// Note [Recursion order]
// The recursions run along n (time), independently for each (outer, inner) column.  Every
// element is the same sequence of rounded operations, in the same order, on every backend:
// the functions below, compiled without contraction into FMAs (-ffp-contract=off on the CPU,
// --fmad=false for nvcc), so the CPU, the emulated device and a GPU give the same bits, and a
// column split among threads (CPU: inner ranges; CUDA: one thread per column) cannot change them.
#pragma once

#include <cstdint>

#include "convis/kernels/elementwise_functors.h"  // CONVIS_HOST_DEVICE, CONVIS_ALWAYS_INLINE

namespace convis {

// y[n] = b0 x[n] + b1 x[n-1] + a1 y[n-1] + a2 y[n-2]; x[-1] = 0, y[-1] = y0 (or 0), y[-2] = 0.
struct LinearRecursionArgs {
  const void* x = nullptr;   // [outer, n, inner]
  const void* y0 = nullptr;  // [outer, inner], or null: zeros
  void* y = nullptr;         // [outer, n, inner], written
  std::int64_t outer = 0, n = 0, inner = 0;
  double b0 = 0, b1 = 0, a1 = 0, a2 = 0;
};

// The first-order low-pass of the recursive filters, streamed (Note [Streamed recursion] in
// nn/convis/filters/recursive.h): y[t] = a xp[t] + e y[t-1] with y[-1] the state (unless
// fresh), xp = x delayed by one frame with xp[0] = previous when previous is given, else x;
// the state keeps y's last frame; out = (y scale) / tau, or x - ((y scale) / tau) k (highpass).
struct FirstOrderStreamArgs {
  const void* x = nullptr;         // [outer, n, inner]
  const void* previous = nullptr;  // [outer, inner], or null
  void* state = nullptr;           // [outer, inner], read (unless fresh) and written
  void* out = nullptr;             // [outer, n, inner], written
  bool fresh = false, highpass = false;
  std::int64_t outer = 0, n = 0, inner = 0;
  double a = 0, e = 0, scale = 0, tau = 0, k = 0;
};

namespace recursion {

// One element of the linear recursion; has_* say which earlier terms exist.
template <typename T>
CONVIS_HOST_DEVICE CONVIS_ALWAYS_INLINE T linear_step(T b0, T b1, T a1, T a2, T x, T x1, T y1, T y2, bool has_x1,
                                                      bool has_y1, bool has_y2) {
  T y = b0 * x;
  if (has_x1 && b1 != T(0)) y += b1 * x1;
  if (has_y1) y += a1 * y1;
  if (has_y2 && a2 != T(0)) y += a2 * y2;
  return y;
}

// The coefficients of the streamed first-order recursion in T, converted once per call.
template <typename T>
struct FirstOrder {
  T a, e, scale, tau, k;
  bool highpass;
  CONVIS_HOST_DEVICE explicit FirstOrder(const FirstOrderStreamArgs& f)
      : a(T(f.a)), e(T(f.e)), scale(T(f.scale)), tau(T(f.tau)), k(T(f.k)), highpass(f.highpass) {}
};

// One element of the streamed first-order recursion: updates the state s, returns the output.
template <typename T>
CONVIS_HOST_DEVICE CONVIS_ALWAYS_INLINE T first_order_step(const FirstOrder<T>& f, T x, T xp, bool has_y1, T& s) {
  T y = f.a * xp;
  if (has_y1) y += f.e * s;
  s = y;
  const T low = (y * f.scale) / f.tau;
  return f.highpass ? x - low * f.k : low;
}

}  // namespace recursion
}  // namespace convis
