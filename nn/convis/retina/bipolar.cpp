// nn/convis/retina/bipolar.cpp: contrast gain control (see bipolar.h for the equations).
#include "convis/nn/convis/retina/bipolar.h"

#include <cmath>
#include <vector>

#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/kernels/bipolar.h"
#include "convis/kernels/dispatch.h"
#include "convis/nn/convis/records_graph.h"

namespace convis::models {

// Note [Bipolar adaptation]
// The original computed the adaptation low-pass as q = lambda_amp V^2 b0 - Q a1 with
// a1 = -exp(-dt / tau), b0 = 1 - a1 fixed at construction from tau's initial value 5.0 s, so
// that the configured tau (5 ms) never took effect and the low-pass had a DC gain of
// b0 / (1 + a1), about 10^4.  Here e = exp(-dt / tau) follows the current tau on every call
// (tau is a differentiable parameter) and the low-pass is the exact exponential update
// q = e Q + (1 - e) lambda_amp V^2 of DC gain 1, VirtualRetina's dQ/dt = (lambda_amp V^2 - Q) / tau.
// With lambda_amp = 0 (the default) Q only decays from its initial 1 with tau, and the output
// follows V_t = (V_{t-1} - E_inf) exp(-dt g) + E_inf exactly.  The original's "attenuation"
// state is not kept: it is recomputed from Q every frame.

// Note [Bipolar without a graph]
// The recursion runs frame by frame.  When no gradient is wanted (grad mode off, or neither
// the input nor a parameter requires grad) it is one loop over raw data (forward_plain);
// otherwise every frame is a handful of tensor ops recorded by autograd (forward_graph).  Both
// compute the same numbers.  While lambda_amp is 0 and Q is uniform over each frame (it
// starts at 1), Q stays uniform and the Gaussian smoothing, which keeps a uniform frame as it
// is, is skipped: then the loop is one kernel on the input's device (OpKind::bipolar_uniform,
// kernels/bipolar.h, the CPU's and CUDA's), which takes each frame's conductance and its
// exponential once, from the first pixel.  The smoothing loop runs on the CPU; on a device,
// a chunk that needs it takes the graph path's tensor ops (with grad mode off).

namespace {

void set_value(const Tensor& t, double v) {
  NoGradGuard no_grad;
  Tensor(t).fill_(v);
}

struct BipolarScalars {
  double dt, input_amp, g_leak, lambda_amp, e;
};

// G * (q - mean) + mean of one X x Y frame, replicate borders, cross-correlation with the
// stored (flipped) kernel w [kx, ky] as Conv2d does.
template <typename T>
void smooth_frame(const T* q, T* out, int64_t X, int64_t Y, const T* w, int64_t kx, int64_t ky) {
  double mean = 0;
  for (int64_t p = 0; p < X * Y; ++p) mean += q[p];
  mean /= double(X * Y);
  const int64_t bx = kx / 2, by = ky / 2;
  for (int64_t i = 0; i < X; ++i) {
    for (int64_t j = 0; j < Y; ++j) {
      double acc = 0;
      for (int64_t m = 0; m < kx; ++m) {
        int64_t ii = std::clamp<int64_t>(i - bx + m, 0, X - 1);
        const T* row = q + ii * Y;
        const T* wrow = w + m * ky;
        for (int64_t l = 0; l < ky; ++l) acc += double(wrow[l]) * (double(row[std::clamp<int64_t>(j - by + l, 0, Y - 1)]) - mean);
      }
      out[i * Y + j] = T(acc + mean);
    }
  }
}

// Whether every frame of q [B, C, 1, X, Y] (contiguous) holds one value.
template <typename T>
bool frames_uniform(const Tensor& q) {
  const T* p = q.data_ptr<T>();
  const int64_t frames = q.size(0) * q.size(1), size = q.size(3) * q.size(4);
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t i = 1; i < size; ++i)
      if (!(p[f * size + i] == p[f * size])) return false;
  return true;
}

bool frames_uniform_anywhere(const Tensor& q) {
  if (q.is_cpu()) return q.dtype() == kFloat64 ? frames_uniform<double>(q) : frames_uniform<float>(q);
  const Tensor f = q.reshape({q.size(0) * q.size(1), q.size(3) * q.size(4)});
  return equal(f, f.narrow(1, 0, 1).expand(f.sizes()));  // a NaN is not uniform
}

// The recursion with Q smoothed over each frame (the gain control on, or Q not uniform).
template <typename T>
void bipolar_loop(const Tensor& input, Tensor& out, Tensor& v_state, Tensor& q_state, const Tensor& weight,
                  const BipolarScalars& s) {
  const int64_t BC = input.size(0) * input.size(1), frames = input.size(2), X = input.size(3), Y = input.size(4);
  const int64_t XY = X * Y;
  const T* in = input.data_ptr<T>();
  T* o = out.data_ptr<T>();
  T* V = v_state.data_ptr<T>();
  T* Q = q_state.data_ptr<T>();
  const T* w = weight.data_ptr<T>();
  const int64_t kx = weight.size(-2), ky = weight.size(-1);
  std::vector<T> q_raw(XY);
  for (int64_t bc = 0; bc < BC; ++bc) {
    T* v = V + bc * XY;
    T* q = Q + bc * XY;
    for (int64_t t = 0; t < frames; ++t) {
      const T* i_t = in + (bc * frames + t) * XY;
      T* o_t = o + (bc * frames + t) * XY;
      for (int64_t p = 0; p < XY; ++p) {
        const double g = s.g_leak + double(q[p]);
        const double e_inf = s.input_amp * double(i_t[p]) / g;
        const double v_prev = v[p];
        const double v_new = (v_prev - e_inf) * std::exp(-s.dt * g) + e_inf;
        q_raw[p] = T(s.e * double(q[p]) + (1 - s.e) * s.lambda_amp * v_prev * v_prev);
        v[p] = T(v_new);
        o_t[p] = T(v_new);
      }
      smooth_frame<T>(q_raw.data(), q, X, Y, w, kx, ky);
    }
  }
}

}  // namespace

BipolarImpl::BipolarImpl(const BipolarConfig& config) : Layer("Bipolar") {
  input_amp = register_parameter("input_amp", scalar_tensor(50.0), true,
                                 "amplification of the OPL input (Hz): E_inf = input_amp I / g");
  g_leak = register_parameter("g_leak", scalar_tensor(50.0), true, "leak conductance of the bipolar cells (Hz)");
  lambda_amp = register_parameter("lambda_amp", scalar_tensor(0.0), true,
                                  "gain of the contrast gain control feedback lambda_amp V^2 (Hz); 0 = off");
  tau = register_parameter("tau", scalar_tensor(0.005), true,
                           "time constant of the adaptation low-pass of lambda_amp V^2, in seconds");
  conv2d = register_module("conv2d", std::make_shared<filters::Conv2dImpl>(1, 1, Shape{1, 1}, true, /*bias=*/false));
  register_state("V", Tensor());
  register_state("Q", Tensor());
  configure(config);
}

void BipolarImpl::configure(const BipolarConfig& c) {
  CONVIS_CHECK(c.adaptation_tau > 0, "Bipolar", "expected adaptation_tau > 0, got {}", c.adaptation_tau);
  set_value(input_amp, c.input_amp);
  set_value(g_leak, c.g_leak);
  set_value(lambda_amp, c.lambda_amp);
  set_value(tau, c.adaptation_tau);
  conv2d->gaussian(c.adaptation_sigma);
}

bool BipolarImpl::needs_graph(const Tensor& input) const {
  return records_graph(input, {input_amp, g_leak, lambda_amp, tau, conv2d->weight});
}

Tensor BipolarImpl::forward(const Tensor& input) {
  CONVIS_CHECK(input.defined() && input.dim() == 5 && input.is_floating_point(), "Bipolar",
               "expected a floating 5-D input [batch, channel, time, x, y], got {}",
               input.defined() ? fmt::format("shape {} of dtype {}", input.sizes(), dtype_name(input.dtype()))
                               : std::string("an undefined tensor"));
  Shape frame = input.sizes();
  frame[2] = 1;
  Tensor v = state("V"), q = state("Q");
  if (!v.defined()) v = zeros(frame, input.options());
  if (!q.defined()) q = ones(frame, input.options());
  CONVIS_CHECK(v.sizes() == frame && v.dtype() == input.dtype(), "Bipolar",
               "expected input frames {} of dtype {} as the stored state, got input {} of dtype {}; call "
               "clear_state() before changing the frame size",
               v.sizes(), dtype_name(v.dtype()), input.sizes(), dtype_name(input.dtype()));
  return needs_graph(input) ? forward_graph(input, v, q) : forward_plain(input, v, q);
}

Tensor BipolarImpl::forward_graph(const Tensor& input, Tensor v, Tensor q) {
  const double dt = default_resolution.dt();
  const Shape frame = v.sizes();
  const Shape flat_frame = {frame[0] * frame[1], 1, 1, frame[3], frame[4]};
  // conv2d's padding and stored (flipped) kernel, in the input's dtype
  Tensor weight = conv2d->weight.to(input.dtype()).unsqueeze(2);
  const int64_t kx = weight.size(3), ky = weight.size(4);
  auto smooth_graph = [&](const Tensor& q_centred, const Tensor& w) {
    Tensor x = q_centred.reshape(flat_frame);
    if (kx > 1 || ky > 1) x = pad(x, {ky / 2, ky - 1 - ky / 2, kx / 2, kx - 1 - kx / 2, 0, 0}, PadMode::replicate);
    return conv3d(x, w);
  };
  Tensor e = exp(-dt / tau);
  std::vector<Tensor> outs;
  outs.reserve(size_t(input.size(2)));
  for (int64_t t = 0; t < input.size(2); ++t) {
    Tensor g = g_leak + q;
    Tensor e_inf = input_amp * input.narrow(2, t, 1) / g;
    Tensor v_new = (v - e_inf) * exp(g * -dt) + e_inf;
    Tensor q_raw = e * q + (1 - e) * lambda_amp * v * v;
    Tensor mean = q_raw.mean({3, 4}, true);
    q = smooth_graph(q_raw - mean, weight).reshape(frame) + mean;
    v = v_new;
    outs.push_back(v);
  }
  store_state("V", v);
  store_state("Q", q);
  return cat(outs, 2);
}

Tensor BipolarImpl::forward_plain(const Tensor& input, Tensor v, Tensor q) {
  NoGradGuard no_grad;
  Tensor x = input.contiguous();
  v = state_buffer("V", v_buffer_, v.to(x.device()));  // updated in place by the loop
  q = state_buffer("Q", q_buffer_, q.to(x.device()));
  BipolarScalars s{default_resolution.dt(), input_amp.item<double>(), g_leak.item<double>(),
                   lambda_amp.item<double>(), std::exp(-default_resolution.dt() / tau.item<double>())};
  const bool smooth = !(s.lambda_amp == 0.0 && frames_uniform_anywhere(q));
  if (smooth && !x.is_cpu()) return forward_graph(x, v, q);  // the smoothing on a device: tensor ops
  Tensor out = empty(x.sizes(), x.options());
  if (!smooth) {  // one kernel, on the input's device (kernels/bipolar.h)
    BipolarArgs a;
    a.input = x.data_ptr(), a.out = out.data_ptr(), a.v = v.data_ptr(), a.q = q.data_ptr();
    a.planes = x.size(0) * x.size(1), a.frames = x.size(2), a.pixels = x.size(3) * x.size(4);
    a.dt = s.dt, a.input_amp = s.input_amp, a.g_leak = s.g_leak, a.lambda_amp = s.lambda_amp, a.e = s.e;
    find_kernel<OpKind::bipolar_uniform>(x.device().type(), x.dtype())(a);
    return out;
  }
  Tensor weight = conv2d->weight.detach().to(x.dtype()).contiguous();
  if (x.dtype() == kFloat64) {
    bipolar_loop<double>(x, out, v, q, weight, s);
  } else {
    bipolar_loop<float>(x, out, v, q, weight, s);
  }
  return out;
}

}  // namespace convis::models
