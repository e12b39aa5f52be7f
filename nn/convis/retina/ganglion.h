// nn/convis/retina/ganglion.h: the ganglion stages of the retina model: the input current
// (transient, sign, static nonlinearity, pooling) and the spiking channel (refractory LIF).
//
//   using namespace convis::models;
//   GanglionInput on(GanglionConfig{}, +1.0);   // OFF: -1.0
//   Tensor current = (*on)(v_bipolar);                                  // [B, C, T, X, Y], Hz
//   GanglionSpiking spikes(GanglionConfig{}, /*seed=*/42);
//   Tensor s = (*spikes)(current);                                      // kBool, same shape
//   Tensor n = ganglion_nonlinearity(v, 37.0, 0.0, 100.0);              // N(v)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "convis/core/generator.h"
#include "convis/nn/convis/filters/conv3d.h"
#include "convis/nn/convis/layer.h"
#include "convis/nn/convis/retina/config.h"

namespace convis::models {

// The static nonlinearity of the ganglion input (any of i0, v0, lambda may be tensors that
// broadcast against v, or numbers):
//   N(v) = i0 / (1 - lambda (v - v0) / i0)   for v <= v0
//   N(v) = i0 + lambda (v - v0)              for v > v0
// continuous with N(v0) = i0 and slope lambda on both sides of v0.  Both branches are computed
// on clamped arguments, so the unused branch never divides by zero (finite gradients).
Tensor ganglion_nonlinearity(const Tensor& v, const Tensor& i0, const Tensor& v0, const Tensor& lambda);
Tensor ganglion_nonlinearity(const Tensor& v, double i0, double v0, double lambda);

// transient high-pass (a 73-tap temporal Conv3d at the defaults, zero-initialised history),
// times sign (+1 ON, -1 OFF), N(v), spatial pooling (a Gaussian Conv3d; 1x1 for sigma_pool 0).
class GanglionInputImpl : public Layer {
 public:
  explicit GanglionInputImpl(const GanglionConfig& config = {}, double sign = 1.0);
  Tensor forward(const Tensor& input) override;  // respond(transient_response(input))
  void configure(const GanglionConfig& config);
  // The two halves of forward: the transient convolution (with its history), and sign,
  // nonlinearity and pooling of its output.
  Tensor transient_response(const Tensor& input);
  Tensor respond(const Tensor& transient_output);

  std::shared_ptr<filters::Conv3dImpl> transient;  // weight = [1, -0.7 exp kernel] (flipped)
  std::shared_ptr<filters::Conv3dImpl> pooling;    // spatial Gaussian, 1x1 at sigma_pool = 0
  Tensor sign;      // 0-dim, +1 (ON) or -1 (OFF); not trained
  Tensor i_0;       // 0-dim, Hz
  Tensor v_0;       // 0-dim
  Tensor lambda_G;  // 0-dim, Hz

 private:
  bool needs_graph(const Tensor& input) const;  // Note [Ganglion response without gradients]
};

// Refractory leaky integrate-and-fire neurons, one per pixel, with dt = 1 / steps_per_second:
//   V <- V + (I - g_L V + sigma_V xi sqrt(g_L / dt)) dt       (xi standard normal)
//   refr <- refr - 1;  V <- 0 where refr >= 0.5 (refractory)
//   spike where V > 1; there V <- 0, refr <- steps(refr_mu + refr_sigma xi')
// V starts at 0.5 + 0.2 U(0, 1).  Not differentiable: the input is detached, the output kBool.
// See Note [Spiking randomness] in ganglion.cpp for the generator and its reproducibility.
class GanglionSpikingImpl : public Layer {
 public:
  // seed: the generator's seed; by default drawn from convis's default generator (so
  // manual_seed before construction makes the spikes reproducible).
  explicit GanglionSpikingImpl(const GanglionConfig& config = {}, std::optional<uint64_t> seed = std::nullopt);
  Tensor forward(const Tensor& input) override;
  void configure(const GanglionConfig& config);
  // New seed; the state (membrane potentials, refractory counters, generator position) restarts.
  void seed(uint64_t seed);

  Tensor g_L;         // 0-dim, Hz
  Tensor noise_sigma; // 0-dim, sigma_V
  Tensor refr_mu;     // 0-dim, seconds
  Tensor refr_sigma;  // 0-dim, seconds

 private:
  Generator generator_;
  Tensor v_buffer_, refr_buffer_, offset_buffer_;  // the state, updated in place (Note [State buffers])
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(GanglionInput);
CONVIS_MODULE(GanglionSpiking);

}  // namespace convis::models
