// nn/convis/filters/stream_window.cpp: Note [Streaming window] in stream_window.h.
#include "convis/nn/convis/filters/stream_window.h"

#include <algorithm>
#include <cstring>

#include "convis/core/factory.h"

namespace convis::filters {

namespace {

// The source index of padded position i (relative to the frame's first element, so negative
// in the leading padding), or -1 for a zero (constant mode), as pad() reads it.
int64_t source_index(int64_t i, int64_t n, PadMode mode) {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case PadMode::replicate: return i < 0 ? 0 : n - 1;
    case PadMode::reflect: return i < 0 ? -i : 2 * (n - 1) - i;
    case PadMode::circular: return (i % n + n) % n;
    default: return -1;
  }
}

struct FrameLayout {
  int64_t x, y, x_before, y_before, xp, yp;
};

// One [X, Y] frame (contiguous) into one padded [Xp, Yp] frame.
template <typename T>
void pad_frame(const T* src, T* dst, const FrameLayout& f, PadMode mode) {
  for (int64_t r = 0; r < f.xp; ++r) {
    T* row = dst + r * f.yp;
    const int64_t sr = source_index(r - f.x_before, f.x, mode);
    if (sr < 0) {
      std::fill(row, row + f.yp, T(0));
      continue;
    }
    const T* from = src + sr * f.y;
    std::memcpy(row + f.y_before, from, size_t(f.y) * sizeof(T));
    if (mode == PadMode::replicate || mode == PadMode::constant) {  // the borders are one value each
      std::fill(row, row + f.y_before, mode == PadMode::constant ? T(0) : from[0]);
      std::fill(row + f.y_before + f.y, row + f.yp, mode == PadMode::constant ? T(0) : from[f.y - 1]);
      continue;
    }
    for (int64_t c = 0; c < f.yp; ++c) {
      if (c == f.y_before) c += f.y;
      if (c >= f.yp) break;
      const int64_t sc = source_index(c - f.y_before, f.y, mode);
      row[c] = sc < 0 ? T(0) : from[sc];
    }
  }
}

// frames [first, first + count) of window (all samples and channels) from `frames` [B, C, n, X, Y]
// (contiguous): frame i of the window takes source frame source_frame(i).
template <typename T, typename SourceFrame>
void pad_frames(const Tensor& frames, Tensor& window, int64_t first, int64_t count, const FrameLayout& f, PadMode mode,
                SourceFrame source_frame) {
  const int64_t planes = window.size(0) * window.size(1), n = frames.size(2), depth = window.size(2);
  const T* src = frames.data_ptr<T>();
  T* dst = window.data_ptr<T>();
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t i = 0; i < count; ++i)
      pad_frame<T>(src + (p * n + source_frame(i)) * f.x * f.y, dst + (p * depth + first + i) * f.xp * f.yp, f, mode);
}

void pad_into(const Tensor& frames, Tensor& window, int64_t first, int64_t count, const FrameLayout& f, PadMode mode,
              bool repeat_first) {
  const Tensor c = frames.contiguous();
  auto source = [repeat_first](int64_t i) { return repeat_first ? int64_t(0) : i; };
  if (c.dtype() == kFloat64) pad_frames<double>(c, window, first, count, f, mode, source);
  else pad_frames<float>(c, window, first, count, f, mode, source);
}

// Frames [from, from + count) of each plane of `src` to frames [to, to + count) of `dst`
// (both [B, C, *, Xp, Yp] contiguous, maybe the same tensor).
void move_frames(const Tensor& src, Tensor& dst, int64_t from, int64_t to, int64_t count) {
  const int64_t planes = src.size(0) * src.size(1), frame_bytes = src.size(3) * src.size(4) * int64_t(src.element_size());
  const auto* s = static_cast<const char*>(src.data_ptr());
  auto* d = static_cast<char*>(dst.data_ptr());
  for (int64_t p = 0; p < planes; ++p)
    std::memmove(d + (p * dst.size(2) + to) * frame_bytes, s + (p * src.size(2) + from) * frame_bytes,
                 size_t(count * frame_bytes));
}

// Frames a one-plane window holds: the history and room for several chunks, so that the
// history moves to the front only once in a while (see the Note).
int64_t window_frames(int64_t planes, int64_t length, int64_t frames) {
  return planes == 1 ? length + std::max<int64_t>({frames, 2 * length, 32}) : length + frames;
}

}  // namespace

bool StreamWindow::accepts(const Tensor& chunk, const Tensor& history, const Shape& pads, PadMode mode) {
  if (!chunk.defined() || chunk.dim() != 5 || chunk.size(2) < 1 || !chunk.is_cpu()) return false;
  if (chunk.dtype() != kFloat32 && chunk.dtype() != kFloat64) return false;
  if (mode == PadMode::reflect || mode == PadMode::circular) {
    if (pads[0] >= chunk.size(4) || pads[1] >= chunk.size(4) || pads[2] >= chunk.size(3) || pads[3] >= chunk.size(3))
      return false;
  }
  if (!history.defined()) return true;
  return history.dim() == 5 && history.size(0) == chunk.size(0) && history.size(1) == chunk.size(1) &&
         history.size(3) == chunk.size(3) && history.size(4) == chunk.size(4) && history.dtype() == chunk.dtype();
}

Tensor StreamWindow::load(const Tensor& chunk, const Tensor& history, int64_t length, const Shape& pads, PadMode mode) {
  const int64_t frames = chunk.size(2), planes = chunk.size(0) * chunk.size(1), need = length + frames;
  const FrameLayout f{chunk.size(3), chunk.size(4), pads[2], pads[0], chunk.size(3) + pads[2] + pads[3],
                      chunk.size(4) + pads[0] + pads[1]};
  // With no history (a kernel of one frame) the window only holds the padded chunk.
  const bool history_ours = length == 0 || (history.defined() && history.is_same(history_view_));
  const bool ours = history_ours && window_.defined() && length == length_ &&
                    pads == pads_ && mode == mode_ && window_.size(0) == chunk.size(0) &&
                    window_.size(1) == chunk.size(1) && window_.size(3) == f.xp && window_.size(4) == f.yp &&
                    window_.dtype() == chunk.dtype();
  const int64_t capacity = ours ? window_.size(2) : 0;
  const bool fits = planes == 1 ? capacity >= need : capacity == need;
  if (ours && planes == 1 && fits && start_ + need > capacity) {  // no room after the history: move it
    move_frames(window_, window_, start_, 0, length);
    start_ = 0;
  } else if (!fits) {
    Tensor fresh = empty({chunk.size(0), chunk.size(1), window_frames(planes, length, frames), f.xp, f.yp},
                         chunk.options());
    if (ours) move_frames(window_, fresh, start_, 0, length);  // the padded history, as it is
    else if (history.defined()) pad_into(history, fresh, 0, length, f, mode, false);
    else pad_into(chunk.narrow(2, 0, 1), fresh, 0, length, f, mode, true);
    window_ = fresh;
    start_ = 0;
    history_view_ = Tensor();
  }
  length_ = length;
  frames_ = frames;
  pads_ = pads;
  mode_ = mode;
  pad_into(chunk, window_, start_ + length, frames, f, mode, false);
  return window_.size(2) == need ? window_ : window_.narrow(2, start_, need);
}

void StreamWindow::advance(Tensor& history_slot) {
  if (length_ == 0) {  // no history to keep: the slot stays as it is (empty)
    start_ = 0;
    return;
  }
  if (window_.size(0) * window_.size(1) == 1) {
    start_ += frames_;  // the next history starts where this chunk's last frames are
  } else {
    move_frames(window_, window_, frames_, 0, length_);
  }
  history_view_ = window_.narrow(2, start_, length_)
                      .narrow(3, pads_[2], window_.size(3) - pads_[2] - pads_[3])
                      .narrow(4, pads_[0], window_.size(4) - pads_[0] - pads_[1]);
  history_slot = history_view_;
}

}  // namespace convis::filters
