// nn/convis/retina/ganglion.cpp: ganglion input current and spiking (see ganglion.h).
#include "convis/nn/convis/retina/ganglion.h"

#include <algorithm>
#include <bit>
#include <type_traits>
#include <cmath>
#include <limits>

#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/kernels/spiking.h"
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

GanglionInputImpl::GanglionInputImpl(const GanglionConfig& config, double sign_value) : Layer("GanglionInput") {
  CONVIS_CHECK(sign_value == 1.0 || sign_value == -1.0, "GanglionInput", "expected sign +1 (ON) or -1 (OFF), got {}",
               sign_value);
  sign = register_parameter("sign", scalar_tensor(sign_value), false,
                            "+1 for the ON pathway, -1 for OFF: multiplies the transient signal (not trained)");
  i_0 = register_parameter("i_0", scalar_tensor(37.0), true,
                           "value N(v_0) of the static nonlinearity (Hz) (bipolar-linear-threshold value)");
  v_0 = register_parameter("v_0", scalar_tensor(0.0), true, "threshold v_0 where N changes from hyperbolic to linear");
  lambda_G = register_parameter("lambda_G", scalar_tensor(100.0), true,
                                "slope of the static nonlinearity at and above v_0 (Hz)");
  transient = register_module("transient", std::make_shared<filters::Conv3dImpl>(1, 1, Shape{1, 1, 1}, /*bias=*/false));
  pooling = register_module("pooling", std::make_shared<filters::Conv3dImpl>(1, 1, Shape{1, 1, 1}, /*bias=*/false));
  configure(config);
}

void GanglionInputImpl::configure(const GanglionConfig& c) {
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
Tensor GanglionInputImpl::transient_response(const Tensor& input) {
  check_input(input, "GanglionInput");
  Tensor& history = transient->state("history");
  if (!history.defined() && transient->filter_length() > 0) {
    Shape h = input.sizes();
    h[2] = transient->filter_length();
    history = zeros(h, input.options());
  }
  return transient->forward(input);
}

namespace {

// Note [Ganglion response without gradients]
// sign, the nonlinearity and a 1x1 pooling weight in one pass, each element by the very
// operations (in T, in this order, NaN-propagating min and max as the elementwise kernels)
// that respond's tensor ops perform, so the bits are the same (tested); one allocation.
// The choices are bit masks, not branches (GCC keeps `?:` on a float compare as a branch, which
// stops the loop vectorising).
template <typename T>
T pick(bool c, T a, T b) {
  using U = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
  const U m = U(0) - U(c);
  return std::bit_cast<T>((std::bit_cast<U>(a) & m) | (std::bit_cast<U>(b) & ~m));
}

template <typename T>
void ganglion_response_loop(const T* x, T* out, int64_t n, T sign, T i0, T v0, T lambda, T pool) {
  constexpr T nan = std::numeric_limits<T>::quiet_NaN();
  auto nan_min = [](T a, T b) { return pick(a != a || b != b, nan, pick(b < a, b, a)); };
  auto nan_max = [](T a, T b) { return pick(a != a || b != b, nan, pick(b > a, b, a)); };
  for (int64_t p = 0; p < n; ++p) {
    const T v = x[p] * sign;
    const T below = i0 / (T(1) - lambda * (nan_min(v, v0) - v0) / i0);
    const T above = lambda * (nan_max(v, v0) - v0);
    out[p] = (below + above) * pool;
  }
}

}  // namespace

bool GanglionInputImpl::needs_graph(const Tensor& input) const {
  return records_graph(input, {sign, i_0, v_0, lambda_G, pooling->weight});
}

Tensor GanglionInputImpl::respond(const Tensor& transient_output) {
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

Tensor GanglionInputImpl::forward(const Tensor& input) { return respond(transient_response(input)); }

// ---------------------------------------------------------------------------------------
// GanglionSpiking

// Note [Spiking randomness]
// Every random number is a pure function of (seed, counter) (core/generator.h).  The counter
// position is the state slot "rng_offset", so chunked runs draw the same numbers as one call,
// clear_state() replays the same spikes, and push_state()/pop_state() restore the position.
// The initial potentials take N uniforms (double) from the counters before the first frame;
// then each frame of N neurons uses lif_counters_per_frame(N) counters, laid out as Note
// [Spiking noise] in kernels/spiking.h says: one Box-Muller pair per pair of neurons for the
// membrane noise, one for the refractory periods.  The kernel (kernels/cpu/spiking.cpp) draws
// them in float32, vectorised, the same bits for every thread count and capability.

namespace {

uint64_t initial_seed() {
  Generator& g = default_generator();
  return g.bits(g.reserve(1));
}

}  // namespace

GanglionSpikingImpl::GanglionSpikingImpl(const GanglionConfig& config, std::optional<uint64_t> seed_value)
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

void GanglionSpikingImpl::configure(const GanglionConfig& c) {
  set_value(g_L, c.g_leak);
  set_value(noise_sigma, c.sigma_v);
  set_value(refr_mu, c.refr_mean);
  set_value(refr_sigma, c.refr_stdev);
}

void GanglionSpikingImpl::seed(uint64_t s) {
  generator_.manual_seed(s);
  clear_state();
}

Tensor GanglionSpikingImpl::forward(const Tensor& input) {
  check_input(input, "GanglionSpiking");
  NoGradGuard no_grad;
  // The neurons run where the input is (kernels/spiking.h; the same bits on the CPU and a CUDA
  // device), their state too.
  Tensor x = input.detach().to(input.device(), kFloat32).contiguous();
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
  v = v.to(x.device()), refr = refr.to(x.device());  // nothing when they are there already
  v = state_buffer("V", v_buffer_, v);  // updated in place by the loop
  refr = state_buffer("refr", refr_buffer_, refr);
  const double dt = default_resolution.dt(), g_leak = g_L.item<double>();
  Tensor out = empty(x.sizes(), x.options().dtype(kBool));
  LifArgs a;
  a.input = x.data_ptr<float>();
  a.spikes = out.data_ptr<bool>();
  a.v = v.data_ptr<float>();
  a.refr = refr.data_ptr<float>();
  a.planes = BC, a.frames = frames, a.pixels = XY;
  a.dt = float(dt), a.g_leak = float(g_leak);
  a.noise_scale = float(noise_sigma.item<double>() * std::sqrt(g_leak / dt) * dt);
  a.steps_per_second = float(default_resolution.steps_per_second);
  a.refr_mu = float(refr_mu.item<double>()), a.refr_sigma = float(refr_sigma.item<double>());
  a.key = generator_.key(), a.counter = counter;
  find_kernel<OpKind::lif_forward>(x.device().type(), kFloat32)(a);
  counter += uint64_t(frames) * lif_counters_per_frame(n);
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
