// kernels/cuda/recurrent.cuh: the kernels that run along time, one thread per independent
// column: the temporal recursions (kernels/recursion.h), the leaky integrate-and-fire neurons
// (kernels/spiking.h) and the bipolar cells (kernels/bipolar.h, one block per plane: its pixels
// share each frame's conductance).  Compiled by nvcc (kernels/cuda/recurrent.cu) and by g++ for the
// emulated device (kernels/cuda/backend_recurrent.h).
//
//   klaunch(first_order_columns<float>, dim3(blocks), dim3(kElementwiseThreads), 0, args);
//
// Note [Exact CUDA units]
// nvcc contracts a * b + c into one FMA by default; the CPU kernels are compiled without
// contraction (-ffp-contract=off), so their bits differ from an FMA's.  These kernels share
// their per-element arithmetic with the CPU (kernels/recursion.h, kernels/lif_step.h) and are
// built in a unit of their own, kernels/cuda/recurrent.cu, with --fmad=false (cmake/cuda.cmake):
// every operation rounds as on the CPU, so a GPU, the emulated device and the CPU give the same
// bits (sqrt and division are IEEE-rounded by nvcc's defaults, -prec-sqrt and -prec-div).  A
// column's frames run in order on one thread, as a CPU column does (Note [Recursion order]);
// columns are independent, so the split cannot change a bit.
#pragma once

#include <cstdint>

#include "convis/kernels/bipolar.h"
#include "convis/kernels/cuda/compat.h"
#include "convis/kernels/lif_step.h"
#include "convis/kernels/recursion.h"
#include "convis/kernels/spiking.h"

namespace convis::cuda_kernels {

// y over [outer, n, inner]: thread c takes column (c / inner, c % inner), frames in order.
template <typename T>
__global__ void linear_recursion_columns(LinearRecursionArgs a) {
  const T b0 = T(a.b0), b1 = T(a.b1), a1 = T(a.a1), a2 = T(a.a2);
  const std::int64_t columns = a.outer * a.inner, step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t c = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; c < columns; c += step) {
    const std::int64_t o = c / a.inner, j = c % a.inner, first = o * a.n * a.inner + j;
    const T* x = static_cast<const T*>(a.x) + first;
    T* y = static_cast<T*>(a.y) + first;
    const bool has_start = a.y0 != nullptr;
    T x1 = T(0), y1 = has_start ? static_cast<const T*>(a.y0)[c] : T(0), y2 = T(0);
    for (std::int64_t i = 0; i < a.n; ++i) {
      const T xi = x[i * a.inner];
      const T yi = recursion::linear_step(b0, b1, a1, a2, xi, x1, y1, y2, i >= 1, i >= 1 || has_start,
                                          i >= 2 || (i == 1 && has_start));
      y[i * a.inner] = yi;
      x1 = xi, y2 = y1, y1 = yi;
    }
  }
}

// out over [outer, n, inner] and the state frame: thread c takes column c, frames in order.
template <typename T>
__global__ void first_order_columns(FirstOrderStreamArgs f) {
  const recursion::FirstOrder<T> coefficients(f);
  const std::int64_t columns = f.outer * f.inner, step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t c = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; c < columns; c += step) {
    const std::int64_t o = c / f.inner, j = c % f.inner, first = o * f.n * f.inner + j;
    const T* x = static_cast<const T*>(f.x) + first;
    T* out = static_cast<T*>(f.out) + first;
    T s = static_cast<T*>(f.state)[c];
    const T previous = f.previous ? static_cast<const T*>(f.previous)[c] : T(0);
    for (std::int64_t i = 0; i < f.n; ++i) {
      const T xi = x[i * f.inner];
      const T xp = !f.previous ? xi : i == 0 ? previous : x[(i - 1) * f.inner];
      out[i * f.inner] = recursion::first_order_step(coefficients, xi, xp, i > 0 || !f.fresh, s);
    }
    static_cast<T*>(f.state)[c] = s;
  }
}

// Every frame of the neurons of pair k (2k and 2k + 1): the normals of Note [Spiking noise],
// then lif::step, state in registers between frames.
static __global__ void lif_pairs(LifArgs a) {
  const lif::StepConstants constants{a.dt, a.g_leak, a.noise_scale, a.steps_per_second * a.refr_mu,
                                     a.steps_per_second * a.refr_sigma};
  const std::int64_t n = a.planes * a.pixels, pairs = (n + 1) / 2, step = std::int64_t(gridDim.x) * blockDim.x;
  const std::uint64_t per_frame = lif_counters_per_frame(n), half = per_frame / 2;
  for (std::int64_t k = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; k < pairs; k += step) {
    const std::int64_t p = 2 * k;
    const bool two = p + 1 < n;  // the last pair of an odd count has one neuron
    // The neurons' elements of frame 0 (planes of [frames, pixels]) and their state.
    const std::int64_t at0 = p / a.pixels * a.frames * a.pixels + p % a.pixels;
    const std::int64_t at1 = two ? (p + 1) / a.pixels * a.frames * a.pixels + (p + 1) % a.pixels : 0;
    float v0 = a.v[p], r0 = a.refr[p], v1 = two ? a.v[p + 1] : 0.0f, r1 = two ? a.refr[p + 1] : 0.0f;
    for (std::int64_t f = 0; f < a.frames; ++f) {
      const std::uint64_t base = a.counter + std::uint64_t(f) * per_frame + std::uint64_t(k);
      float xi0 = 0.0f, xi1 = 0.0f, xr0 = 0.0f, xr1 = 0.0f;
      if (a.noise_scale != 0.0f) lif::normal_pair(a.key, base, xi0, xi1);
      if (a.refr_sigma != 0.0f) lif::normal_pair(a.key, base + half, xr0, xr1);
      a.spikes[at0 + f * a.pixels] = lif::step(constants, a.input[at0 + f * a.pixels], xi0, xr0, v0, r0);
      if (two) a.spikes[at1 + f * a.pixels] = lif::step(constants, a.input[at1 + f * a.pixels], xi1, xr1, v1, r1);
    }
    a.v[p] = v0, a.refr[p] = r0;
    if (two) a.v[p + 1] = v1, a.refr[p + 1] = r1;
  }
}

// One block per plane, frames in order: the block's first thread takes the frame's g and decay
// from Q[0] into shared memory, a barrier, every thread steps its pixels, a barrier (so that
// Q[0] is read before it is written, as on the CPU).
template <typename T>
__global__ void bipolar_planes(BipolarArgs a) {
  __shared__ double frame[2];  // g, decay
  const std::int64_t n = a.frames * a.pixels;
  for (std::int64_t plane = blockIdx.x; plane < a.planes; plane += gridDim.x) {
    const T* in = static_cast<const T*>(a.input) + plane * n;
    T* out = static_cast<T*>(a.out) + plane * n;
    T* v = static_cast<T*>(a.v) + plane * a.pixels;
    T* q = static_cast<T*>(a.q) + plane * a.pixels;
    for (std::int64_t t = 0; t < a.frames; ++t) {
      if (threadIdx.x == 0) {
        frame[0] = a.g_leak + double(q[0]);
        frame[1] = exp(-a.dt * frame[0]);
      }
      __syncthreads();
      const double g = frame[0], decay = frame[1];
      for (std::int64_t p = threadIdx.x; p < a.pixels; p += blockDim.x)
        out[t * a.pixels + p] = bipolar::step(a, g, decay, in[t * a.pixels + p], v[p], q[p]);
      __syncthreads();
    }
  }
}

}  // namespace convis::cuda_kernels
