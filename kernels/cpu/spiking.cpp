// kernels/cpu/spiking.cpp: the leaky integrate-and-fire kernel (kernels/spiking.h), with the
// normals of its membrane noise drawn in vectorised float32.
#include <algorithm>
#include <cstdint>

#include "convis/kernels/cpu/box_muller.h"
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/cpu/parallel.h"
#include "convis/kernels/spiking.h"

CONVIS_CPU_BEGIN

namespace {

lif::StepConstants step_constants(const LifArgs& a) {
  return {a.dt, a.g_leak, a.noise_scale, a.steps_per_second * a.refr_mu, a.steps_per_second * a.refr_sigma};
}

// One step of `count` neurons of one plane at one frame; xi and xr are their two normals.
void lif_steps(const lif::StepConstants& c, const float* in, bool* out, float* v, float* refr, const float* xi,
               const float* xr, int64_t count) {
  for (int64_t i = 0; i < count; ++i) out[i] = lif::step(c, in[i], xi[i], xr[i], v[i], refr[i]);
}

constexpr int64_t kTilePairs = 128;  // pairs whose normals are drawn together, then stepped

// Every frame for the neurons of pairs [pair_begin, pair_end) (neurons 2k and 2k + 1).
void lif_pair_range(const LifArgs& a, int64_t pair_begin, int64_t pair_end) {
  const int64_t n = a.planes * a.pixels;
  const uint64_t per_frame = lif_counters_per_frame(n), half = per_frame / 2;
  const lif::StepConstants c = step_constants(a);
  float xi[2 * kTilePairs], xr[2 * kTilePairs] = {};
  for (int64_t f = 0; f < a.frames; ++f) {
    const uint64_t base = a.counter + uint64_t(f) * per_frame;
    for (int64_t k0 = pair_begin; k0 < pair_end; k0 += kTilePairs) {
      const int64_t pairs = std::min(kTilePairs, pair_end - k0);
      if (a.noise_scale != 0.0f) {
        draw_normal_pairs(a.key, base + uint64_t(k0), pairs, xi);
      } else {
        std::fill(xi, xi + 2 * pairs, 0.0f);
      }
      if (a.refr_sigma != 0.0f) draw_normal_pairs(a.key, base + half + uint64_t(k0), pairs, xr);
      // The tile's neurons, in runs that stay within one plane.
      const int64_t p_end = std::min(2 * (k0 + pairs), n);
      for (int64_t p = 2 * k0; p < p_end;) {
        const int64_t plane = p / a.pixels, pixel = p % a.pixels;
        const int64_t run = std::min(p_end - p, a.pixels - pixel);
        const int64_t at = (plane * a.frames + f) * a.pixels + pixel, tile = p - 2 * k0;
        lif_steps(c, a.input + at, a.spikes + at, a.v + p, a.refr + p, xi + tile, xr + tile, run);
        p += run;
      }
    }
  }
}

void lif_forward_kernel(const LifArgs& a) {
  const int64_t n = a.planes * a.pixels, pairs = (n + 1) / 2;
  // A neuron step with its share of a normal costs about as much as 16 elements of a plain
  // elementwise loop; pairs are independent, so any split gives the same bits.
  parallel_for(pairs, 16 * a.frames, [&](int64_t begin, int64_t end) { lif_pair_range(a, begin, end); });
}

}  // namespace

void register_spiking_kernels() { register_kernel<OpKind::lif_forward>(kCPU, kFloat32, &lif_forward_kernel); }

CONVIS_CPU_END
