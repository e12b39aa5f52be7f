// nn/convis/streams.h: sources that yield frames on demand, consumed by Layer::run.
//
//   convis::streams::RandomStream noise({50, 50}, /*level=*/1.0);   // endless
//   auto out = layer->run(noise, /*dt=*/100, /*max_t=*/1000);       // exactly 1000 frames
//   convis::streams::SequenceStream seq(video);                       // (T, X, Y), finite
//   auto all = layer->run(seq, 100);                                  // every frame of video
//
// A stream hands out frames as (n, X, Y) tensors.  A finite stream knows how many frames
// it still has (remaining()); an endless one returns std::nullopt there, and running a
// layer on it without a frame limit is an Error rather than a hang.
#pragma once

#include <cstdint>
#include <optional>

#include "convis/core/tensor.h"

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

}  // namespace convis::streams
