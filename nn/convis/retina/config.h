// nn/convis/retina/config.h: the VirtualRetina parameters of the retina model, as plain
// values, with VirtualRetina's defaults (docs/convis-toolbox.md 1.7).
//
//   convis::models::RetinaConfig config;             // the defaults
//   config.opl.sigma_surround = 0.2;                 // degrees
//   config.bipolar.lambda_amp = 100;                 // contrast gain control on
//   convis::models::Retina retina(true, true, true, true, config);
//   retina->configure(convis::models::retina_config_from_xml_file("retina.xml"));
//
// Time constants are in seconds, sigmas in degrees of visual angle, rates in Hz; they are
// converted to steps and pixels with convis::default_resolution (10 px/deg, 1000 steps/s), not
// with the "retina" section of a VirtualRetina file (as in the original).
#pragma once

#include <cstdint>
#include <string>

namespace convis::models {

// Outer plexiform layer: C = G_sigma_c * T_undershoot * E_tau_c * L,  S = G_sigma_s * E_tau_s * C,
// I_OPL = lambda_OPL (C - w_OPL S).
struct OPLConfig {
  double sigma_center = 0.05;                       // center-sigma__deg
  double tau_center = 0.01;                         // center-tau__sec
  int64_t n_center = 0;                             // center-n__uint: gamma cascade (separable variant only)
  double undershoot_tau_center = 0.1;               // <undershoot tau__sec>
  double undershoot_relative_weight_center = 0.8;   // <undershoot relative-weight>
  double sigma_surround = 0.15;                     // surround-sigma__deg
  double tau_surround = 0.004;                      // surround-tau__sec
  double relative_weight = 1.0;                     // opl-relative-weight (w_OPL)
  double lambda_opl = 10.0;                         // opl-amplification (lambda_OPL)
};

// Contrast gain control of the bipolar cells.
struct BipolarConfig {
  double input_amp = 50.0;         // opl-amplification__Hz
  double g_leak = 50.0;            // bipolar-inert-leaks__Hz
  double lambda_amp = 0.0;         // adaptation-feedback-amplification__Hz; 0 = gain control off
  double adaptation_tau = 0.005;   // adaptation-tau__sec
  double adaptation_sigma = 0.2;   // adaptation-sigma__deg
};

// One ganglion pathway: transient, static nonlinearity, pooling, and its spiking channel.
struct GanglionConfig {
  double transient_tau = 0.02;              // transient-tau__sec
  double transient_relative_weight = 0.7;   // transient-relative-weight
  double i_0 = 37.0;                        // value-at-linear-threshold__Hz
  double v_0 = 0.0;                         // bipolar-linear-threshold
  double lambda_g = 100.0;                  // bipolar-amplification__Hz
  double sigma_pool = 0.0;                  // sigma-pool__deg; 0 = no pooling
  double g_leak = 50.0;                     // <spiking-channel g-leak__Hz>
  double sigma_v = 0.1;                     // <spiking-channel sigma-V>
  double refr_mean = 0.003;                 // <spiking-channel refr-mean__sec>
  double refr_stdev = 0.0;                  // <spiking-channel refr-stdev__sec>
};

struct RetinaConfig {
  OPLConfig opl;
  BipolarConfig bipolar;
  GanglionConfig on;    // Parvocellular ON (gang_0)
  GanglionConfig off;   // Parvocellular OFF (gang_1)
};

// Reads a VirtualRetina XML configuration: the attributes named above, on the elements
// <linear-version> (inside <outer-plexiform-layer>) with its child <undershoot>,
// <contrast-gain-control>, and <ganglion-layer> with its child <spiking-channel>; the first
// ganglion layer of sign > 0 is ON, the first of sign < 0 OFF.  Attributes not present keep
// the values of `base`; other elements and attributes are ignored.  Malformed XML or a value
// that is not a number is an Error naming the element and attribute.
RetinaConfig retina_config_from_xml(const std::string& xml_text, const RetinaConfig& base = {});
RetinaConfig retina_config_from_xml_file(const std::string& path, const RetinaConfig& base = {});

}  // namespace convis::models
