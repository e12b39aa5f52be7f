// nn/convis/samples.h: sample stimuli (videos) and small kernels for trying out layers.
//
//   using namespace convis;
//   Tensor bar = samples::moving_bar(2000, 20, 20);              // float32 (2000, 20, 20)
//   Tensor grating = samples::moving_grating(500, 20, 20);       // values in [-1, 1]
//   Tensor noise = samples::random_checker_stimulus(100, 20, 20, /*checker_size=*/5, /*seed=*/7);
//   Tensor flash = samples::chirp(4500, 10, 10);                 // step, amplitude ramp, sweep
//   auto out = retina->run(bar, /*dt=*/100);
//
// Every stimulus is a float32 (T, X, Y) tensor (T frames of X by Y pixels, one frame per
// time step of convis::default_resolution); masks and kernels are float32 (X, Y) images.
// Sizes must be at least 1: a zero or negative size is an Error.  The random stimuli draw
// from a Generator of their own when given a seed (the same seed gives the same video, and
// the process-wide generator is left alone), otherwise from convis::default_generator()
// (so manual_seed makes them reproducible too).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "convis/core/tensor.h"

namespace convis::samples {

// sin(vt*T + vx*X + vy*Y) with T = linspace(0, t, t) (in frames) and X, Y = linspace(-1, 1, n).
Tensor moving_grating(int64_t t = 2000, int64_t x = 20, int64_t y = 20, double vt = 1.0 / 200.0, double vx = 3.0,
                      double vy = 2.0);

// A bar that sweeps across the frame periodically (period 2 / bar_v frames), 1 on the bar and
// 0 elsewhere.  bar_pos shifts it (-1 .. 1), bar_direction turns it (radians), bar_width is in
// pixels.  Unless sharp, the binary video is smoothed along time with a Gaussian of
// temporal_smoothing frames (0: not smoothed).  See Note [Moving bar] in samples.cpp.
Tensor moving_bar(int64_t t = 2000, int64_t x = 20, int64_t y = 20, double bar_pos = -1.0, double bar_direction = 0.0,
                  double bar_width = 1.0, double bar_v = 0.01, bool sharp = false, double temporal_smoothing = 1.0);

// Uniform [0, 1) values, one per checker of checker_size x checker_size pixels per frame.
Tensor random_checker_stimulus(int64_t t = 2000, int64_t x = 20, int64_t y = 20, int64_t checker_size = 5,
                               std::optional<uint64_t> seed = std::nullopt);

// Each pixel of each frame is 1 with probability p, else 0.
Tensor sparse_input(int64_t t = 2000, int64_t x = 20, int64_t y = 20, double p = 0.01,
                    std::optional<uint64_t> seed = std::nullopt);
// The same with one probability per frame (t = p.size()).
Tensor sparse_input(const std::vector<double>& p, int64_t x = 20, int64_t y = 20,
                    std::optional<uint64_t> seed = std::nullopt);

// Full-field square wave: pulse_length frames of 1, then pulse_length frames of 0, repeated.
Tensor pulse(int64_t t = 2000, int64_t x = 20, int64_t y = 20, int64_t pulse_length = 100);

// The chirp's timetable, in frames of a stimulus_off-frame template (rescaled to t when scale).
struct ChirpOptions {
  int64_t pulse_on = 500, pulse_off = 1000;  // full-field step to 1
  int64_t amp_on = 1500, amp_off = 2500;     // amp_freq Hz sine, amplitude amp_1 -> amp_2
  double amp_freq = 5.0, amp_1 = 0.0, amp_2 = 1.0;
  int64_t freq_on = 3000, freq_off = 4000;  // sine sweeping freq_1 -> freq_2 Hz
  double freq_1 = 0.1, freq_2 = 10.0;
  int64_t stimulus_off = 4500;
  bool scale = true;
  double frames_per_second = 1000.0;
};
// Full-field chirp: a step, an amplitude-ramped sine and a frequency sweep (Note [Chirp]).
Tensor chirp(int64_t t = 2000, int64_t x = 20, int64_t y = 20, const ChirpOptions& options = {});

// (x, y) masks: 1 inside a centred square of side `width` pixels (a pixel is inside when its
// centre is), 0 outside.
Tensor mask_square(int64_t x, int64_t y, double width);
// 1 within `radius` pixels of the centre; smooth > 0 replaces the edge by a linear ramp
// `smooth` pixels wide centred on the radius.
Tensor mask_circle(int64_t x, int64_t y, double radius, double smooth = 0.0);

// A (size, size) Gabor patch on the grid v = linspace(-size/(2 resolution), size/(2 resolution)):
//   exp(-(sigma_x u/2)^2 - (sigma_y w/2)^2) * sin((sin(phi) u + cos(phi) w) f / (2 pi) + phase)
// with u = v[column], w = v[row] (sigma_x, sigma_y scale the envelope inversely, as in the
// original toolbox).
Tensor gabor_kernel(double phi = 2.0, int64_t size = 16, double resolution = 2.0, double f = 10.0,
                    double phase = 0.0, double sigma_x = 1.0, double sigma_y = 1.0);

}  // namespace convis::samples
