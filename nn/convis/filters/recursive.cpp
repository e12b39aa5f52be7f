// nn/convis/filters/recursive.cpp: the recursive temporal low-pass and high-pass filters and
// the Deriche spatial filter (nn/convis/filters/recursive.h).
#include "convis/nn/convis/filters/recursive.h"

#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/nn/convis/filters/resolution.h"
#include "convis/nn/convis/records_graph.h"

namespace convis::filters {
namespace {

double value_of(const Tensor& t) { return t.detach().cpu().to(kFloat64).item<double>(); }

Tensor as_floating(const Tensor& x) { return x.is_floating_point() ? x : x.to(get_default_dtype()); }

void check_video(const Tensor& input, const char* op) {
  CONVIS_CHECK(input.defined() && input.dim() == 5, op, "expected a 5-D [B, C, T, X, Y] input, got {}",
               input.defined() ? fmt::format("shape {}", input.sizes()) : std::string("an undefined tensor"));
}

// The state of a previous chunk, checked against the new chunk's frame shape.
Tensor frame_state(const Tensor& state, const Tensor& input, const char* op, const char* name) {
  if (!state.defined()) return state;
  Shape frame = input.sizes();
  frame[2] = 1;
  CONVIS_CHECK(state.sizes() == frame, op,
               "expected frames matching the state '{}' of shape {} (call clear_state() before changing the "
               "frame size), got input of shape {}",
               name, state.sizes(), input.sizes());
  return state.to(input.dtype());
}

// e = exp(-dt / tau) for the input's dtype; tau must be positive.
Tensor decay(const Tensor& tau, const Tensor& input, const char* op) {
  CONVIS_CHECK(tau.numel() == 1 && value_of(tau) > 0, op, "expected a positive time constant tau (seconds), got {}",
               tau.numel() == 1 ? fmt::format("{}", value_of(tau)) : fmt::format("shape {}", tau.sizes()));
  return exp(div(-default_resolution.dt(), tau.to(input.dtype())));
}

// e and 1 + e by the differentiable path's own ops, recomputed only when tau or the dtype changes.
const RecursionCoefficients& coefficients(RecursionCoefficients& c, const Tensor& tau, const Tensor& input,
                                          const char* op) {
  CONVIS_CHECK(tau.numel() == 1, op, "expected a positive time constant tau (seconds), got shape {}", tau.sizes());
  const double t = tau.item().to<double>();
  if (c.valid && c.tau == t && c.dtype == input.dtype()) return c;
  const Tensor e = decay(tau, input, op);
  c = {t, value_of(e + 1.0), value_of(e), input.dtype(), true};
  return c;
}

}  // namespace

// ---- TemporalLowPassFilterRecursive ----

TemporalLowPassFilterRecursiveImpl::TemporalLowPassFilterRecursiveImpl() {
  tau = register_parameter("tau", scalar_tensor(0.01), true, "time constant of the exponential low-pass, in seconds");
  register_state("y", Tensor());
}

Tensor TemporalLowPassFilterRecursiveImpl::forward(const Tensor& input_) {
  const char* op = "TemporalLowPassFilterRecursive";
  check_video(input_, op);
  Tensor input = as_floating(input_);
  if (!records_graph(input, {tau}) && input.size(2) > 0) return forward_no_grad(input);
  Tensor e = decay(tau, input, op);
  Tensor y0 = frame_state(state("y"), input, op, "y");
  int64_t frames = input.size(2);
  Tensor y = first_order_recursion(input, e + 1.0, e, y0);
  if (frames > 0) store_state("y", y.narrow(2, frames - 1, 1));
  return y * (default_resolution.dt() / 2.0) / tau.to(input.dtype());
}

Tensor TemporalLowPassFilterRecursiveImpl::forward_no_grad(const Tensor& input) {
  const char* op = "TemporalLowPassFilterRecursive";
  const RecursionCoefficients& c = coefficients(coefficients_, tau, input, op);
  const Tensor y0 = frame_state(state("y"), input, op, "y");
  // The filter's own frame for y[-1] (Note [State buffers]); on a first chunk its values are unused.
  Tensor& y = state_buffer("y", y_buffer_, y0.defined() ? y0 : input.narrow(2, 0, 1));
  return first_order_stream(input, y, !y0.defined(), Tensor(), {c.a, c.e, default_resolution.dt() / 2.0, c.tau});
}

// ---- TemporalHighPassFilterRecursive ----

TemporalHighPassFilterRecursiveImpl::TemporalHighPassFilterRecursiveImpl() {
  tau = register_parameter("tau", scalar_tensor(0.01), true,
                           "time constant of the subtracted exponential low-pass, in seconds");
  k = register_parameter("k", scalar_tensor(0.5), true,
                         "weight of the subtracted low-pass (1: full high-pass, 0: identity)");
  register_state("z", Tensor());
  register_state("last_input", Tensor());
}

Tensor TemporalHighPassFilterRecursiveImpl::forward(const Tensor& input_) {
  const char* op = "TemporalHighPassFilterRecursive";
  check_video(input_, op);
  Tensor input = as_floating(input_);
  int64_t frames = input.size(2);
  if (frames == 0) return input.clone();
  if (!records_graph(input, {tau, k})) return forward_no_grad(input);
  Tensor e = decay(tau, input, op);
  Tensor z0 = frame_state(state("z"), input, op, "z");
  // Note [Chunk-invariant high-pass]: x[-1] is the previous chunk's last frame.
  Tensor previous = frame_state(state("last_input"), input, op, "last_input");
  if (!previous.defined()) previous = input.narrow(2, 0, 1);
  Tensor shifted = frames == 1 ? previous : cat({previous, input.narrow(2, 0, frames - 1)}, 2);
  Tensor z = first_order_recursion(shifted, e + 1.0, e, z0);
  store_state("z", z.narrow(2, frames - 1, 1));
  store_state("last_input", input.narrow(2, frames - 1, 1));
  Tensor lowpass = z * (default_resolution.dt() / 2.0) / tau.to(input.dtype());
  return input - lowpass * k.to(input.dtype());
}

Tensor TemporalHighPassFilterRecursiveImpl::forward_no_grad(const Tensor& input) {
  const char* op = "TemporalHighPassFilterRecursive";
  const int64_t frames = input.size(2);
  const RecursionCoefficients& c = coefficients(coefficients_, tau, input, op);
  Tensor previous = frame_state(state("last_input"), input, op, "last_input");
  if (!previous.defined()) previous = input.narrow(2, 0, 1);
  const Tensor z0 = frame_state(state("z"), input, op, "z");
  Tensor& z = state_buffer("z", z_buffer_, z0.defined() ? z0 : input.narrow(2, 0, 1));
  const double weight = k.to(input.dtype()).item<double>();
  Tensor out = first_order_stream(input, z, !z0.defined(), previous,
                                  {c.a, c.e, default_resolution.dt() / 2.0, c.tau, weight, /*highpass=*/true});
  state_buffer("last_input", last_input_buffer_, input.narrow(2, frames - 1, 1));
  return out;
}

// ---- SpatialRecursiveFilter ----

namespace {

struct DericheTerms {
  Tensor a1, a2, a3, a4, b1, b2;
};

DericheTerms deriche_coefficients(const Tensor& density) {
  Tensor alpha = density * 1.695;
  Tensor ea = exp(-alpha), e2a = exp(alpha * -2.0);
  Tensor k = square(1.0 - ea) / (alpha * ea * 2.0 + 1.0 - e2a);
  return {k, k * ea * (alpha - 1.0), k * ea * (alpha + 1.0), -(k * e2a), ea * 2.0, -e2a};
}

// x[n - 1] along dim, zero at n = 0.
Tensor shifted_by_one(const Tensor& x, int64_t dim) {
  int64_t n = x.size(dim);
  Shape slice = x.sizes();
  slice[size_t(dim)] = 1;
  Tensor head = zeros(slice, x.options());
  return n == 1 ? head : cat({head, x.narrow(dim, 0, n - 1)}, dim);
}

// Note [Deriche boundary]
// Both passes treat samples outside the frame as 0.  The anti-causal pass runs the causal
// recursion on the reversed signal delayed by one sample (y-[n] needs x[n+1] and x[n+2]), so
// its first step sees x[N] = 0; the original started it with x[0] instead, a boundary bug.
Tensor deriche_pass(const Tensor& x, const DericheTerms& c, int64_t dim) {
  Tensor causal = linear_recursion(x, c.a1, c.a2, c.b1, c.b2, Tensor(), dim);
  Tensor reversed = shifted_by_one(x.flip({dim}), dim);
  Tensor anti_causal = linear_recursion(reversed, c.a3, c.a4, c.b1, c.b2, Tensor(), dim).flip({dim});
  return causal + anti_causal;
}

}  // namespace

SpatialRecursiveFilterImpl::SpatialRecursiveFilterImpl() {
  density = register_parameter("density", scalar_tensor(1.0), true,
                               "1 / sigma of the approximated Gaussian, per pixel (see gaussian(sigma_deg))");
}

void SpatialRecursiveFilterImpl::gaussian(double sigma_deg) {
  double sigma_px = default_resolution.degrees_to_pixels(sigma_deg);
  CONVIS_CHECK(sigma_px > 0, "SpatialRecursiveFilter.gaussian", "expected a positive sigma in degrees, got {}",
               sigma_deg);
  NoGradGuard no_grad;
  density.fill_(1.0 / sigma_px);
}

Tensor SpatialRecursiveFilterImpl::forward(const Tensor& input_) {
  const char* op = "SpatialRecursiveFilter";
  check_video(input_, op);
  Tensor input = as_floating(input_);
  if (input.numel() == 0) return input.clone();
  CONVIS_CHECK(density.numel() == 1 && value_of(density) > 0, op, "expected a positive one-element density, got {}",
               density.numel() == 1 ? fmt::format("{}", value_of(density)) : fmt::format("shape {}", density.sizes()));
  DericheTerms c = deriche_coefficients(density.to(input.dtype()));
  return deriche_pass(deriche_pass(input, c, 3), c, 4);
}

}  // namespace convis::filters
