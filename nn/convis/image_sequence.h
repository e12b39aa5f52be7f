// nn/convis/image_sequence.h: folders of pictures as streams of frames, and single pictures
// (PNG, JPEG and whatever else FFmpeg decodes; written as PNG).
//
//   convis::streams::ImageSequence frames("shots/*.png", {.repeat = 10});   // 10 frames each
//   auto out = retina->run(frames, /*dt=*/100);
//   convis::streams::ImageSequenceWriter pictures("out/");                   // out/frame_000000.png, ...
//   pictures.put(out[0].squeeze(0).squeeze(0).to(kFloat32));
//   convis::Tensor one = convis::load_image("shot.png");                     // (X, Y) in [0, 1]
//   convis::save_image("copy.png", one);
//
// Note [Image sequences]
// The files are a folder (every file in it) or a pattern whose last part has * and ? wildcards,
// taken in natural order (frame2 before frame10: runs of digits compare as numbers).  Each image
// is read through VideoReader (Note [Video streams]): grey or RGB in [0, value_max], optionally
// cropped to {x0, y0, X, Y} (rows from x0, columns from y0) and repeated `repeat` times.  All
// images must have one size after cropping; one that differs is an Error naming it.  Pictures
// are written as 8-bit PNG (grey or RGB) through FFmpeg's PNG encoder, aside and then renamed,
// like movies.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "convis/core/tensor.h"
#include "convis/nn/convis/streams.h"

namespace convis {

// One picture as (X, Y) grey or (3, X, Y) RGB, in [0, value_max].
Tensor load_image(const std::string& path, bool rgb = false, double value_max = 1.0);
// (X, Y) grey or (3, X, Y) RGB values in [0, value_max], clamped and rounded to 8 bits.
void save_image(const std::string& path, const Tensor& image, double value_max = 1.0);
// The files of a folder or a wildcard pattern, in natural order.
std::vector<std::string> image_files(const std::string& folder_or_pattern);

namespace streams {

struct ImageSequenceOptions {
  int64_t repeat = 1;                             // frames per image
  std::optional<std::array<int64_t, 4>> crop{};   // {x0, y0, X, Y}
  bool rgb = false;                               // (n, 3, X, Y) instead of (n, X, Y)
  double value_max = 1.0;
};

class ImageSequence : public Stream {
 public:
  explicit ImageSequence(const std::string& folder_or_pattern, const ImageSequenceOptions& options = {});
  Tensor get(int64_t n) override;
  std::optional<int64_t> remaining() const override;
  const std::vector<std::string>& files() const { return files_; }

 private:
  Tensor image(size_t index);  // read, cropped, checked against the first image's size
  std::vector<std::string> files_;
  ImageSequenceOptions options_;
  int64_t position_ = 0;  // frames handed out
  std::optional<std::array<int64_t, 2>> size_;
  Tensor cached_;  // the image at cached_index_ (read once however often it repeats)
  int64_t cached_index_ = -1;
};

// put() writes each frame ((n, X, Y), (n, 3, X, Y) or 5-D) as <folder>/<prefix>NNNNNN.png.
class ImageSequenceWriter : public Stream {
 public:
  explicit ImageSequenceWriter(std::string folder, std::string prefix = "frame_", double value_max = 1.0);
  Tensor get(int64_t n) override;  // an Error: write-only
  std::optional<int64_t> remaining() const override { return 0; }
  void put(const Tensor& frames) override;
  int64_t frames() const { return count_; }

 private:
  std::string folder_, prefix_;
  double value_max_;
  int64_t count_ = 0;
};

}  // namespace streams

}  // namespace convis
