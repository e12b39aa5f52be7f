// kernels/spiking.h: what the leaky integrate-and-fire kernel receives (OpKind::lif_forward),
// the spiking stage of the retina's ganglion cells (nn/convis/retina/ganglion.h).
//
//   // 1 plane of 2 x 3 neurons over 4 frames; v and refr hold the state and are updated in place
//   LifArgs a;
//   a.input = current;  a.spikes = out;  a.v = v;  a.refr = refr;   // float32 / bool buffers
//   a.planes = 1;  a.frames = 4;  a.pixels = 6;
//   a.dt = 0.001f;  a.g_leak = 50;  a.noise_scale = 0.1f * std::sqrt(50 / 0.001f) * 0.001f;
//   a.steps_per_second = 1000;  a.refr_mu = 0.003f;  a.refr_sigma = 0;
//   a.key = generator.key();  a.counter = first_counter;
//   find_kernel<OpKind::lif_forward>(kCPU, kFloat32)(a);
//   // the next call starts at first_counter + 4 * lif_counters_per_frame(6)
//
// Per neuron and frame, with xi and xi' standard normals (Note [Spiking noise]):
//   V <- V + (I - g_L V) dt + noise_scale xi
//   r <- max(r - 1, 0);  V <- 0 where r >= 0.5 (refractory)
//   spike where V > 1; there V <- 0, r <- steps_per_second (refr_mu + refr_sigma xi')
//
// Note [Spiking noise]
// The normals are a pure function of (key, counter), so chunked runs, any thread count and
// every capability draw the same numbers.  Neurons are numbered p = plane * pixels + pixel and
// go in pairs (2k, 2k + 1); pair k of frame f draws one 64-bit value from counter
//   first + f * lif_counters_per_frame(n) + k                 (membrane noise xi)
//   first + f * lif_counters_per_frame(n) + ceil(n/2) + k     (refractory noise xi')
// with n = planes * pixels; its top 24 bits give u1, the next 24 bits u2, both in [0, 1) on a
// grid of 2^-24, and Box-Muller gives neuron 2k the normal r cos(2 pi u2) and neuron 2k + 1
// r sin(2 pi u2), r = sqrt(-2 log(1 - u1)).  The kernel computes them in float32 with its own
// log, sin and cos (kernels/cpu/spiking.cpp, Note [Box-Muller in float]), so that they
// vectorise and give the same bits at every capability.
#pragma once

#include <cstdint>

#include "convis/kernels/dispatch.h"

namespace convis {

struct LifArgs {
  const float* input = nullptr;  // [planes, frames, pixels], contiguous
  bool* spikes = nullptr;        // [planes, frames, pixels], written
  float* v = nullptr;            // [planes, pixels]: membrane potentials, updated in place
  float* refr = nullptr;         // [planes, pixels]: refractory counters (frames), updated in place
  int64_t planes = 0, frames = 0, pixels = 0;
  float dt = 0, g_leak = 0, noise_scale = 0;  // noise_scale = sigma_V sqrt(g_L / dt) dt
  float steps_per_second = 0, refr_mu = 0, refr_sigma = 0;
  uint64_t key = 0;      // Generator::key()
  uint64_t counter = 0;  // the first counter of frame 0
};

// Counters one frame of n neurons uses: one per pair for the membrane noise, one per pair for
// the refractory periods (drawn only when refr_sigma != 0, but always counted).
inline constexpr uint64_t lif_counters_per_frame(int64_t n) { return 2 * uint64_t((n + 1) / 2); }

}  // namespace convis
