// nn/convis/retina/ganglion.cpp: ganglion input current and spiking (see ganglion.h).
#include "convis/nn/convis/retina/ganglion.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/core/threading.h"
#include "convis/nn/convis/records_graph.h"

namespace convis::models {

namespace {

void set_value(const Tensor& t, double v) {
  NoGradGuard no_grad;
  Tensor(t).fill_(v);
}

void check_input(const Tensor& input, const char* op) {
  CONVIS_CHECK(input.defined() && input.dim() == 5 && input.is_floating_point(), op,
               "expected a floating 5-D input [batch, channel, time, x, y], got {}",
               input.defined() ? fmt::format("shape {} of dtype {}", input.sizes(), dtype_name(input.dtype()))
                               : std::string("an undefined tensor"));
}

}  // namespace

Tensor ganglion_nonlinearity(const Tensor& v, const Tensor& i0, const Tensor& v0, const Tensor& lambda) {
  Tensor below = i0 / (1 - lambda * (minimum(v, v0) - v0) / i0);  // = N(v) for v <= v0, i0 above
  Tensor above = lambda * (maximum(v, v0) - v0);                   // = 0 for v <= v0
  return below + above;
}

Tensor ganglion_nonlinearity(const Tensor& v, double i0, double v0, double lambda) {
  auto scalar = [&](double x) { return scalar_tensor(x, v.dtype()); };
  return ganglion_nonlinearity(v, scalar(i0), scalar(v0), scalar(lambda));
}

// ---------------------------------------------------------------------------------------
// GanglionInput

GanglionInput::GanglionInput(const GanglionConfig& config, double sign_value) : Layer("GanglionInput") {
  CONVIS_CHECK(sign_value == 1.0 || sign_value == -1.0, "GanglionInput", "expected sign +1 (ON) or -1 (OFF), got {}",
               sign_value);
  sign = register_parameter("sign", scalar_tensor(sign_value), false,
                            "+1 for the ON pathway, -1 for OFF: multiplies the transient signal (not trained)");
  i_0 = register_parameter("i_0", scalar_tensor(37.0), true,
                           "value N(v_0) of the static nonlinearity (Hz) (bipolar-linear-threshold value)");
  v_0 = register_parameter("v_0", scalar_tensor(0.0), true, "threshold v_0 where N changes from hyperbolic to linear");
  lambda_G = register_parameter("lambda_G", scalar_tensor(100.0), true,
                                "slope of the static nonlinearity at and above v_0 (Hz)");
  transient = register_module("transient", std::make_shared<filters::Conv3d>(1, 1, Shape{1, 1, 1}, /*bias=*/false));
  pooling = register_module("pooling", std::make_shared<filters::Conv3d>(1, 1, Shape{1, 1, 1}, /*bias=*/false));
  configure(config);
}

void GanglionInput::configure(const GanglionConfig& c) {
  transient->highpass_exponential(c.transient_tau, c.transient_relative_weight);
  pooling->gaussian(c.sigma_pool);
  set_value(i_0, c.i_0);
  set_value(v_0, c.v_0);
  set_value(lambda_G, c.lambda_g);
}

// Note [Ganglion transient history]
// As in the original, the transient's history starts at zeros (not at copies of the first
// frame, Conv3d's rule): a fresh retina sees its first frame as a step from 0.  The zeros are
// put into the convolution's empty history slot on the first call after construction or
// clear_state(), so chunked runs and clear_state() behave as everywhere else.
Tensor GanglionInput::transient_response(const Tensor& input) {
  check_input(input, "GanglionInput");
  Tensor& history = transient->state("history");
  if (!history.defined() && transient->filter_length() > 0) {
    Shape h = input.sizes();
    h[2] = transient->filter_length();
    history = zeros(h, input.dtype());
  }
  return transient->forward(input);
}

namespace {

// Note [Ganglion response without gradients]
// sign, the nonlinearity and a 1x1 pooling weight in one pass, each element by the very
// operations (in T, in this order, NaN-propagating min and max as the elementwise kernels)
// that respond's tensor ops perform, so the bits are the same (tested); one allocation.
template <typename T>
void ganglion_response_loop(const T* x, T* out, int64_t n, T sign, T i0, T v0, T lambda, T pool) {
  auto nan_min = [](T a, T b) { return std::isnan(a) || std::isnan(b) ? std::numeric_limits<T>::quiet_NaN() : b < a ? b : a; };
  auto nan_max = [](T a, T b) { return std::isnan(a) || std::isnan(b) ? std::numeric_limits<T>::quiet_NaN() : b > a ? b : a; };
  for (int64_t p = 0; p < n; ++p) {
    const T v = x[p] * sign;
    const T below = i0 / (T(1) - lambda * (nan_min(v, v0) - v0) / i0);
    const T above = lambda * (nan_max(v, v0) - v0);
    out[p] = (below + above) * pool;
  }
}

}  // namespace

bool GanglionInput::needs_graph(const Tensor& input) const {
  return records_graph(input, {sign, i_0, v_0, lambda_G, pooling->weight});
}

Tensor GanglionInput::respond(const Tensor& transient_output) {
  const bool one_tap = pooling->weight.numel() == 1 && !pooling->bias.defined();
  if (one_tap && !needs_graph(transient_output) && transient_output.is_cpu() &&
      (transient_output.dtype() == kFloat32 || transient_output.dtype() == kFloat64) &&
      sign.dtype() == transient_output.dtype() && pooling->weight.dtype() == transient_output.dtype()) {
    const Tensor x = transient_output.contiguous();
    Tensor out = empty(x.sizes(), x.options());
    auto run = [&](auto zero) {
      using T = decltype(zero);
      auto value = [](const Tensor& t) { return t.item().to<double>(); };
      ganglion_response_loop<T>(x.data_ptr<T>(), out.data_ptr<T>(), x.numel(), T(value(sign)), T(value(i_0)),
                                T(value(v_0)), T(value(lambda_G)), T(value(pooling->weight)));
    };
    x.dtype() == kFloat64 ? run(double()) : run(float());
    return out;
  }
  Tensor y = ganglion_nonlinearity(transient_output * sign, i_0, v_0, lambda_G);
  // A 1x1x1 pooling kernel (sigma_pool = 0) is one multiplication: no convolution needed.
  if (pooling->weight.numel() == 1 && !pooling->bias.defined()) return y * pooling->weight.squeeze();
  return pooling->forward(y);
}

Tensor GanglionInput::forward(const Tensor& input) { return respond(transient_response(input)); }

// ---------------------------------------------------------------------------------------
// GanglionSpiking

// Note [Spiking randomness]
// Every random number is a pure function of (seed, counter) (core/generator.h).  The counter
// position is the state slot "rng_offset", so chunked runs draw the same numbers as one call,
// clear_state() replays the same spikes, and push_state()/pop_state() restore the position.
// Per frame of N neurons the layout is fixed: 2 ceil(N/2) counters for the membrane noise,
// then 2 ceil(N/2) for the refractory periods (used only when refr_sigma != 0); normals come
// in Box-Muller pairs (cos and sin of one pair of uniforms).  The initial potentials take N
// uniforms from the counters before the first frame.

namespace {

uint64_t initial_seed() {
  Generator& g = default_generator();
  return g.bits(g.reserve(1));
}

struct LifScalars {
  double dt, g_l, noise, steps_per_second, refr_mu, refr_sigma;
};

struct LifArrays {
  const float* in;
  bool* out;
  float* v;
  float* refr;
  int64_t BC, frames, XY;
};

uint64_t lif_counters_per_draw(int64_t n) { return uint64_t(2 * ((n + 1) / 2)); }

// Two standard normals (Box-Muller, cos and sin) from counters c and c + 1.
inline void normal_pair(const Generator& g, uint64_t c, double& z0, double& z1) {
  const double u1 = g.uniform(c), u2 = g.uniform(c + 1);
  const double r = std::sqrt(-2.0 * std::log(1.0 - u1)), a = 2.0 * std::numbers::pi * u2;
  z0 = r * std::cos(a);
  z1 = r * std::sin(a);
}

// One LIF step of neuron p (flat index over [B, C, X, Y]) at frame t; returns the spike.
inline void lif_step(const LifScalars& s, const LifArrays& a, int64_t p, int64_t t, double xi, double xi_refr) {
  const int64_t bc = p / a.XY, q = p % a.XY;
  const int64_t at = (bc * a.frames + t) * a.XY + q;
  double vp = a.v[p];
  vp += (double(a.in[at]) - s.g_l * vp) * s.dt + s.noise * std::sqrt(s.g_l / s.dt) * s.dt * xi;
  float r = std::max(a.refr[p] - 1.0f, 0.0f);
  if (r >= 0.5f) vp = 0.0;
  const bool spike = vp > 1.0;
  if (spike) {
    vp = 0.0;
    r = float(s.steps_per_second * (s.refr_mu + s.refr_sigma * xi_refr));
  }
  a.v[p] = float(vp);
  a.refr[p] = r;
  a.out[at] = spike;
}

// Every frame for the neurons of pairs [pair_begin, pair_end): neurons 2k and 2k + 1 share
// the Box-Muller pair of counters 2k, 2k + 1 (membrane noise) and, per frame, the pair at
// the same place in the second half of the frame's counters (refractory periods).
void lif_pairs(const Generator& g, uint64_t counter, const LifScalars& s, const LifArrays& a, int64_t pair_begin,
               int64_t pair_end) {
  const int64_t n = a.BC * a.XY;
  const uint64_t per_draw = lif_counters_per_draw(n);
  for (int64_t t = 0; t < a.frames; ++t) {
    const uint64_t base = counter + uint64_t(t) * 2 * per_draw;
    for (int64_t k = pair_begin; k < pair_end; ++k) {
      double xi[2] = {0, 0}, xr[2] = {0, 0};
      if (s.noise != 0.0) normal_pair(g, base + uint64_t(2 * k), xi[0], xi[1]);
      if (s.refr_sigma != 0.0) normal_pair(g, base + per_draw + uint64_t(2 * k), xr[0], xr[1]);
      lif_step(s, a, 2 * k, t, xi[0], xr[0]);
      if (2 * k + 1 < n) lif_step(s, a, 2 * k + 1, t, xi[1], xr[1]);
    }
  }
}

}  // namespace

GanglionSpiking::GanglionSpiking(const GanglionConfig& config, std::optional<uint64_t> seed_value)
    : Layer("GanglionSpiking"), generator_(seed_value ? *seed_value : initial_seed()) {
  g_L = register_parameter("g_L", scalar_tensor(50.0), false, "leak conductance of the spiking neurons (Hz); not differentiable");
  noise_sigma = register_parameter("noise_sigma", scalar_tensor(0.1), false,
                                   "standard deviation sigma_V of the membrane noise; not differentiable");
  refr_mu = register_parameter("refr_mu", scalar_tensor(0.003), false,
                               "mean refractory period after a spike, in seconds; not differentiable");
  refr_sigma = register_parameter("refr_sigma", scalar_tensor(0.0), false,
                                  "standard deviation of the refractory period, in seconds; not differentiable");
  register_state("V", Tensor());
  register_state("refr", Tensor());
  register_state("rng_offset", scalar_tensor(int64_t(0)));
  configure(config);
}

void GanglionSpiking::configure(const GanglionConfig& c) {
  set_value(g_L, c.g_leak);
  set_value(noise_sigma, c.sigma_v);
  set_value(refr_mu, c.refr_mean);
  set_value(refr_sigma, c.refr_stdev);
}

void GanglionSpiking::seed(uint64_t s) {
  generator_.manual_seed(s);
  clear_state();
}

Tensor GanglionSpiking::forward(const Tensor& input) {
  check_input(input, "GanglionSpiking");
  NoGradGuard no_grad;
  Tensor x = input.detach().to(kFloat32).contiguous();
  const int64_t BC = x.size(0) * x.size(1), frames = x.size(2), XY = x.size(3) * x.size(4), n = BC * XY;
  Shape frame = x.sizes();
  frame[2] = 1;
  uint64_t counter = uint64_t(state("rng_offset").item<int64_t>());
  Tensor v = state("V"), refr = state("refr");
  if (!v.defined()) {
    v = empty(frame, kFloat32);
    float* pv = v.data_ptr<float>();
    for (int64_t p = 0; p < n; ++p) pv[p] = float(0.5 + 0.2 * generator_.uniform(counter + uint64_t(p)));
    counter += uint64_t(n);
    refr = zeros(frame, kFloat32);
  } else {
    CONVIS_CHECK(v.sizes() == frame, "GanglionSpiking",
                 "expected input frames {} as the stored state, got input {}; call clear_state() before changing "
                 "the frame size", v.sizes(), input.sizes());
  }
  v = state_buffer("V", v_buffer_, v);  // updated in place by the loop
  refr = state_buffer("refr", refr_buffer_, refr);
  const double dt = default_resolution.dt();
  LifScalars s{dt, g_L.item<double>(), noise_sigma.item<double>(), default_resolution.steps_per_second,
               refr_mu.item<double>(), refr_sigma.item<double>()};
  Tensor out = empty(x.sizes(), kBool);
  LifArrays a{x.data_ptr<float>(), out.data_ptr<bool>(), v.data_ptr<float>(), refr.data_ptr<float>(), BC, frames, XY};
  // Pairs of neurons (one Box-Muller pair each) are independent: split them over threads.  A
  // neuron step costs about 30 ns (two uniforms, log, sqrt, cos, sin), so a thread pays from
  // a few thousand steps on; the numbers do not depend on the split (counter-based noise).
  const int64_t pairs = (n + 1) / 2;
  const int threads = n * frames >= 8192 && pairs >= 16 ? int(std::min<int64_t>(get_num_threads(), pairs / 8)) : 1;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t block = 0; block < threads; ++block) {
    lif_pairs(generator_, counter, s, a, pairs * block / threads, pairs * (block + 1) / threads);
  }
  counter += uint64_t(frames) * 2 * lif_counters_per_draw(n);
  Tensor& offset = state("rng_offset");
  if (offset.is_same(offset_buffer_)) {
    offset_buffer_.fill_(int64_t(counter));
  } else {
    offset_buffer_ = scalar_tensor(int64_t(counter));
    offset = offset_buffer_;
  }
  return out;
}

}  // namespace convis::models
