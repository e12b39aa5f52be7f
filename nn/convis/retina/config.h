// nn/convis/retina/config.h: the VirtualRetina parameters of the retina model, as plain
// values, with VirtualRetina's defaults (reference/convis.md 1.7).
//
//   convis::models::RetinaConfig config;             // the defaults
//   config.opl.sigma_surround = 0.2;                 // degrees
//   config.bipolar.lambda_amp = 100;                 // contrast gain control on
//   auto retina = std::make_shared<convis::models::Retina>(true, true, true, true, config);
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
  double sigma_center = 0.05;                       // center-sigma (degrees)
  double tau_center = 0.01;                         // center-tau (s)
  int64_t n_center = 0;                             // center-n: gamma cascade (separable variant only)
  double undershoot_tau_center = 0.1;               // undershoot tau (s)
  double undershoot_relative_weight_center = 0.8;   // undershoot relative-weight
  double sigma_surround = 0.15;                     // surround-sigma (degrees)
  double tau_surround = 0.004;                      // surround-tau (s)
  double relative_weight = 1.0;                     // opl-relative-weight (w_OPL)
  double lambda_opl = 10.0;                         // opl-amplification (lambda_OPL)
};

// Contrast gain control of the bipolar cells.
struct BipolarConfig {
  double input_amp = 50.0;         // bipolar-inert-leaks... : opl input amplification (Hz)
  double g_leak = 50.0;            // bipolar-inert-leak (Hz)
  double lambda_amp = 0.0;         // adaptation-feedback-amplification (Hz); 0 = gain control off
  double adaptation_tau = 0.005;   // adaptation-tau (s)
  double adaptation_sigma = 0.2;   // adaptation-sigma (degrees)
};

// One ganglion pathway: transient, static nonlinearity, pooling, and its spiking channel.
struct GanglionConfig {
  double transient_tau = 0.02;              // transient-tau (s)
  double transient_relative_weight = 0.7;   // transient-relative-weight
  double i_0 = 37.0;                        // bipolar-linear-threshold value at v_0 (Hz)
  double v_0 = 0.0;                         // bipolar-linear-threshold
  double lambda_g = 100.0;                  // value-at-linear-threshold slope (Hz)
  double sigma_pool = 0.0;                  // sigma-pool (degrees); 0 = no pooling
  double g_leak = 50.0;                     // spiking-channel g-leak (Hz)
  double sigma_v = 0.1;                     // spiking-channel sigma-V
  double refr_mean = 0.003;                 // spiking-channel refr-mean (s)
  double refr_stdev = 0.0;                  // spiking-channel refr-stdev (s)
};

struct RetinaConfig {
  OPLConfig opl;
  BipolarConfig bipolar;
  GanglionConfig on;    // Parvocellular ON (gang_0)
  GanglionConfig off;   // Parvocellular OFF (gang_1)
};

// Reads a VirtualRetina XML configuration (the elements and attributes VirtualRetina writes:
// <outer-plexiform-layer><linear-version center-sigma__deg="..." ...>, <contrast-gain-control
// ...>, <ganglion-layer sign="1" ...><linear-version ...><transient-tau__sec ...>,
// <spiking-channel ...>).  Attributes not present keep the defaults of `base`; unknown ones
// are ignored.  Malformed XML is an Error.  See Note [VirtualRetina XML] in config.cpp.
RetinaConfig retina_config_from_xml(const std::string& xml_text, const RetinaConfig& base = {});
RetinaConfig retina_config_from_xml_file(const std::string& path, const RetinaConfig& base = {});

}  // namespace convis::models
