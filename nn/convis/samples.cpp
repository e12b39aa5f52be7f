// nn/convis/samples.cpp: the sample stimuli, computed pixel by pixel in double and stored
// as float32.
#include "convis/nn/convis/samples.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>

#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/generator.h"

namespace convis::samples {

namespace {

void check_sizes(const char* op, int64_t t, int64_t x, int64_t y) {
  CONVIS_CHECK(t >= 1 && x >= 1 && y >= 1, op, "expected sizes t, x, y of at least 1, got t = {}, x = {}, y = {}", t,
               x, y);
}

// Value i of numpy.linspace(start, stop, n): start for n == 1, both ends included otherwise.
double linspace_at(double start, double stop, int64_t n, int64_t i) {
  if (n == 1) return start;
  return start + (stop - start) * static_cast<double>(i) / static_cast<double>(n - 1);
}

// A float32 (t, x, y) tensor with value(k, i, j) at every pixel.
Tensor video(int64_t t, int64_t x, int64_t y, const std::function<double(int64_t, int64_t, int64_t)>& value) {
  Tensor out = empty({t, x, y});
  float* p = out.data_ptr<float>();
  for (int64_t k = 0; k < t; ++k)
    for (int64_t i = 0; i < x; ++i)
      for (int64_t j = 0; j < y; ++j) *p++ = static_cast<float>(value(k, i, j));
  return out;
}

// A float32 (x, y) image with value(i, j) at every pixel.
Tensor image(int64_t x, int64_t y, const std::function<double(int64_t, int64_t)>& value) {
  return video(1, x, y, [&](int64_t, int64_t i, int64_t j) { return value(i, j); }).reshape({x, y});
}

// Note [Seeded samples]
// The original's random_checker_stimulus takes a seed and ignores it.  Here a given seed
// makes a Generator of its own, so the same seed gives the same stimulus whatever else was
// drawn before; without a seed the numbers come from the process-wide default generator
// (reproducible through manual_seed).  Counters are handed out row-major over the drawn
// array, exactly as convis::rand would for the same generator.
struct Draw {
  Generator own;
  Generator* gen;
  uint64_t first = 0;
  Draw(std::optional<uint64_t> seed, uint64_t n) : own(seed.value_or(0)), gen(seed ? &own : &default_generator()) {
    first = gen->reserve(n);
  }
  Draw(const Draw&) = delete;  // gen may point at own
  Draw& operator=(const Draw&) = delete;
  double uniform(uint64_t i) const { return gen->uniform(first + i); }
  float uniform_float(uint64_t i) const { return gen->uniform_float(first + i); }
};

// Python's a % m for m > 0: the result has the sign of m.
double python_mod(double a, double m) { return a - m * std::floor(a / m); }

// scipy.ndimage.gaussian_filter1d along time (mode "reflect": d c b a | a b c d | d c b a,
// truncated at 4 sigma) of a (t, x, y) float32 video.
Tensor gaussian_smooth_time(const Tensor& in, double sigma) {
  const int64_t t = in.size(0), xy = in.size(1) * in.size(2);
  const auto radius = static_cast<int64_t>(4.0 * sigma + 0.5);
  std::vector<double> w(static_cast<size_t>(2 * radius + 1));
  double total = 0.0;
  for (int64_t d = -radius; d <= radius; ++d) {
    const double v = std::exp(-0.5 * static_cast<double>(d * d) / (sigma * sigma));
    w[static_cast<size_t>(d + radius)] = v;
    total += v;
  }
  Tensor out = zeros({in.size(0), in.size(1), in.size(2)});
  const float* src = in.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  for (int64_t k = 0; k < t; ++k) {
    for (int64_t d = -radius; d <= radius; ++d) {
      int64_t s = ((k + d) % (2 * t) + 2 * t) % (2 * t);  // reflect, however often
      if (s >= t) s = 2 * t - 1 - s;
      const double wd = w[static_cast<size_t>(d + radius)] / total;
      for (int64_t p = 0; p < xy; ++p) dst[k * xy + p] += static_cast<float>(wd * src[s * xy + p]);
    }
  }
  return out;
}

}  // namespace

Tensor moving_grating(int64_t t, int64_t x, int64_t y, double vt, double vx, double vy) {
  check_sizes("samples::moving_grating", t, x, y);
  return video(t, x, y, [&](int64_t k, int64_t i, int64_t j) {
    return std::sin(vt * linspace_at(0.0, static_cast<double>(t), t, k) + vx * linspace_at(-1.0, 1.0, x, i) +
                    vy * linspace_at(-1.0, 1.0, y, j));
  });
}

// Note [Moving bar]
// As the original: with w = bar_width / x, T = linspace(0, t, t) and X, Y = linspace(-1, 1, n),
// a pixel is on the bar when
//   |X sin(direction) - Y cos(direction) - bar_pos + (2 + w/2) ((T bar_v) mod 2 - 1) + 0.005| <= w,
// so the bar crosses the frame once every 2 / bar_v frames.  The smooth version filters the
// binary video along time with a normalised Gaussian (sigma = temporal_smoothing frames,
// truncated at 4 sigma, edges reflected), as scipy's gaussian_filter1d.
Tensor moving_bar(int64_t t, int64_t x, int64_t y, double bar_pos, double bar_direction, double bar_width,
                  double bar_v, bool sharp, double temporal_smoothing) {
  check_sizes("samples::moving_bar", t, x, y);
  CONVIS_CHECK(bar_width >= 0.0, "samples::moving_bar", "expected bar_width >= 0, got {}", bar_width);
  CONVIS_CHECK(temporal_smoothing >= 0.0, "samples::moving_bar", "expected temporal_smoothing >= 0, got {}",
               temporal_smoothing);
  const double w = bar_width / static_cast<double>(x);
  const double sweep = 2.0 + 0.5 * w;
  const double sin_d = std::sin(bar_direction), cos_d = std::cos(bar_direction);
  Tensor bar = video(t, x, y, [&](int64_t k, int64_t i, int64_t j) {
    const double shift = sweep * (python_mod(linspace_at(0.0, static_cast<double>(t), t, k) * bar_v, 2.0) - 1.0);
    const double dist = std::abs(linspace_at(-1.0, 1.0, x, i) * sin_d - linspace_at(-1.0, 1.0, y, j) * cos_d -
                                 bar_pos + shift + 0.005);
    return dist <= w ? 1.0 : 0.0;
  });
  if (sharp || temporal_smoothing == 0.0) return bar;
  return gaussian_smooth_time(bar, temporal_smoothing);
}

Tensor random_checker_stimulus(int64_t t, int64_t x, int64_t y, int64_t checker_size, std::optional<uint64_t> seed) {
  check_sizes("samples::random_checker_stimulus", t, x, y);
  CONVIS_CHECK(checker_size >= 1, "samples::random_checker_stimulus", "expected checker_size >= 1, got {}",
               checker_size);
  const int64_t cx = x / checker_size + 1, cy = y / checker_size + 1;  // checkers drawn per frame
  const Draw draw(seed, static_cast<uint64_t>(t * cx * cy));
  return video(t, x, y, [&](int64_t k, int64_t i, int64_t j) {
    return draw.uniform_float(static_cast<uint64_t>((k * cx + i / checker_size) * cy + j / checker_size));
  });
}

Tensor sparse_input(int64_t t, int64_t x, int64_t y, double p, std::optional<uint64_t> seed) {
  check_sizes("samples::sparse_input", t, x, y);
  return sparse_input(std::vector<double>(static_cast<size_t>(t), p), x, y, seed);
}

Tensor sparse_input(const std::vector<double>& p, int64_t x, int64_t y, std::optional<uint64_t> seed) {
  const auto t = static_cast<int64_t>(p.size());
  check_sizes("samples::sparse_input", t, x, y);
  for (size_t k = 0; k < p.size(); ++k)
    CONVIS_CHECK(p[k] >= 0.0 && p[k] <= 1.0, "samples::sparse_input",
                 "expected probabilities in [0, 1], got p = {} for frame {}", p[k], k);
  const Draw draw(seed, static_cast<uint64_t>(t * x * y));
  return video(t, x, y, [&](int64_t k, int64_t i, int64_t j) {
    return draw.uniform(static_cast<uint64_t>((k * x + i) * y + j)) < p[static_cast<size_t>(k)] ? 1.0 : 0.0;
  });
}

Tensor pulse(int64_t t, int64_t x, int64_t y, int64_t pulse_length) {
  check_sizes("samples::pulse", t, x, y);
  CONVIS_CHECK(pulse_length >= 1, "samples::pulse", "expected pulse_length >= 1, got {}", pulse_length);
  return video(t, x, y, [&](int64_t k, int64_t, int64_t) { return k % (2 * pulse_length) < pulse_length ? 1.0 : 0.0; });
}

// Note [Chirp]
// The timetable of a stimulus_off-frame template is rescaled to t frames (each boundary
// truncated to a whole frame, as the original), the time base stays frames_per_second:
//   [pulse_on, pulse_off)  1
//   [amp_on, amp_off)      linspace(amp_1, amp_2, n)[i] * sin(2 pi amp_freq i / fps)
//   [freq_on, freq_off)    sin(phase_i), a sweep whose frequency rises linearly from freq_1 to
//                          freq_2 Hz over the segment (phase = 2 pi / fps * sum of the
//                          frequency: f_1 i + (f_2 - f_1) i^2 / (2 (m - 1))).
// The original computes sin(2 pi linspace(f_1, f_2, m)[i] i / fps), whose frequency actually
// rises to about 2 f_2 (20 Hz); here the sweep ends at freq_2 as documented.
Tensor chirp(int64_t t, int64_t x, int64_t y, const ChirpOptions& o) {
  check_sizes("samples::chirp", t, x, y);
  CONVIS_CHECK(o.stimulus_off >= 1 && o.frames_per_second > 0.0, "samples::chirp",
               "expected stimulus_off >= 1 and frames_per_second > 0, got {} and {}", o.stimulus_off,
               o.frames_per_second);
  const double s = o.scale ? static_cast<double>(t) / static_cast<double>(o.stimulus_off) : 1.0;
  auto at = [&](int64_t frame) { return static_cast<int64_t>(static_cast<double>(frame) * s); };
  const int64_t p0 = at(o.pulse_on), p1 = at(o.pulse_off), a0 = at(o.amp_on), a1 = at(o.amp_off);
  const int64_t f0 = at(o.freq_on), f1 = at(o.freq_off);
  CONVIS_CHECK(p0 >= 0 && a0 >= 0 && f0 >= 0, "samples::chirp", "expected segments starting at frame 0 or later");
  const double two_pi = 2.0 * std::numbers::pi, fps = o.frames_per_second;
  // Segments past frame t are cut off (without changing the part that is shown).
  std::vector<double> frame(static_cast<size_t>(t), 0.0);
  for (int64_t k = p0; k < std::min(p1, t); ++k) frame[static_cast<size_t>(k)] = 1.0;
  for (int64_t k = a0; k < std::min(a1, t); ++k) {
    const int64_t i = k - a0;
    frame[static_cast<size_t>(k)] =
        linspace_at(o.amp_1, o.amp_2, a1 - a0, i) * std::sin(two_pi * o.amp_freq * static_cast<double>(i) / fps);
  }
  for (int64_t k = f0; k < std::min(f1, t); ++k) {
    const auto i = static_cast<double>(k - f0);
    const double rise = f1 - f0 > 1 ? (o.freq_2 - o.freq_1) / static_cast<double>(f1 - f0 - 1) : 0.0;
    frame[static_cast<size_t>(k)] = std::sin(two_pi / fps * (o.freq_1 * i + 0.5 * rise * i * i));
  }
  return video(t, x, y, [&](int64_t k, int64_t, int64_t) { return frame[static_cast<size_t>(k)]; });
}

Tensor mask_square(int64_t x, int64_t y, double width) {
  check_sizes("samples::mask_square", 1, x, y);
  CONVIS_CHECK(width >= 0.0, "samples::mask_square", "expected width >= 0, got {}", width);
  const double cx = 0.5 * static_cast<double>(x - 1), cy = 0.5 * static_cast<double>(y - 1);
  return image(x, y, [&](int64_t i, int64_t j) {
    return std::abs(static_cast<double>(i) - cx) < 0.5 * width && std::abs(static_cast<double>(j) - cy) < 0.5 * width
               ? 1.0
               : 0.0;
  });
}

Tensor mask_circle(int64_t x, int64_t y, double radius, double smooth) {
  check_sizes("samples::mask_circle", 1, x, y);
  CONVIS_CHECK(radius >= 0.0 && smooth >= 0.0, "samples::mask_circle",
               "expected radius >= 0 and smooth >= 0, got radius = {}, smooth = {}", radius, smooth);
  const double cx = 0.5 * static_cast<double>(x - 1), cy = 0.5 * static_cast<double>(y - 1);
  return image(x, y, [&](int64_t i, int64_t j) {
    const double r = std::hypot(static_cast<double>(i) - cx, static_cast<double>(j) - cy);
    if (smooth == 0.0) return r <= radius ? 1.0 : 0.0;
    return std::clamp((radius - r) / smooth + 0.5, 0.0, 1.0);
  });
}

Tensor gabor_kernel(double phi, int64_t size, double resolution, double f, double phase, double sigma_x,
                    double sigma_y) {
  CONVIS_CHECK(size >= 1 && resolution > 0.0, "samples::gabor_kernel",
               "expected size >= 1 and resolution > 0, got size = {}, resolution = {}", size, resolution);
  const double half = 0.5 * static_cast<double>(size) / resolution;
  const double wave = f / (2.0 * std::numbers::pi);
  return image(size, size, [&](int64_t row, int64_t col) {
    const double u = linspace_at(-half, half, size, col), w = linspace_at(-half, half, size, row);
    const double envelope = std::exp(-std::pow(sigma_x * u / 2.0, 2) - std::pow(sigma_y * w / 2.0, 2));
    return envelope * std::sin((std::sin(phi) * u + std::cos(phi) * w) * wave + phase);
  });
}

}  // namespace convis::samples
