// nn/convis/filters/resolution.h: how degrees of visual angle and seconds map onto pixels
// and frames, for every generated filter.
//
//   convis::default_resolution.pixel_per_degree = 20;   // finer retina
//   int64_t px = convis::default_resolution.degrees_to_pixels(0.15);   // 3
//   double steps = convis::default_resolution.seconds_to_steps(0.01);  // 20 at 2000 steps/s
//
// The defaults are the original toolbox's: 10 pixels per degree, 1000 steps (frames) per
// second, and generated kernels truncated where they fall below filter_epsilon.
#pragma once

#include <cmath>
#include <cstdint>

namespace convis {

struct ResolutionInfo {
  double pixel_per_degree = 10.0;
  double steps_per_second = 1000.0;
  double filter_epsilon = 0.001;
  double input_luminosity_range = 1.0;

  double degrees_to_pixels(double degrees) const { return degrees * pixel_per_degree; }
  double pixels_to_degrees(double pixels) const { return pixels / pixel_per_degree; }
  double seconds_to_steps(double seconds) const { return seconds * steps_per_second; }
  double steps_to_seconds(double steps) const { return steps / steps_per_second; }
  // One frame's duration in seconds (0.001 at the defaults).
  double dt() const { return 1.0 / steps_per_second; }
};

// The resolution every filter and kernel generator uses unless given one.
inline ResolutionInfo default_resolution;

}  // namespace convis
