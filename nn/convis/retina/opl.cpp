// nn/convis/retina/opl.cpp: the OPL variants (see opl.h for the equations).
#include "convis/nn/convis/retina/opl.h"

#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"

namespace convis::models {

namespace {

void set_value(const Tensor& t, double v) {
  NoGradGuard no_grad;
  Tensor(t).fill_(v);
}

std::shared_ptr<filters::Conv3dImpl> spatial_conv() {
  return std::make_shared<filters::Conv3dImpl>(1, 1, Shape{1, 1, 1}, /*bias=*/false);
}

// The weights every linear variant shares: lambda_OPL in front, w_OPL on the surround.
void register_opl_weights(OPLFilter& f, Tensor& lambda_opl, Tensor& relative_weight) {
  lambda_opl = f.register_parameter("lambda_opl", scalar_tensor(10.0), true,
                                    "OPL amplification lambda_OPL (opl-amplification), multiplies the centre signal");
  relative_weight = f.register_parameter("relative_weight", scalar_tensor(1.0), true,
                                         "weight w_OPL of the surround subtracted from the centre (opl-relative-weight)");
}

}  // namespace

// ---------------------------------------------------------------------------------------
// HalfRecursiveOPLFilter and RecursiveOPLFilter (Note [Recursive-time OPL variants])

namespace {
template <typename Spatial>
std::shared_ptr<Spatial> make_spatial_gaussian();
template <>
std::shared_ptr<filters::Conv3dImpl> make_spatial_gaussian<filters::Conv3dImpl>() { return spatial_conv(); }
template <>
std::shared_ptr<filters::SpatialRecursiveFilterImpl> make_spatial_gaussian<filters::SpatialRecursiveFilterImpl>() {
  return std::make_shared<filters::SpatialRecursiveFilterImpl>();
}
}  // namespace

template <typename Spatial>
RecursiveTimeOPLFilter<Spatial>::RecursiveTimeOPLFilter(std::string name, const OPLConfig& config)
    : OPLFilter(std::move(name)) {
  register_opl_weights(*this, lambda_opl, relative_weight);
  center_G = register_module("center_G", make_spatial_gaussian<Spatial>());
  center_E = register_module("center_E", std::make_shared<filters::TemporalLowPassFilterRecursiveImpl>());
  center_undershoot = register_module("center_undershoot", std::make_shared<filters::TemporalHighPassFilterRecursiveImpl>());
  surround_G = register_module("surround_G", make_spatial_gaussian<Spatial>());
  surround_E = register_module("surround_E", std::make_shared<filters::TemporalLowPassFilterRecursiveImpl>());
  configure(config);
}

template <typename Spatial>
void RecursiveTimeOPLFilter<Spatial>::configure(const OPLConfig& c) {
  config_ = c;
  set_value(lambda_opl, c.lambda_opl);
  set_value(relative_weight, c.relative_weight);
  center_G->gaussian(c.sigma_center);
  set_value(center_E->tau, c.tau_center);
  set_value(center_undershoot->tau, c.undershoot_tau_center);
  set_value(center_undershoot->k, c.undershoot_relative_weight_center);
  surround_G->gaussian(c.sigma_surround);
  set_value(surround_E->tau, c.tau_surround);
}

template <typename Spatial>
Tensor RecursiveTimeOPLFilter<Spatial>::forward(const Tensor& input) {
  return opl_stages(*this, input);
}

template class RecursiveTimeOPLFilter<filters::Conv3dImpl>;
template class RecursiveTimeOPLFilter<filters::SpatialRecursiveFilterImpl>;

// ---------------------------------------------------------------------------------------
// SeparableOPLFilter

SeparableOPLFilterImpl::SeparableOPLFilterImpl(const OPLConfig& config) : OPLFilter("SeparableOPLFilter") {
  register_opl_weights(*this, lambda_opl, relative_weight);
  center_G = register_module("center_G", spatial_conv());
  center_E = register_module("center_E", spatial_conv());
  center_undershoot = register_module("center_undershoot", spatial_conv());
  surround_G = register_module("surround_G", spatial_conv());
  surround_E = register_module("surround_E", spatial_conv());
  configure(config);
}

void SeparableOPLFilterImpl::configure(const OPLConfig& c) {
  CONVIS_CHECK(c.n_center >= 0, "SeparableOPLFilter", "expected n_center >= 0, got {}", c.n_center);
  config_ = c;
  set_value(lambda_opl, c.lambda_opl);
  set_value(relative_weight, c.relative_weight);
  center_G->gaussian(c.sigma_center);
  filters::ExponentialOptions center_options;
  center_options.n = c.n_center;
  center_E->exponential(c.tau_center, center_options);
  center_undershoot->highpass_exponential(c.undershoot_tau_center, c.undershoot_relative_weight_center);
  surround_G->gaussian(c.sigma_surround);
  surround_E->exponential(c.tau_surround);
}

Tensor SeparableOPLFilterImpl::forward(const Tensor& input) {
  return opl_stages(*this, input);
}

// ---------------------------------------------------------------------------------------
// FullConvolutionOPLFilter

FullConvolutionOPLFilterImpl::FullConvolutionOPLFilterImpl(Shape shp, const OPLConfig& config)
    : OPLFilter("FullConvolutionOPLFilter"), shp_(std::move(shp)) {
  CONVIS_CHECK(shp_.size() == 3 && shp_[0] >= 1 && shp_[1] >= 1 && shp_[2] >= 1, "FullConvolutionOPLFilter",
               "expected a kernel shape {{kT, kX, kY}} of positive sizes, got {}", shp_);
  conv = register_module("conv", std::make_shared<filters::Conv3dImpl>(1, 1, shp_, /*bias=*/false));
  configure(config);
}

// Note [Full OPL kernel]
// The kernel is the response of a fresh RecursiveOPLFilter to a unit impulse at the pixel
// (r_x, r_y), r = n - 1 - floor(n/2), one frame after a zero frame (the zero frame gives the
// high-pass a zero "previous input"); its frames 1..kT are given to set_weight, so the Conv3d's
// impulse response is the recursive filter's, truncated to shp.
void FullConvolutionOPLFilterImpl::configure(const OPLConfig& c) {
  config_ = c;
  const int64_t kt = shp_[0], kx = shp_[1], ky = shp_[2];
  auto generator = std::make_shared<RecursiveOPLFilterImpl>(c);
  NoGradGuard no_grad;
  Tensor impulse = zeros({1, 1, kt + 1, kx, ky});
  impulse.data_ptr<float>()[(1 * kx + (kx - 1 - kx / 2)) * ky + (ky - 1 - ky / 2)] = 1.0f;
  Tensor response = generator->forward(impulse).narrow(2, 1, kt).reshape({kt, kx, ky});
  conv->set_weight(response);
}

Tensor FullConvolutionOPLFilterImpl::forward(const Tensor& input) { return conv->forward(input); }

// ---------------------------------------------------------------------------------------
// OPL

OPLImpl::OPLImpl(const OPLConfig& config) : Layer("OPL"), config_(config) {
  opl_filter = register_module("opl_filter", std::shared_ptr<OPLFilter>(std::make_shared<HalfRecursiveOPLFilterImpl>(config)));
}

Tensor OPLImpl::forward(const Tensor& input) { return opl_filter->forward(input); }

void OPLImpl::set_filter(std::shared_ptr<OPLFilter> filter) {
  CONVIS_CHECK(filter != nullptr, "OPL", "expected an OPL filter, got a null pointer");
  filter->configure(config_);
  unregister_module("opl_filter");
  opl_filter = register_module("opl_filter", std::move(filter));
}

void OPLImpl::configure(const OPLConfig& config) {
  config_ = config;
  opl_filter->configure(config);
}

}  // namespace convis::models
