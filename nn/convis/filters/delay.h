// nn/convis/filters/delay.h: delays in time, with the frames before the start taken as zeros
// and the history carried between chunks.
//
//   convis::filters::Delay d(10);
//   Tensor ramp = convis::arange(40.0).reshape({1, 1, 40, 1, 1});
//   d->run(ramp, /*dt=*/15)[0];          // 0 for t < 10, then t - 10: the same for any dt
//
//   Tensor delays = convis::tensor({0.0, 2.0, 5.0, 1.0}).reshape({2, 2});  // per pixel, frames
//   convis::filters::VariableDelay v(delays);
//   Tensor out = v->forward(video);     // out[.., t, x, y] = video[.., t - delays[x, y], x, y]
#pragma once

#include <cstdint>

#include "convis/nn/convis/layer.h"

namespace convis::filters {

// Note [Delay history]
// The state slot "history" holds the last delay + length input frames seen (zeros before the
// first frame; undefined = fresh), cut from (history ++ chunk) on every call, so chunked
// output equals the one-call output for every chunk size.  Stored with store_state (detached).

// output[t] = input[t - delay].  With length > 0 the output additionally starts with the
// `length` frames before that, so it has T + length frames:
// output[j] = input[j - length - delay], j = 0 .. T + length - 1.
class DelayImpl : public Layer {
 public:
  explicit DelayImpl(int64_t delay = 0, int64_t length = 0);
  Tensor forward(const Tensor& input) override;

  int64_t delay() const { return delay_; }
  int64_t length() const { return length_; }

 private:
  int64_t delay_, length_;
};

// A delay per pixel: output[b, c, t, x, y] = input[b, c, t - delays[x, y], x, y] (zeros before
// the first frame).  `delays` (a parameter without gradient, as the original's) holds
// non-negative whole numbers of frames, shape [X, Y] or one element for every pixel;
// undefined means no delay.  The history covers the largest delay (Note [Delay history]).
class VariableDelayImpl : public Layer {
 public:
  explicit VariableDelayImpl(Tensor delays = {});
  Tensor forward(const Tensor& input) override;

  Tensor delays;
};

// The frames history ++ input, where `history` holds earlier input frames (undefined = none:
// zeros); returns the concatenation with at least `needed` frames before the input, zeros
// in front where the history is shorter.  Shared by Delay and VariableDelay.
Tensor with_history(const Tensor& history, const Tensor& input, int64_t needed, const char* op);

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(Delay);
CONVIS_MODULE(VariableDelay);

}  // namespace convis::filters
