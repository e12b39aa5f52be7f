// nn/convis/retina/opl.h: the outer plexiform layer of the retina model, in four variants
// that compute the same VirtualRetina equations in different ways.
//
//   using namespace convis::models;
//   OPL opl;                       // HalfRecursiveOPLFilter, defaults
//   Tensor i_opl = (*opl)(video);                             // (T, X, Y) -> [1, 1, T, X, Y]
//   opl->set_filter(std::make_shared<SeparableOPLFilterImpl>());  // every stage a convolution
//   OPLConfig c;  c.sigma_surround = 0.2;
//   opl->configure(c);                                        // rebuilds kernels, sets taus
//
// Equations (docs/convis-toolbox.md 1.7), with L the input:
//   C = G_sigma_c * T_undershoot * E_tau_c * (lambda_OPL L)      (centre)
//   S = G_sigma_s * E_tau_s * C                                  (surround)
//   I_OPL = C - w_OPL S
// G are spatial Gaussians, E temporal exponential low-passes, T_undershoot the high-pass
// x - k E_tau_u x.  lambda_OPL and w_OPL are differentiable parameters of each variant (except
// the full convolution, where they are folded into its kernel).
#pragma once

#include <memory>

#include "convis/autograd/grad_mode.h"
#include "convis/nn/convis/filters/conv3d.h"
#include "convis/nn/convis/filters/recursive.h"
#include "convis/nn/convis/layer.h"
#include "convis/nn/convis/retina/config.h"

namespace convis::models {

// The interface of the OPL variants.  configure() applies VirtualRetina values: it regenerates
// kernels and sets time constants and weights (the original's VirtualParameters).
class OPLFilter : public Layer {
 public:
  using Layer::Layer;
  virtual void configure(const OPLConfig& config) = 0;
  const OPLConfig& config() const { return config_; }

 protected:
  // The OPL equations over the stages of `f` (a filter with center_G, center_E,
  // center_undershoot, surround_G, surround_E, lambda_opl and relative_weight), each timed.
  // Note [OPL without gradients]: with grad mode off, lambda_OPL scales the Gaussian's fresh
  // output in place and the combination is one sub with alpha = w_OPL: two tensors fewer per
  // chunk, the same bits (a - alpha * b rounds alpha * b first, as the graph path's product).
  template <typename Filter>
  Tensor opl_stages(Filter& f, const Tensor& input) {
    const bool plain = !GradMode::is_enabled();
    Tensor x = timed("center_G", [&] {
      Tensor g = f.center_G->forward(input);
      const bool fresh = g.storage() != input.storage() && g.storage().use_count() == 1;
      if (plain && fresh) return g.mul_(f.lambda_opl);
      return g * f.lambda_opl;
    });
    x = timed("center_E", [&] { return f.center_E->forward(x); });
    f.center_signal = timed("center_undershoot", [&] { return f.center_undershoot->forward(x); });
    Tensor s = timed("surround_G", [&] { return f.surround_G->forward(f.center_signal); });
    f.surround_signal = timed("surround_E", [&] { return f.surround_E->forward(s); });
    return timed("combine", [&] {
      if (plain) return f.center_signal.sub(f.surround_signal, f.relative_weight.item());
      return f.center_signal - f.relative_weight * f.surround_signal;
    });
  }

  OPLConfig config_;
};

// Note [Recursive-time OPL variants]
// The default variant and the fully recursive one share their temporal filters (recursive
// low-passes and the undershoot high-pass) and differ only in how the two spatial Gaussians
// are computed: as replicate-padded convolutions (HalfRecursiveOPLFilter) or by Deriche's
// recursion with zero borders (RecursiveOPLFilter).  One template holds both; Spatial is the
// Gaussian's filter type, which must have gaussian(sigma_degrees).
template <typename Spatial>
class RecursiveTimeOPLFilter : public OPLFilter {
 public:
  RecursiveTimeOPLFilter(std::string name, const OPLConfig& config);
  Tensor forward(const Tensor& input) override;
  void configure(const OPLConfig& config) override;

  std::shared_ptr<Spatial> center_G;
  std::shared_ptr<filters::TemporalLowPassFilterRecursiveImpl> center_E;
  std::shared_ptr<filters::TemporalHighPassFilterRecursiveImpl> center_undershoot;
  std::shared_ptr<Spatial> surround_G;
  std::shared_ptr<filters::TemporalLowPassFilterRecursiveImpl> surround_E;
  Tensor lambda_opl;       // 0-dim
  Tensor relative_weight;  // 0-dim, w_OPL
  Tensor center_signal, surround_signal;  // of the last call (not state)
};

// The default: Gaussians as convolutions (replicate borders), temporal filters recursive.
class HalfRecursiveOPLFilterImpl : public RecursiveTimeOPLFilter<filters::Conv3dImpl> {
 public:
  explicit HalfRecursiveOPLFilterImpl(const OPLConfig& config = {})
      : RecursiveTimeOPLFilter("HalfRecursiveOPLFilter", config) {}
};

// Every filter recursive: the Gaussians by Deriche's recursion (zero borders).
class RecursiveOPLFilterImpl : public RecursiveTimeOPLFilter<filters::SpatialRecursiveFilterImpl> {
 public:
  explicit RecursiveOPLFilterImpl(const OPLConfig& config = {}) : RecursiveTimeOPLFilter("RecursiveOPLFilter", config) {}
};

// Every stage a separate Conv3d: exponential kernels (47 and 23 taps at the defaults; a gamma
// cascade when n_center > 0) and the 209-tap undershoot high-pass in time, Gaussians in space.
// The original spelled it SeperatableOPLFilter.
class SeparableOPLFilterImpl : public OPLFilter {
 public:
  explicit SeparableOPLFilterImpl(const OPLConfig& config = {});
  Tensor forward(const Tensor& input) override;
  void configure(const OPLConfig& config) override;

  std::shared_ptr<filters::Conv3dImpl> center_G;
  std::shared_ptr<filters::Conv3dImpl> center_E;
  std::shared_ptr<filters::Conv3dImpl> center_undershoot;
  std::shared_ptr<filters::Conv3dImpl> surround_G;
  std::shared_ptr<filters::Conv3dImpl> surround_E;
  Tensor lambda_opl;
  Tensor relative_weight;
  Tensor center_signal, surround_signal;
};
using SeperatableOPLFilterImpl = SeparableOPLFilterImpl;  // the original's spelling

// One non-separable 3-D kernel of shape shp = {kT, kX, kY}: the impulse response of a
// RecursiveOPLFilter with the same configuration (lambda_OPL and w_OPL included), applied as
// one Conv3d.  The kernel (conv.weight) is trainable; configure() regenerates it.
class FullConvolutionOPLFilterImpl : public OPLFilter {
 public:
  explicit FullConvolutionOPLFilterImpl(Shape shp = {100, 11, 11}, const OPLConfig& config = {});
  Tensor forward(const Tensor& input) override;
  void configure(const OPLConfig& config) override;

  std::shared_ptr<filters::Conv3dImpl> conv;

 private:
  Shape shp_;
};

// The OPL stage of the retina: holds one variant as `opl_filter`.
class OPLImpl : public Layer {
 public:
  explicit OPLImpl(const OPLConfig& config = {});
  Tensor forward(const Tensor& input) override;
  // Replaces the variant; the new one is configured with this stage's configuration.
  void set_filter(std::shared_ptr<OPLFilter> filter);
  void configure(const OPLConfig& config);

  std::shared_ptr<OPLFilter> opl_filter;

 private:
  OPLConfig config_;
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(HalfRecursiveOPLFilter);
CONVIS_MODULE(RecursiveOPLFilter);
CONVIS_MODULE(SeparableOPLFilter);
using SeperatableOPLFilter = SeparableOPLFilter;  // the original's name
CONVIS_MODULE(FullConvolutionOPLFilter);
CONVIS_MODULE(OPL);

}  // namespace convis::models
