// nn/convis/video.h: movies in and out through FFmpeg's libraries (any container and codec the
// installed FFmpeg reads; H.264, MPEG-4 or lossless FFV1 out).
//
//   convis::streams::VideoReader movie("street.mp4", {.size = {{128, 128}}});   // grey, [0, 1]
//   movie.remaining();                          // frames left, from the container
//   Tensor frames = movie.get(100);             // (100, 128, 128) float32, decoded on demand
//   auto out = retina->run(movie, /*dt=*/100);  // the whole movie, 100 frames at a time
//
//   convis::streams::VideoWriter writer("grating.mkv", {.fps = 100});   // .mkv: lossless FFV1
//   writer.put(samples::moving_grating(200, 64, 64));   // (n, X, Y) in [0, 1]
//   writer.close();                                     // complete and playable from here on
//
// Note [Video streams]
// Frames are decoded when get() asks for them, so memory is bounded by the chunk, not by the
// movie.  The reader scales with swscale to the size asked for (the movie's own by default)
// and converts to grey (luma) or RGB (a channel dimension: (n, 3, X, Y)), as float32 in [0, 1]
// (value_max = 255 gives the 0-255 of the original toolbox).  X is the image's height and Y its
// width, as in convis' (T, X, Y) frames.  A movie that breaks off in the middle (damaged or
// truncated data) yields every frame decoded before the damage; the next get() is an Error that
// says after which frame it stopped (also when the demuxer skipped the damage silently and fewer
// frames came than the container announced: Note [Damaged movies] in video_reader.cpp).  The writer encodes into "<path>.part" and renames it to
// <path> in close(), so a failed or abandoned write never leaves a truncated file under the
// final name; frames are clamped to [0, value_max] and rounded to 8 bits.  Without FFmpeg at
// build time (CONVIS_VIDEO=OFF) both constructors are Errors that say so.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "convis/nn/convis/streams.h"

namespace convis::streams {

// Whether this build reads and writes movies (FFmpeg was found: CONVIS_VIDEO).
bool video_available();

struct VideoReaderOptions {
  std::optional<std::array<int64_t, 2>> size{};  // {X, Y} (height, width); the movie's by default
  bool rgb = false;                            // (n, 3, X, Y) instead of grey (n, X, Y)
  int64_t start_frame = 0;                     // frames skipped at the start
  std::optional<int64_t> max_frames{};         // at most this many frames
  double value_max = 1.0;                      // white is this value (255: the original's range)
};

class VideoReader : public Stream {
 public:
  explicit VideoReader(const std::string& path, const VideoReaderOptions& options = {});
  ~VideoReader() override;
  VideoReader(const VideoReader&) = delete;
  VideoReader& operator=(const VideoReader&) = delete;

  Tensor get(int64_t n) override;
  // Frames still to come when the container says how many it has (else std::nullopt).
  std::optional<int64_t> remaining() const override;
  std::array<int64_t, 2> frame_size() const;  // {X, Y} of the frames get() returns
  double fps() const;                         // the movie's frame rate
  int64_t frames_read() const;                // frames handed out so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct VideoWriterOptions {
  double fps = 25.0;
  // "h264", "mpeg4", "ffv1" (lossless), or "" for: ffv1 in .mkv, h264 where FFmpeg has an H.264
  // encoder, mpeg4 otherwise.
  std::string codec{};
  double value_max = 1.0;  // the value written as white
  int64_t bit_rate = 4'000'000;  // for the lossy codecs
};

// put() takes (n, X, Y) grey or (n, 3, X, Y) RGB frames (or [1, C, n, X, Y]), all of one size.
class VideoWriter : public Stream {
 public:
  explicit VideoWriter(std::string path, const VideoWriterOptions& options = {});
  ~VideoWriter() override;  // close()s, or, if that fails, removes the partial file
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  Tensor get(int64_t n) override;  // an Error: write-only
  std::optional<int64_t> remaining() const override { return 0; }
  void put(const Tensor& frames) override;
  // Flushes the encoder, completes the file and gives it its final name (once).
  void close();
  int64_t frames() const;           // frames put so far
  const std::string& codec() const;  // the codec chosen

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace convis::streams
