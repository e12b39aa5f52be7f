// nn/convis/filters/stream_window.h: the buffer a stateful convolution runs its chunks in when
// no gradient is wanted: the history and the new frames, spatially padded, side by side.
//
//   StreamWindow window;                                     // a member of the filter
//   if (window.accepts(chunk, layer.state("history"), pads, mode)) {
//     Tensor padded = window.load(chunk, layer.state("history"), kT - 1, pads, mode);
//     Tensor y = conv3d(padded, weight, bias);               // reads the window in place
//     window.advance(layer.state("history"));                // the slot now views the window
//   }
//
// Note [Streaming window]
// Run chunk by chunk, Conv3d's differentiable path concatenates the history with the chunk,
// pads the result in space, and copies the last kT - 1 frames into the history slot: three
// new tensors and three copies of the frames per chunk.  Without gradients it runs in one
// buffer instead, [B, C, N, X + px, Y + py] holding L = kT - 1 frames of history from frame s
// (L = 0 for a spatial kernel: the window is then only the reused padded chunk):
//   load     writes the chunk, padded (replicate, reflect, circular or zeros, as pad()), into
//            frames [s + L, s + L + T), after the padded history, and gives the convolution
//            frames [s, s + L + T), which it reads where they are;
//   advance  makes frames [s + T, s + T + L) the history (s += T) and points the history slot
//            at them (an unpadded view, so the slot holds the values of the other path).
// With one sample and channel, N leaves room for several chunks (at least 32 frames), and the
// history moves back to the front only when the next chunk does not fit: frame by frame, a
// move of L frames every 32 or more frames.  With several, [s, s + L + T) would not be one
// contiguous block, so N = L + T and advance moves the history to the front each chunk.
// So a chunk costs the padding of its own frames and its output: no other tensor is allocated
// after the first chunk (a chunk longer than the room left allocates a new window once).  The
// slot stays an ordinary state tensor: when it is not the view the window handed out
// (clear_state, set_state, pop_state, a new kernel), load starts again from the slot (or,
// empty, from copies of the chunk's first frame, as prepend_history).  One consequence: a
// history tensor taken from get_state() views the window and may change with a later chunk;
// push_state and the differentiable path copy.
#pragma once

#include <cstdint>

#include "convis/core/ops.h"
#include "convis/core/tensor.h"

namespace convis::filters {

class StreamWindow {
 public:
  // Whether the window can take `chunk` (5-D, at least one frame) with this padding:
  // {y_before, y_after, x_before, x_after, 0, 0}, each smaller than the frame for reflect
  // and circular; a defined history must match the chunk's batch, channels, frame and dtype.
  static bool accepts(const Tensor& chunk, const Tensor& history, const Shape& pads, PadMode mode);

  // The window for `chunk` with `length` history frames (see the Note).
  Tensor load(const Tensor& chunk, const Tensor& history, int64_t length, const Shape& pads, PadMode mode);

  // Moves the last `length` frames to the front; `history_slot` becomes their unpadded view.
  void advance(Tensor& history_slot);

 private:
  Tensor window_;        // [B, C, frames, Xp, Yp]
  Tensor history_view_;  // what advance last put into the slot
  int64_t start_ = 0;    // the history's first frame in the window
  int64_t length_ = 0, frames_ = 0;
  Shape pads_;
  PadMode mode_ = PadMode::replicate;
};

}  // namespace convis::filters
