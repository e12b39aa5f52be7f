// nn/convis/filters/time_padding.h: the history of earlier frames that every causal
// convolution puts in front of a chunk, and TimePadding, the layer that does only that.
//
//   convis::filters::TimePadding pad(3);
//   Tensor a = (*pad)(video.narrow(2, 0, 5));    // [B, C, 8, X, Y]: 3 copies of frame 0, then 0..4
//   Tensor b = (*pad)(video.narrow(2, 5, 1));    // [B, C, 4, X, Y]: frames 2, 3, 4, then 5
//   pad->clear_state();                          // forget: the next chunk repeats its frame 0 again
//
// Note [Convolution history]
// A causal convolution of kT taps needs the kT - 1 frames before each chunk.  The layer keeps
// exactly those frames, the last `length` frames of (history ++ chunk), as ONE registered state
// slot of fixed shape [B, C, length, X, Y]: a sliding window, never a growing list of chunks.
// Because the window is cut from the concatenation, it is right for every chunk size, chunks
// shorter than `length` included (the original kept whole chunks and was exact only for chunks
// of at least `length` frames).  A fresh layer (empty slot) pads with `length` copies of the
// first frame of its first chunk, so a constant input is constant from frame 0 on.  The window
// is stored with store_state, which detaches it (Note [State between chunks] in layer.h), and
// it is a real tensor in the state dictionary, so push_state / pop_state restore it.
#pragma once

#include <cstdint>
#include <string>

#include "convis/nn/convis/layer.h"

namespace convis::filters {

// cat(history, x) along time, where history is the slot `slot` of `layer` (or `length` copies of
// x's first frame when the slot is empty); stores the last `length` frames of the result in the
// slot.  x is [B, C, T, X, Y] with T >= 1; a change of B, C, X, Y or dtype against the stored
// history is an Error naming `op` (call clear_state() first).  length = 0 returns x.
Tensor prepend_history(Layer& layer, const std::string& slot, const Tensor& x, int64_t length, const char* op);

class TimePaddingImpl : public Layer {
 public:
  explicit TimePaddingImpl(int64_t length = 0);

  // [B, C, T, X, Y] -> [B, C, length + T, X, Y].
  Tensor forward(const Tensor& input) override;

  int64_t length() const { return length_; }
  // A different length empties the history (the next chunk is padded as a fresh layer's).
  void set_length(int64_t length);

 private:
  int64_t length_ = 0;
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(TimePadding);

}  // namespace convis::filters
