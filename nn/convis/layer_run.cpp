// nn/convis/layer_run.cpp: chunked runs over tensors, Outputs and streams.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "convis/core/ops.h"
#include "convis/nn/convis/layer.h"

namespace convis {

namespace {

// Note [Progress bar]
// A long run (more than a second, several chunks) shows one self-overwriting line on stderr,
// but only when stderr is a terminal: logs and test output stay clean.
class Progress {
 public:
  Progress(std::string what, int64_t total) : what_(std::move(what)), total_(total), tty_(isatty(STDERR_FILENO) == 1) {}
  ~Progress() {
    if (shown_) std::fputc('\n', stderr);
  }
  void update(int64_t done) {
    if (!tty_) return;
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    if (seconds < 1.0 && !shown_) return;
    shown_ = true;
    const int width = 30;
    const int filled = total_ > 0 ? static_cast<int>(width * done / total_) : width;
    std::fprintf(stderr, "\r%s [%s%s] %lld/%lld frames %.1f s", what_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), static_cast<long long>(done),
                 static_cast<long long>(total_), seconds);
    std::fflush(stderr);
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::string what_;
  int64_t total_;
  bool tty_;
  bool shown_ = false;
  Clock::time_point start_ = Clock::now();
};

// Outputs are concatenated along time: dim 2 of 5-D results, dim 0 otherwise.
int64_t time_dim(const Tensor& t) { return t.dim() == 5 ? 2 : 0; }

}  // namespace

Output Layer::run_chunks(const std::function<Tensor(int64_t, int64_t)>& next_chunk, int64_t total, int64_t dt) {
  std::vector<std::vector<Tensor>> pieces;
  std::vector<std::string> keys;
  Progress progress(fmt::format("{} run", name()), total);
  for (int64_t start = 0; start < total; start += dt) {
    Tensor chunk = next_chunk(start, std::min(dt, total - start));
    if (!chunk.defined()) break;  // a finite stream ran out early
    Output out = forward_outputs(chunk);
    if (pieces.empty()) pieces.resize(out.size());
    CONVIS_CHECK(out.size() == pieces.size(), "Layer::run", "expected {} outputs per chunk, got {}", pieces.size(),
                 out.size());
    for (size_t i = 0; i < out.size(); ++i) pieces[i].push_back(out[i]);
    if (keys.empty()) keys = out.keys();
    progress.update(std::min(start + dt, total));
  }
  std::vector<Tensor> joined;
  for (auto& list : pieces) joined.push_back(list.size() == 1 ? list[0] : cat(list, time_dim(list[0])));
  return Output(std::move(joined), std::move(keys));
}

Output Layer::run(const Tensor& input, int64_t dt) {
  CONVIS_CHECK(dt >= 0, "Layer::run", "expected a chunk length dt >= 0 (0 = one call), got {}", dt);
  Tensor x = prepare_input(input);
  if (dt == 0) return forward_outputs(x);
  const int64_t axis = dims_ == 5 ? 2 : 0;
  return run_chunks([&](int64_t start, int64_t length) { return x.narrow(axis, start, length); }, x.size(axis), dt);
}

Output Layer::run(const Output& input, int64_t dt) {
  CONVIS_CHECK(!input.empty(), "Layer::run", "expected an Output with at least one tensor, got an empty one");
  return run(input[0].detach(), dt);
}

Output Layer::run(streams::Stream& stream, int64_t dt, std::optional<int64_t> max_t) {
  CONVIS_CHECK(dt > 0, "Layer::run", "expected a chunk length dt > 0 for a stream, got {}", dt);
  const std::optional<int64_t> remaining = stream.remaining();
  CONVIS_CHECK(max_t.has_value() || remaining.has_value(), "Layer::run",
               "expected max_t for an endless stream (it would never end), got none");
  CONVIS_CHECK(!max_t || *max_t >= 0, "Layer::run", "expected max_t >= 0, got {}", max_t.value_or(0));
  int64_t total = max_t ? *max_t : *remaining;
  if (remaining) total = std::min(total, *remaining);
  return run_chunks(
      [&](int64_t, int64_t length) -> Tensor {
        Tensor frames = stream.get(length);
        if (!frames.defined() || frames.dim() == 0 || frames.size(0) == 0) return {};
        return prepare_input(frames);
      },
      total, dt);
}

}  // namespace convis
