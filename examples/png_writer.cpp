// examples/png_writer.cpp: PNG output through libpng's simplified API, and the plots.
#include "png_writer.h"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "convis/convis.h"

namespace convis::examples {

// ---- Canvas ----

Canvas::Canvas(int64_t width, int64_t height, Rgb background) : width_(width), height_(height) {
  CONVIS_CHECK(width >= 1 && height >= 1 && width * height <= (int64_t{1} << 28), "Canvas",
               "expected a size of at least 1 x 1 and at most 2^28 pixels, got {} x {}", width, height);
  pixels_.resize(static_cast<size_t>(3 * width * height));
  fill_rect(0, 0, width, height, background);
}

void Canvas::set(int64_t x, int64_t y, Rgb c) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  uint8_t* p = &pixels_[static_cast<size_t>(3 * (y * width_ + x))];
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}

Rgb Canvas::get(int64_t x, int64_t y) const {
  CONVIS_CHECK(x >= 0 && y >= 0 && x < width_ && y < height_, "Canvas::get", "expected a pixel inside {} x {}, got ({}, {})",
               width_, height_, x, y);
  const uint8_t* p = &pixels_[static_cast<size_t>(3 * (y * width_ + x))];
  return {p[0], p[1], p[2]};
}

void Canvas::fill_rect(int64_t x0, int64_t y0, int64_t x1, int64_t y1, Rgb c) {
  for (int64_t y = std::max<int64_t>(y0, 0); y < std::min(y1, height_); ++y)
    for (int64_t x = std::max<int64_t>(x0, 0); x < std::min(x1, width_); ++x) set(x, y, c);
}

// Bresenham's line, each point a thickness x thickness square.
void Canvas::line(int64_t x0, int64_t y0, int64_t x1, int64_t y1, Rgb c, int thickness) {
  const int64_t dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
  const int64_t sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  int64_t err = dx + dy;
  const int64_t lo = -(thickness - 1) / 2, hi = thickness / 2;
  while (true) {
    fill_rect(x0 + lo, y0 + lo, x0 + hi + 1, y0 + hi + 1, c);
    if (x0 == x1 && y0 == y1) break;
    const int64_t e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

Tensor Canvas::to_tensor() const {
  Tensor out = empty({height_, width_, 3});
  float* p = out.data_ptr<float>();
  for (size_t i = 0; i < pixels_.size(); ++i) p[i] = static_cast<float>(pixels_[i]);
  return out;
}

// ---- files ----

namespace {

void write_png(const std::string& path, int64_t width, int64_t height, bool color, const std::vector<uint8_t>& bytes) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width);
  image.height = static_cast<png_uint_32>(height);
  image.format = color ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  const int ok = png_image_write_to_file(&image, path.c_str(), 0, bytes.data(), 0, nullptr);
  const std::string why = image.message;
  png_image_free(&image);
  CONVIS_CHECK(ok != 0, "write_png", "expected to write {}, got libpng's error: {}", path, why);
}

uint8_t to_byte(double v) { return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 255.0))); }

}  // namespace

void write_png_gray(const std::string& path, const Tensor& image, double lo, double hi) {
  CONVIS_CHECK(image.defined() && image.dim() == 2 && image.numel() > 0, "write_png_gray",
               "expected a non-empty (H, W) image, got shape {}", image.defined() ? image.sizes() : Shape{});
  CONVIS_CHECK(hi > lo, "write_png_gray", "expected hi > lo, got lo = {}, hi = {}", lo, hi);
  Tensor v = image.detach().to(kFloat64).contiguous();
  const double* p = v.data_ptr<double>();
  std::vector<uint8_t> bytes(static_cast<size_t>(v.numel()));
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = to_byte(255.0 * (p[i] - lo) / (hi - lo));
  write_png(path, image.size(1), image.size(0), false, bytes);
}

void write_png_rgb(const std::string& path, const Tensor& image) {
  CONVIS_CHECK(image.defined() && image.dim() == 3 && image.size(2) == 3 && image.numel() > 0, "write_png_rgb",
               "expected a non-empty (H, W, 3) image, got shape {}", image.defined() ? image.sizes() : Shape{});
  Tensor v = image.detach().to(kFloat64).contiguous();
  const double* p = v.data_ptr<double>();
  std::vector<uint8_t> bytes(static_cast<size_t>(v.numel()));
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = to_byte(p[i]);
  write_png(path, image.size(1), image.size(0), true, bytes);
}

// ---- plots ----

namespace {

// (T, X, Y) from (T, X, Y) or [1, 1, T, X, Y], as contiguous float64.
Tensor as_video(const Tensor& t, const char* op) {
  CONVIS_CHECK(t.defined() && (t.dim() == 3 || (t.dim() == 5 && t.size(0) == 1 && t.size(1) == 1)), op,
               "expected (T, X, Y) or [1, 1, T, X, Y], got shape {}", t.defined() ? t.sizes() : Shape{});
  Tensor v = t.dim() == 5 ? t.reshape({t.size(2), t.size(3), t.size(4)}) : t;
  return v.detach().to(kFloat64).contiguous();
}

// (T, N) spikes from (T, N), (T, X, Y) or [1, 1, T, X, Y], as contiguous float64.
Tensor as_cells(const Tensor& t) {
  CONVIS_CHECK(t.defined() && (t.dim() == 2 || t.dim() == 3 || t.dim() == 5), "spike_raster",
               "expected spikes (T, N), (T, X, Y) or [1, 1, T, X, Y], got shape {}",
               t.defined() ? t.sizes() : Shape{});
  Tensor v = t.dim() == 2 ? t : as_video(t, "spike_raster");
  return v.reshape({v.size(0), v.numel() / std::max<int64_t>(v.size(0), 1)}).detach().to(kFloat64).contiguous();
}

}  // namespace

Tensor frame_montage(const Tensor& video, const MontageOptions& o) {
  Tensor v = as_video(video, "frame_montage");
  const int64_t t = v.size(0), x = v.size(1), y = v.size(2);
  CONVIS_CHECK(t >= 1 && x >= 1 && y >= 1 && o.count >= 1 && o.scale >= 1 && o.gap >= 0, "frame_montage",
               "expected a non-empty video, count >= 1, scale >= 1 and gap >= 0, got shape {}, count {}, scale {}, "
               "gap {}",
               v.sizes(), o.count, o.scale, o.gap);
  const int64_t count = std::min(o.count, t);
  std::vector<int64_t> frames;
  for (int64_t k = 0; k < count; ++k) frames.push_back(count == 1 ? 0 : k * (t - 1) / (count - 1));
  const double* p = v.data_ptr<double>();
  double lo = o.lo, hi = o.hi;
  if (lo == hi) {
    lo = hi = p[frames[0] * x * y];
    for (int64_t f : frames)
      for (int64_t i = 0; i < x * y; ++i) {
        lo = std::min(lo, p[f * x * y + i]);
        hi = std::max(hi, p[f * x * y + i]);
      }
    if (hi == lo) hi = lo + 1.0;  // a flat video shows black
  }
  const int64_t w = y * o.scale, h = x * o.scale;
  Canvas canvas(o.gap + count * (w + o.gap), h + 2 * o.gap);
  for (int64_t n = 0; n < count; ++n) {
    const int64_t left = o.gap + n * (w + o.gap);
    for (int64_t i = 0; i < x; ++i)
      for (int64_t j = 0; j < y; ++j) {
        const uint8_t g = to_byte(255.0 * (p[(frames[static_cast<size_t>(n)] * x + i) * y + j] - lo) / (hi - lo));
        canvas.fill_rect(left + j * o.scale, o.gap + i * o.scale, left + (j + 1) * o.scale, o.gap + (i + 1) * o.scale,
                         {g, g, g});
      }
  }
  return canvas.to_tensor();
}

Tensor spike_raster(const Tensor& on, const Tensor& off, const RasterOptions& o) {
  CONVIS_CHECK(o.max_width >= 1 && o.row_height >= 1 && o.margin >= 0, "spike_raster",
               "expected max_width >= 1, row_height >= 1, margin >= 0");
  std::vector<Tensor> groups{as_cells(on)};
  if (off.defined()) groups.push_back(as_cells(off));
  const int64_t t = groups[0].size(0);
  CONVIS_CHECK(t >= 1, "spike_raster", "expected at least one time step, got shape {}", on.sizes());
  for (const Tensor& g : groups)
    CONVIS_CHECK(g.size(0) == t, "spike_raster", "expected ON and OFF spikes over the same {} steps, got {}", t,
                 g.size(0));
  // Steps per column when time must shrink to fit, else columns per step (wider dots).
  const int64_t bin = (t + o.max_width - 1) / o.max_width, dot = bin > 1 ? 1 : std::max<int64_t>(1, o.max_width / t);
  const int64_t columns = (t + bin - 1) / bin * dot;
  int64_t rows = 0;
  for (const Tensor& g : groups) rows += g.size(1);
  const int64_t separator = groups.size() > 1 ? 3 : 0;
  Canvas canvas(columns + 2 * o.margin + 1, rows * o.row_height + separator + 2 * o.margin + 1);
  int64_t top = o.margin;
  for (size_t n = 0; n < groups.size(); ++n) {
    const Rgb colour = groups.size() == 1 ? kBlack : (n == 0 ? kOnColour : kOffColour);
    const int64_t cells = groups[n].size(1);
    const double* p = groups[n].data_ptr<double>();
    for (int64_t k = 0; k < t; ++k)
      for (int64_t c = 0; c < cells; ++c)
        if (p[k * cells + c] != 0.0)
          canvas.fill_rect(o.margin + 1 + k / bin * dot, top + c * o.row_height, o.margin + 1 + (k / bin + 1) * dot,
                           top + (c + 1) * o.row_height, colour);
    top += cells * o.row_height;
    if (n + 1 < groups.size()) {
      canvas.line(o.margin + 1, top + 1, o.margin + columns, top + 1, kLightGray);
      top += separator;
    }
  }
  canvas.line(o.margin, o.margin, o.margin, top, kGray);  // time axis and cell axis
  canvas.line(o.margin, top, o.margin + columns, top, kGray);
  return canvas.to_tensor();
}

Tensor line_plot(const std::vector<Tensor>& series, const LinePlotOptions& o) {
  CONVIS_CHECK(!series.empty(), "line_plot", "expected at least one series, got none");
  CONVIS_CHECK(o.width > 2 * o.margin + 1 && o.height > 2 * o.margin + 1 && o.grid_x >= 1 && o.grid_y >= 1,
               "line_plot", "expected a plot area and grid counts >= 1, got {} x {} with margin {}", o.width, o.height,
               o.margin);
  std::vector<Tensor> data;
  int64_t length = 1;
  double lo = 0.0, hi = 0.0;
  for (const Tensor& s : series) {
    CONVIS_CHECK(s.defined() && s.numel() >= 1, "line_plot", "expected non-empty series");
    data.push_back(s.detach().reshape({s.numel()}).to(kFloat64).contiguous());
    length = std::max(length, s.numel());
    lo = std::min(lo, data.back().min().item<double>());
    hi = std::max(hi, data.back().max().item<double>());
  }
  if (hi == lo) hi = lo + 1.0;
  const int64_t x0 = o.margin, x1 = o.width - o.margin - 1, y0 = o.height - o.margin - 1, y1 = o.margin;
  Canvas canvas(o.width, o.height);
  for (int64_t g = 1; g <= o.grid_x; ++g) {
    const int64_t x = x0 + g * (x1 - x0) / o.grid_x;
    canvas.line(x, y0, x, y1, kLightGray);
  }
  for (int64_t g = 1; g <= o.grid_y; ++g) {
    const int64_t y = y0 - g * (y0 - y1) / o.grid_y;
    canvas.line(x0, y, x1, y, kLightGray);
  }
  const Rgb palette[] = {kOnColour, kOffColour, {40, 140, 60}, {120, 60, 160}, {60, 60, 60}};
  auto px = [&](int64_t k) { return x0 + (length == 1 ? 0 : k * (x1 - x0) / (length - 1)); };
  auto py = [&](double v) { return y0 - std::lround((v - lo) / (hi - lo) * static_cast<double>(y0 - y1)); };
  for (size_t n = 0; n < data.size(); ++n) {
    const double* p = data[n].data_ptr<double>();
    const Rgb colour = palette[n % 5];
    for (int64_t k = 0; k + 1 < data[n].numel(); ++k) canvas.line(px(k), py(p[k]), px(k + 1), py(p[k + 1]), colour, 2);
    if (data[n].numel() == 1) canvas.fill_rect(px(0) - 1, py(p[0]) - 1, px(0) + 2, py(p[0]) + 2, colour);
  }
  canvas.line(x0, y0, x1, y0, kBlack);  // the axes, with the zero line where it is inside
  canvas.line(x0, y0, x0, y1, kBlack);
  if (lo < 0.0) canvas.line(x0, py(0.0), x1, py(0.0), kGray);
  return canvas.to_tensor();
}

}  // namespace convis::examples
