// examples/stimulus_pictures.cpp: pictures of the sample stimuli, and a check of the PNG
// writer: every file is read back with libpng and compared pixel for pixel.
//
//   ./build/examples/stimulus_pictures /tmp/pictures     # writes *.png there, exit 0 if all match
#include <png.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "convis/convis.h"
#include "convis/nn/convis/samples.h"
#include "png_writer.h"

using namespace convis;
using namespace convis::examples;

namespace {

// Reads path as 8-bit RGB through libpng and compares it with the (H, W, 3) tensor.
bool read_back_matches(const std::string& path, const Tensor& expected) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) {
    std::printf("%s: cannot read back: %s\n", path.c_str(), image.message);
    return false;
  }
  image.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> bytes(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, bytes.data(), 0, nullptr)) {
    std::printf("%s: cannot decode: %s\n", path.c_str(), image.message);
    return false;
  }
  const int64_t h = expected.size(0), w = expected.size(1);
  if (image.width != w || image.height != h) {
    std::printf("%s: %u x %u pixels, expected %lld x %lld\n", path.c_str(), image.width, image.height,
                static_cast<long long>(w), static_cast<long long>(h));
    return false;
  }
  Tensor e = expected.to(kFloat64).contiguous();
  const double* p = e.data_ptr<double>();
  for (size_t i = 0; i < bytes.size(); ++i)
    if (bytes[i] != static_cast<uint8_t>(p[i])) {
      std::printf("%s: byte %zu is %d, expected %g\n", path.c_str(), i, bytes[i], p[i]);
      return false;
    }
  std::printf("%-40s %4lld x %-4lld read back identical (%ju bytes)\n", path.c_str(), static_cast<long long>(w),
              static_cast<long long>(h), static_cast<uintmax_t>(std::filesystem::file_size(path)));
  return true;
}

bool picture(const std::string& dir, const std::string& name, const Tensor& rgb) {
  const std::string path = dir + "/" + name;
  write_png_rgb(path, rgb);
  return read_back_matches(path, rgb);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "stimulus_pictures";
  std::filesystem::create_directories(dir);
  bool ok = true;
  ok &= picture(dir, "moving_bar.png", frame_montage(samples::moving_bar(200, 20, 20, -1.0, 0.5, 2.0, 0.01, true)));
  ok &= picture(dir, "moving_grating.png", frame_montage(samples::moving_grating(400, 20, 20)));
  ok &= picture(dir, "checkers.png", frame_montage(samples::random_checker_stimulus(8, 20, 20, 4, 1)));
  MontageOptions masks;
  masks.count = 1;
  ok &= picture(dir, "gabor.png", frame_montage(samples::gabor_kernel().reshape({1, 16, 16}), masks));
  Tensor chirp = samples::chirp(4500, 1, 1).reshape({4500});
  LinePlotOptions wide;
  wide.width = 1200;
  ok &= picture(dir, "chirp.png", line_plot({chirp}, wide));
  Tensor on = samples::sparse_input(std::vector<double>(500, 0.02), 6, 6, 2);
  Tensor off = samples::sparse_input(std::vector<double>(500, 0.05), 6, 6, 3);
  ok &= picture(dir, "raster.png", spike_raster(on, off));
  ok &= picture(dir, "rates.png",
                line_plot({on.reshape({500, 36}).mean({1}) * 1000.0, off.reshape({500, 36}).mean({1}) * 1000.0}));
  // A gray image maps [lo, hi] onto 0..255: read back as RGB, every channel holds the level.
  Tensor ramp = linspace(0.0, 1.0, 256).reshape({1, 256}).expand({16, 256}).contiguous();
  write_png_gray(dir + "/gray_ramp.png", ramp, 0.0, 1.0);
  Tensor levels = (ramp * 255.0).round().reshape({16, 256, 1}).expand({16, 256, 3}).contiguous();
  ok &= read_back_matches(dir + "/gray_ramp.png", levels);
  std::printf(ok ? "all pictures read back identical\n" : "MISMATCH\n");
  return ok ? 0 : 1;
}
