// kernels/bipolar.h: what the bipolar kernel receives (OpKind::bipolar_uniform), the contrast
// gain control of the retina's bipolar cells while its adaptation state Q is uniform over each
// frame (nn/convis/retina/bipolar.cpp, Note [Bipolar without a graph]), and its arithmetic,
// written once for the CPU (kernels/cpu/recursion.cpp) and CUDA (kernels/cuda/recurrent.cuh).
// C++17: nvcc includes it.
//
//   BipolarArgs a;
//   a.input = i;  a.out = o;  a.v = v;  a.q = q;   // [planes, frames, pixels]; v, q [planes, pixels]
//   a.planes = 1;  a.frames = 100;  a.pixels = 400;
//   a.dt = 0.001;  a.input_amp = 50;  a.g_leak = 50;  a.lambda_amp = 0;  a.e = std::exp(-0.001 / 0.005);
//   find_kernel<OpKind::bipolar_uniform>(kCPU, kFloat32)(a);   // v, q updated in place
//
// Per frame of a plane, with g = g_leak + Q[0] and decay = exp(-dt g) taken once from the
// plane's first pixel at the frame's start (Q is uniform, so that is every pixel's), and per pixel:
//   E_inf = input_amp I / g;  V <- (V - E_inf) decay + E_inf;  Q <- e Q + (1 - e) lambda_amp V_prev^2
// in double, stored in T.  The frames of a plane run in order; pixels are independent within a
// frame but all read Q[0] before any writes it (the CUDA kernel keeps g and decay in shared
// memory between two barriers).
#pragma once

#include <cmath>
#include <cstdint>

#include "convis/kernels/elementwise_functors.h"  // CONVIS_HOST_DEVICE, CONVIS_ALWAYS_INLINE

namespace convis {

struct BipolarArgs {
  const void* input = nullptr;  // [planes, frames, pixels]
  void* out = nullptr;          // [planes, frames, pixels], written
  void* v = nullptr;            // [planes, pixels]: V, updated in place
  void* q = nullptr;            // [planes, pixels]: Q, uniform over each plane, updated in place
  std::int64_t planes = 0, frames = 0, pixels = 0;
  double dt = 0, input_amp = 0, g_leak = 0, lambda_amp = 0;
  double e = 0;  // exp(-dt / tau), the adaptation low-pass's factor
};

namespace bipolar {

// One pixel of one frame, given the frame's g and decay; returns V's new value.
template <typename T>
CONVIS_HOST_DEVICE CONVIS_ALWAYS_INLINE T step(const BipolarArgs& a, double g, double decay, T input, T& v, T& q) {
  const double e_inf = a.input_amp * double(input) / g;
  const double v_prev = v;
  const double v_new = (v_prev - e_inf) * decay + e_inf;
  q = T(a.e * double(q) + (1 - a.e) * a.lambda_amp * v_prev * v_prev);
  v = T(v_new);
  return T(v_new);
}

}  // namespace bipolar
}  // namespace convis
