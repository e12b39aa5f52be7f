// examples/png_writer.h: PNG files and simple plots for the example programs (libpng; not
// part of the convis library).
//
//   using namespace convis::examples;
//   write_png_gray("frame.png", video[0], /*lo=*/0.0, /*hi=*/1.0);        // (H, W) values
//   Tensor strip = frame_montage(convis::samples::moving_bar(200, 20, 20));  // 8 frames, 8x larger
//   write_png_rgb("bar.png", strip);                                        // (H, W, 3) in 0..255
//   write_png_rgb("raster.png", spike_raster(on_spikes, off_spikes));       // time right, cells down
//   write_png_rgb("rate.png", line_plot({rate_on, rate_off}));              // rates over time
//
// Renderers return float32 (H, W, 3) tensors holding 0..255, which write_png_rgb writes;
// write_png_gray maps [lo, hi] linearly onto 0..255 (clamped).  Bad shapes or a file that
// cannot be written throw convis::Error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "convis/core/tensor.h"

namespace convis::examples {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};
inline constexpr Rgb kWhite{255, 255, 255};
inline constexpr Rgb kBlack{0, 0, 0};
inline constexpr Rgb kLightGray{225, 225, 225};
inline constexpr Rgb kGray{150, 150, 150};
inline constexpr Rgb kOnColour{200, 40, 30};    // ON cells / first series: red
inline constexpr Rgb kOffColour{30, 80, 200};   // OFF cells / second series: blue

// A picture being drawn, width x height pixels; drawing outside it is silently clipped.
class Canvas {
 public:
  Canvas(int64_t width, int64_t height, Rgb background = kWhite);
  int64_t width() const { return width_; }
  int64_t height() const { return height_; }
  void set(int64_t x, int64_t y, Rgb c);
  Rgb get(int64_t x, int64_t y) const;
  void fill_rect(int64_t x0, int64_t y0, int64_t x1, int64_t y1, Rgb c);  // [x0, x1) x [y0, y1)
  void line(int64_t x0, int64_t y0, int64_t x1, int64_t y1, Rgb c, int thickness = 1);
  Tensor to_tensor() const;  // float32 (height, width, 3) in 0..255

 private:
  int64_t width_, height_;
  std::vector<uint8_t> pixels_;  // row-major RGB
};

void write_png_gray(const std::string& path, const Tensor& image, double lo = 0.0, double hi = 1.0);
void write_png_rgb(const std::string& path, const Tensor& image);

struct MontageOptions {
  int64_t count = 8;      // frames shown, evenly spaced over the video (first and last included)
  int64_t scale = 8;      // each pixel becomes scale x scale
  int64_t gap = 4;        // white pixels between frames
  double lo = 0.0, hi = 0.0;  // grey range; lo == hi: the shown frames' min and max
};
// Frames of a (T, X, Y) video ([1, 1, T, X, Y] too) side by side, x down and y across.
Tensor frame_montage(const Tensor& video, const MontageOptions& options = {});

struct RasterOptions {
  int64_t max_width = 1000;  // longer runs merge time steps into columns (a dot when any step
                             // of a column spikes); shorter ones widen each step's dot to fit
  int64_t row_height = 2;    // pixels per cell
  int64_t margin = 10;
};
// Spikes (T, N), (T, X, Y) or [1, 1, T, X, Y] (cells = pixels): time to the right, one row per
// cell, dots on white.  With `off` too, ON cells come first in kOnColour and OFF cells below
// them in kOffColour; alone, spikes are black.
Tensor spike_raster(const Tensor& on, const Tensor& off = {}, const RasterOptions& options = {});

struct LinePlotOptions {
  int64_t width = 800, height = 300, margin = 20;
  int64_t grid_x = 10, grid_y = 5;  // light grid lines across each axis
};
// One or more 1-D series over time on common axes (y from min(0, lowest) to the highest
// value), each in its own colour (kOnColour, kOffColour, then darker ones), with a light grid.
Tensor line_plot(const std::vector<Tensor>& series, const LinePlotOptions& options = {});

}  // namespace convis::examples
