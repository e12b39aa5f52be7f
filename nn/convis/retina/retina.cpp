// nn/convis/retina/retina.cpp: the retina's stages wired together (see retina.h).
#include "convis/nn/convis/retina/retina.h"

#include "convis/autograd/grad_mode.h"
#include "convis/core/ops.h"

namespace convis::models {

// Note [Retina without gradients]
// Spikes are not differentiable (GanglionSpiking detaches its input), so with spikes = true
// nothing the retina returns can carry a gradient: the whole forward then runs with grad mode
// off, and the per-frame bipolar recursion takes its plain loop (Note [Bipolar without a
// graph] in bipolar.cpp).  With spikes = false the currents are differentiable with respect
// to every parameter, and a graph is recorded unless grad mode is off or no parameter
// requires grad (wrap runs in NoGradGuard, or call requires_grad_(false) on the parameters,
// when only the numbers are wanted).

// Note [Shared transient]
// The ON and OFF ganglion inputs filter the same bipolar signal; with equal transient kernels
// and equal histories (the defaults: both start from zeros and see the same frames) their
// transient convolutions are equal, so without gradients (no kernel could receive one) the
// OFF pathway reuses the ON result and takes over its history.  This halves the largest
// temporal convolution of the retina.  With gradients both are computed.  Comparing the two
// kernels is a tensor op that cost a frame-by-frame run a microsecond per frame, so the answer
// is kept until either kernel changes: another storage, or a write to it (its version).

namespace {

bool same_history(const Tensor& a, const Tensor& b) {
  if (!a.defined() || !b.defined()) return !a.defined() && !b.defined();
  if (a.is_same(b)) return true;  // the OFF pathway took over the ON history last chunk
  return a.sizes() == b.sizes() && a.dtype() == b.dtype() && equal(a, b);
}

}  // namespace

RetinaImpl::RetinaImpl(bool opl_on, bool bipolar_on, bool gang_on, bool spikes_on, const RetinaConfig& config)
    : Layer("Retina"), config_(config) {
  if (opl_on) opl = register_module("opl", std::make_shared<OPLImpl>(config.opl));
  if (bipolar_on) bipolar = register_module("bipolar", std::make_shared<BipolarImpl>(config.bipolar));
  if (gang_on) {
    gang_0_input = register_module("gang_0_input", std::make_shared<GanglionInputImpl>(config.on, 1.0));
    gang_1_input = register_module("gang_1_input", std::make_shared<GanglionInputImpl>(config.off, -1.0));
  }
  if (spikes_on) {
    gang_0_spikes = register_module("gang_0_spikes", std::make_shared<GanglionSpikingImpl>(config.on));
    gang_1_spikes = register_module("gang_1_spikes", std::make_shared<GanglionSpikingImpl>(config.off));
  }
}

void RetinaImpl::configure(const RetinaConfig& config) {
  config_ = config;
  if (opl) opl->configure(config.opl);
  if (bipolar) bipolar->configure(config.bipolar);
  if (gang_0_input) gang_0_input->configure(config.on);
  if (gang_1_input) gang_1_input->configure(config.off);
  if (gang_0_spikes) gang_0_spikes->configure(config.on);
  if (gang_1_spikes) gang_1_spikes->configure(config.off);
}

Output RetinaImpl::forward_outputs(const Tensor& input) {
  CONVIS_CHECK(input.defined() && input.dim() == 5, "Retina",
               "expected a 5-D input [batch, channel, time, x, y], got shape {}",
               input.defined() ? input.sizes() : Shape{});
  std::optional<NoGradGuard> no_grad;
  if (gang_0_spikes) no_grad.emplace();
  // The input is converted to the dtype of the parameters (float32 unless the retina was
  // moved with to(kFloat64)), so integer or float64 videos work with a float32 retina.  One
  // stage's parameter says it: listing them all costs microseconds, per chunk.
  const Tensor* sample = bipolar ? &bipolar->g_leak : gang_0_input ? &gang_0_input->i_0 : nullptr;
  std::vector<Tensor> params = sample ? std::vector<Tensor>{} : parameters();
  const DType dtype = sample ? sample->scalar_type() : params.empty() ? kFloat32 : params.front().scalar_type();
  Tensor x = input.dtype() == dtype ? input : input.to(dtype);
  Tensor i1 = opl ? timed("opl", [&] { return opl->forward(x); }) : x;
  if (bipolar) i1 = timed("bipolar", [&] { return bipolar->forward(i1); });
  Tensor i2 = i1;
  if (gang_0_input) timed("ganglion_input", [&] { ganglion_inputs(i1, i2); });
  if (gang_0_spikes) {
    i1 = timed("spikes_on", [&] { return gang_0_spikes->forward(i1); });
    i2 = timed("spikes_off", [&] { return gang_1_spikes->forward(i2); });
  }
  return Output({i1, i2}, {"ganglion_spikes_ON", "ganglion_spikes_OFF"});
}

// The two ganglion input currents, in place of the bipolar signals i1 (ON) and i2 (OFF).
void RetinaImpl::ganglion_inputs(Tensor& i1, Tensor& i2) {
  const bool share = can_share_transient();
  Tensor t1 = gang_0_input->transient_response(i1);
  Tensor t2;
  if (share) {
    t2 = t1;
    gang_1_input->transient->state("history") = gang_0_input->transient->state("history");
  } else {
    t2 = gang_1_input->transient_response(i2);
  }
  i1 = gang_0_input->respond(t1);
  i2 = gang_1_input->respond(t2);
}

bool RetinaImpl::can_share_transient() {
  if (GradMode::is_enabled()) return false;
  const Tensor& w0 = gang_0_input->transient->weight;
  const Tensor& w1 = gang_1_input->transient->weight;
  KernelComparison& c = transient_kernels_;
  auto same = [](const Tensor& seen, uint32_t version, const Tensor& w) {
    return seen.defined() && seen.data_ptr() == w.data_ptr() && seen.sizes() == w.sizes() && version == w._version();
  };
  if (!same(c.on, c.on_version, w0) || !same(c.off, c.off_version, w1)) {
    c = {w0.detach(), w1.detach(), w0._version(), w1._version(), w0.sizes() == w1.sizes() && equal(w0, w1)};
  }
  return c.equal && same_history(gang_0_input->transient->state("history"), gang_1_input->transient->state("history"));
}

Tensor RetinaImpl::forward(const Tensor& input) { return forward_outputs(input)[0]; }

}  // namespace convis::models
