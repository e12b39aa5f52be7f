// nn/convis/image_sequence.cpp: pictures and folders of pictures (Note [Image sequences]).
#include "convis/nn/convis/image_sequence.h"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/io.h"
#include "convis/core/ops.h"
#include "convis/nn/convis/video.h"

#ifdef CONVIS_WITH_VIDEO
#include "convis/nn/convis/video_ffmpeg.h"
#endif

namespace convis {

namespace {

// a < b in natural order: runs of digits compare as numbers ("frame2" < "frame10").
bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i1 = i, j1 = j;
      while (i1 < a.size() && std::isdigit(static_cast<unsigned char>(a[i1]))) ++i1;
      while (j1 < b.size() && std::isdigit(static_cast<unsigned char>(b[j1]))) ++j1;
      std::string da = a.substr(i, i1 - i), db = b.substr(j, j1 - j);
      da.erase(0, std::min(da.find_first_not_of('0'), da.size()));
      db.erase(0, std::min(db.find_first_not_of('0'), db.size()));
      if (da.size() != db.size()) return da.size() < db.size();
      if (da != db) return da < db;
      i = i1, j = j1;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i, ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

}  // namespace

std::vector<std::string> image_files(const std::string& folder_or_pattern) {
  namespace fs = std::filesystem;
  const fs::path given(folder_or_pattern);
  const bool folder = fs::is_directory(given);
  const fs::path dir = folder ? given : given.has_parent_path() ? given.parent_path() : fs::path(".");
  const std::string pattern = folder ? "*" : given.filename().string();
  CONVIS_CHECK(fs::is_directory(dir), "ImageSequence", "expected a folder or a pattern in a folder, got '{}'",
               folder_or_pattern);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && fnmatch(pattern.c_str(), name.c_str(), 0) == 0) names.push_back(name);
  }
  CONVIS_CHECK(!names.empty(), "ImageSequence", "expected image files, got none matching '{}'", folder_or_pattern);
  std::sort(names.begin(), names.end(), natural_less);
  std::vector<std::string> files;
  for (const std::string& name : names) files.push_back((dir / name).string());
  return files;
}

Tensor load_image(const std::string& path, bool rgb, double value_max) {
  streams::VideoReaderOptions options;
  options.rgb = rgb;
  options.value_max = value_max;
  streams::VideoReader reader(path, options);
  Tensor frames = reader.get(1);
  CONVIS_CHECK(frames.size(0) == 1, "load_image", "expected a picture in '{}', got none", path);
  return frames[0];
}

#ifdef CONVIS_WITH_VIDEO

void save_image(const std::string& path, const Tensor& image, double value_max) {
  CONVIS_CHECK(image.defined() && (image.dim() == 2 || (image.dim() == 3 && image.size(0) == 3)), "save_image",
               "expected an image (X, Y) or (3, X, Y), got {}",
               image.defined() ? fmt::format("shape {}", image.sizes()) : std::string("an undefined tensor"));
  CONVIS_CHECK(value_max > 0, "save_image", "expected value_max > 0, got {}", value_max);
  const Tensor values = image.detach().to(kFloat32).contiguous();
  const int64_t channels = image.dim() == 3 ? 3 : 1, X = image.size(-2), Y = image.size(-1);
  const AVCodec* encoder = avcodec_find_encoder(AV_CODEC_ID_PNG);
  CONVIS_CHECK(encoder != nullptr, "save_image", "expected an FFmpeg with a PNG encoder, got one without");
  streams::ffmpeg::CodecContext codec;
  codec.allocate(encoder);
  AVCodecContext* c = codec.get();
  c->width = int(Y);
  c->height = int(X);
  c->pix_fmt = channels == 1 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_RGB24;
  c->time_base = AVRational{1, 25};
  CONVIS_CHECK(avcodec_open2(c, encoder, nullptr) >= 0, "save_image", "expected to open the PNG encoder for '{}'", path);
  streams::ffmpeg::Frame frame;
  AVFrame* f = frame.get();
  f->format = c->pix_fmt, f->width = c->width, f->height = c->height;
  CONVIS_CHECK(av_frame_get_buffer(f, 0) >= 0, "save_image", "expected memory for {}x{}, got none", X, Y);
  std::vector<uint8_t> pixels(size_t(channels * X * Y));
  streams::ffmpeg::to_8bit(values.data_ptr<float>(), channels, X * Y, value_max, pixels.data());
  for (int64_t x = 0; x < X; ++x)
    std::copy_n(pixels.data() + x * Y * channels, Y * channels, f->data[0] + x * f->linesize[0]);
  streams::ffmpeg::Packet packet;
  const bool encoded = avcodec_send_frame(c, f) >= 0 && avcodec_send_frame(c, nullptr) >= 0 &&
                       avcodec_receive_packet(c, packet.get()) >= 0;
  CONVIS_CHECK(encoded, "save_image", "expected a PNG of '{}', got an encoder error", path);
  write_file_atomically(path, std::string_view(reinterpret_cast<const char*>(packet.get()->data), size_t(packet.get()->size)),
                        "save_image");  // Note [Atomic saves]
}

#else

void save_image(const std::string& path, const Tensor&, double) {
  throw Error(fmt::format("[save_image] expected a build with FFmpeg (CONVIS_VIDEO=ON) to write '{}', got one without",
                          path));
}

#endif  // CONVIS_WITH_VIDEO

namespace streams {

ImageSequence::ImageSequence(const std::string& folder_or_pattern, const ImageSequenceOptions& options)
    : files_(image_files(folder_or_pattern)), options_(options) {
  CONVIS_CHECK(options.repeat >= 1 && options.value_max > 0, "ImageSequence",
               "expected repeat >= 1 and value_max > 0, got {} and {}", options.repeat, options.value_max);
  if (options.crop) {
    const auto& c = *options.crop;
    CONVIS_CHECK(c[0] >= 0 && c[1] >= 0 && c[2] > 0 && c[3] > 0, "ImageSequence",
                 "expected a crop {{x0, y0, X, Y}} with x0, y0 >= 0 and X, Y > 0, got {{{}, {}, {}, {}}}", c[0], c[1],
                 c[2], c[3]);
  }
}

Tensor ImageSequence::image(size_t index) {
  if (cached_index_ == int64_t(index)) return cached_;
  Tensor picture = load_image(files_[index], options_.rgb, options_.value_max);
  if (options_.crop) {
    const auto& c = *options_.crop;
    const int64_t X = picture.size(-2), Y = picture.size(-1);
    CONVIS_CHECK(c[0] + c[2] <= X && c[1] + c[3] <= Y, "ImageSequence",
                 "expected the crop {{{}, {}, {}, {}}} inside the picture, got '{}' of {}x{}", c[0], c[1], c[2], c[3],
                 files_[index], X, Y);
    picture = picture.narrow(-2, c[0], c[2]).narrow(-1, c[1], c[3]);
  }
  const std::array<int64_t, 2> size{picture.size(-2), picture.size(-1)};
  if (!size_) size_ = size;
  CONVIS_CHECK(size == *size_, "ImageSequence", "expected pictures of {}x{} as the first, got '{}' of {}x{}", (*size_)[0],
               (*size_)[1], files_[index], size[0], size[1]);
  cached_ = picture.contiguous();
  cached_index_ = int64_t(index);
  return cached_;
}

Tensor ImageSequence::get(int64_t n) {
  CONVIS_CHECK(n >= 0, "ImageSequence", "expected a frame count n >= 0, got {}", n);
  const int64_t total = int64_t(files_.size()) * options_.repeat;
  n = std::min(n, total - position_);
  std::vector<Tensor> frames;
  for (int64_t k = 0; k < n; ++k) frames.push_back(image(size_t((position_ + k) / options_.repeat)));
  position_ += n;
  if (frames.empty()) {
    return image(0).unsqueeze(0).narrow(0, 0, 0);  // no frames, of the pictures' shape
  }
  return stack(frames, 0);
}

std::optional<int64_t> ImageSequence::remaining() const { return int64_t(files_.size()) * options_.repeat - position_; }

ImageSequenceWriter::ImageSequenceWriter(std::string folder, std::string prefix, double value_max)
    : folder_(std::move(folder)), prefix_(std::move(prefix)), value_max_(value_max) {
  std::error_code error;
  std::filesystem::create_directories(folder_, error);
  CONVIS_CHECK(std::filesystem::is_directory(folder_), "ImageSequenceWriter", "expected a folder to write into, got '{}'",
               folder_);
}

Tensor ImageSequenceWriter::get(int64_t) {
  throw Error(fmt::format("[ImageSequenceWriter] expected a stream to read from, got the write-only '{}'", folder_));
}

void ImageSequenceWriter::put(const Tensor& frames) {
  CONVIS_CHECK(frames.defined() && (frames.dim() == 3 || frames.dim() == 4 || (frames.dim() == 5 && frames.size(0) == 1)),
               "ImageSequenceWriter", "expected frames (n, X, Y), (n, 3, X, Y) or [1, C, n, X, Y], got {}",
               frames.defined() ? fmt::format("shape {}", frames.sizes()) : std::string("an undefined tensor"));
  Tensor f = frames.dim() == 5 ? frames.select(0, 0).transpose(0, 1) : frames;  // (n, C, X, Y) or (n, X, Y)
  if (f.dim() == 4 && f.size(1) == 1) f = f.squeeze(1);
  for (int64_t i = 0; i < f.size(0); ++i)
    save_image(fmt::format("{}/{}{:06d}.png", folder_, prefix_, count_++), f[i], value_max_);
}

}  // namespace streams

}  // namespace convis
