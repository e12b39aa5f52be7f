// nn/data/video_windows.h: a long recording as a dataset of windows of T frames -- for fitting
// a convis model on a recording too long for one call.
//
//   using namespace convis;
//   Tensor movie = load_npy("recording.npy");           // (frames, X, Y)
//   Tensor rates = load_npy("responses.npy");           // (frames, ...) one row per frame
//   auto windows = data::datasets::VideoWindows(movie, rates, /*window=*/200, /*stride=*/100);
//   auto loader = data::make_data_loader<data::samplers::SequentialSampler>(
//       windows.map(data::transforms::Stack<>()), data::DataLoaderOptions().batch_size(4));
//   // each batch: data [4, 200, X, Y], target [4, 200, ...]
//
// Window k holds frames [k stride, k stride + window) of the video and of the targets (views,
// no copy); the windows that fit are size() = (frames - window) / stride + 1.  A window is
// independent of the others: a stateful model fitted on shuffled windows starts each from its
// own state (clear_state), on sequential windows with stride = window it can carry its state.
#pragma once

#include <string>

#include "convis/core/io.h"
#include "convis/nn/data/datasets.h"

namespace convis::data::datasets {

class VideoWindows : public Dataset<VideoWindows, Example<>> {
 public:
  VideoWindows(Tensor video, Tensor targets, int64_t window, int64_t stride)
      : video_(std::move(video)), targets_(std::move(targets)), window_(window), stride_(stride) {
    CONVIS_CHECK(video_.defined() && video_.dim() >= 1, "VideoWindows", "expected a video with frames along dim 0, got {}",
                 video_.defined() ? fmt::format("shape {}", video_.sizes()) : std::string("an undefined tensor"));
    CONVIS_CHECK(targets_.defined() && targets_.dim() >= 1 && targets_.size(0) == video_.size(0), "VideoWindows",
                 "expected one target row per frame ({}), got {}", video_.size(0),
                 targets_.defined() ? fmt::format("shape {}", targets_.sizes()) : std::string("an undefined tensor"));
    CONVIS_CHECK(window_ >= 1 && stride_ >= 1 && window_ <= video_.size(0), "VideoWindows",
                 "expected 1 <= window <= {} frames and stride >= 1, got window {} and stride {}", video_.size(0), window_,
                 stride_);
  }
  // From two .npy files (frames along dim 0 in both).
  VideoWindows(const std::string& video_npy, const std::string& targets_npy, int64_t window, int64_t stride)
      : VideoWindows(load_npy(video_npy), load_npy(targets_npy), window, stride) {}

  Example<> get(size_t index) override {
    CONVIS_CHECK(index < *size(), "VideoWindows", "expected a window index below {}, got {}", *size(), index);
    const int64_t start = int64_t(index) * stride_;
    return {video_.narrow(0, start, window_), targets_.narrow(0, start, window_)};
  }
  std::optional<size_t> size() const override { return size_t((video_.size(0) - window_) / stride_ + 1); }

 private:
  Tensor video_, targets_;
  int64_t window_, stride_;
};

}  // namespace convis::data::datasets
