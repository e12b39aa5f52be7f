// nn/convis/streams.h: sources that yield frames on demand, consumed by Layer::run.
//
//   convis::streams::RandomStream noise({50, 50}, /*level=*/1.0);   // endless
//   auto out = layer->run(noise, /*dt=*/100, /*max_t=*/1000);       // exactly 1000 frames
//   convis::streams::SequenceStream seq(video);                       // (T, X, Y), finite
//   auto all = layer->run(seq, 100);                                  // every frame of video
//   convis::streams::NpyWriter out("spikes.npy");                     // put() collects frames,
//   out.put(all[0]);                                                  // close() writes them
//   convis::streams::ProcessingStream seen(                           // a stream through a layer:
//       std::make_shared<convis::streams::NpyReader>("movie.npy"), layer);  // get(n) = layer(frames)
//
// A stream hands out frames as (n, X, Y) tensors.  A finite stream knows how many frames
// it still has (remaining()); an endless one returns std::nullopt there, and running a
// layer on it without a frame limit is an Error rather than a hang.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "convis/core/tensor.h"

namespace convis {
class Layer;
}

namespace convis::streams {

class Stream {
 public:
  virtual ~Stream() = default;
  // The next n frames as an (n, X, Y) tensor; fewer only when a finite stream runs out.
  virtual Tensor get(int64_t n) = 0;
  // Frames still to come, or std::nullopt for an endless stream.
  virtual std::optional<int64_t> remaining() const { return std::nullopt; }
  // Consumes output frames ((n, X, Y) or 5-D); streams that cannot take output throw.
  virtual void put(const Tensor& frames);
};

// Frames of a (T, X, Y) tensor (a [1, 1, T, X, Y] one is taken as (T, X, Y)), in order, once.
// put appends frames and keeps only the last max_frames (the read position stays on the
// frame it was on while that frame is kept).
class SequenceStream : public Stream {
 public:
  explicit SequenceStream(const Tensor& sequence, int64_t max_frames = 5000);
  Tensor get(int64_t n) override;
  std::optional<int64_t> remaining() const override;
  void put(const Tensor& frames) override;
  // Everything held now, read or not.
  const Tensor& sequence() const { return sequence_; }

 private:
  Tensor sequence_;
  int64_t max_frames_;
  int64_t position_ = 0;
};

// A (T, X, Y) sequence over and over, endlessly.
class RepeatingStream : public Stream {
 public:
  explicit RepeatingStream(const Tensor& sequence);
  Tensor get(int64_t n) override;

 private:
  Tensor sequence_;
  int64_t position_ = 0;
};

// mean + level * U(0, 1) frames of size {X, Y} (float32), endlessly.  With a seed the stream
// draws from a Generator of its own; without, its seed is drawn once from the default
// generator (so manual_seed makes it reproducible).
class RandomStream : public Stream {
 public:
  explicit RandomStream(std::array<int64_t, 2> size = {50, 50}, double level = 1.0, double mean = 0.0,
                        std::optional<uint64_t> seed = std::nullopt);
  Tensor get(int64_t n) override;

 private:
  std::array<int64_t, 2> size_;
  double level_, mean_;
  uint64_t seed_;
  uint64_t offset_ = 0;
};

// get(n) = post(model(pre(input.get(n)))), without gradients; the model keeps its state from
// call to call, so the processed stream equals one run over all the input.  A [1, 1, n, X, Y]
// model output is handed to post as (n, X, Y).  Finite exactly when the input is.
class ProcessingStream : public Stream {
 public:
  using Transform = std::function<Tensor(const Tensor&)>;
  ProcessingStream(std::shared_ptr<Stream> input, std::shared_ptr<Layer> model, Transform pre = {},
                   Transform post = {});
  Tensor get(int64_t n) override;
  std::optional<int64_t> remaining() const override;

 private:
  std::shared_ptr<Stream> input_;
  std::shared_ptr<Layer> model_;
  Transform pre_, post_;
};

// The frames of a (T, X, Y) .npy file (read into memory when opened), once.  Read-only.
class NpyReader : public Stream {
 public:
  explicit NpyReader(const std::string& path);
  Tensor get(int64_t n) override;
  std::optional<int64_t> remaining() const override;

 private:
  SequenceStream frames_;
};

// Writes the frames put into it ((n, X, Y) or [1, 1, n, X, Y], all of one X and Y, converted to
// the first put's dtype) as one (T, X, Y) .npy file, completed on close() or, failing that, on
// destruction.  Each put goes straight to "<path>.part" (memory stays flat however long the
// run); close() writes the frame count into the header, whose shape was left room for, and
// renames the file to <path>, so a run that dies leaves no truncated .npy.  Write-only: get is an
// Error.
class NpyWriter : public Stream {
 public:
  explicit NpyWriter(std::string path);
  ~NpyWriter() override;
  NpyWriter(const NpyWriter&) = delete;
  NpyWriter& operator=(const NpyWriter&) = delete;
  Tensor get(int64_t n) override;
  std::optional<int64_t> remaining() const override { return 0; }
  void put(const Tensor& frames) override;
  // Writes the file (once; later puts are an Error).
  void close();
  // Frames put so far.
  int64_t frames() const { return frames_; }

 private:
  std::string path_;
  std::unique_ptr<std::ofstream> file_;  // "<path>.part", from the first put to close()
  DType dtype_ = kFloat32;
  int64_t x_ = 0, y_ = 0;
  size_t header_bytes_ = 0;
  int64_t frames_ = 0;
  bool closed_ = false;
};

}  // namespace convis::streams
