// nn/convis/filters/delay.cpp: Delay and VariableDelay (nn/convis/filters/delay.h).
#include "convis/nn/convis/filters/delay.h"

#include <cmath>

#include "convis/core/factory.h"
#include "convis/core/format.h"
#include "convis/core/ops.h"

namespace convis::filters {
namespace {

void check_video(const Tensor& input, const char* op) {
  CONVIS_CHECK(input.defined() && input.dim() == 5, op, "expected a 5-D [B, C, T, X, Y] input, got {}",
               input.defined() ? fmt::format("shape {}", input.sizes()) : std::string("an undefined tensor"));
}

Shape with_frames(Shape shape, int64_t frames) {
  shape[2] = frames;
  return shape;
}

}  // namespace

Tensor with_history(const Tensor& history, const Tensor& input, int64_t needed, const char* op) {
  if (needed == 0) return input;
  int64_t have = 0;
  Tensor h;
  if (history.defined()) {
    CONVIS_CHECK(history.dim() == 5 && with_frames(history.sizes(), 1) == with_frames(input.sizes(), 1), op,
                 "expected frames matching the history of shape {} (call clear_state() before changing the frame "
                 "size), got input of shape {}",
                 history.sizes(), input.sizes());
    have = history.size(2);
    h = history.to(input.dtype()).narrow(2, std::max<int64_t>(have - needed, 0), std::min(have, needed));
  }
  if (have >= needed) return cat({h, input}, 2);
  Tensor zeros_before = zeros(with_frames(input.sizes(), needed - have), input.options());
  return have > 0 ? cat({zeros_before, h, input}, 2) : cat({zeros_before, input}, 2);
}

// ---- Delay ----

DelayImpl::DelayImpl(int64_t delay, int64_t length) : delay_(delay), length_(length) {
  CONVIS_CHECK(delay >= 0 && length >= 0, "Delay", "expected a non-negative delay and length, got {} and {}", delay,
               length);
  register_state("history", Tensor());
}

Tensor DelayImpl::forward(const Tensor& input) {
  check_video(input, "Delay");
  int64_t needed = delay_ + length_;
  if (needed == 0) return input;
  Tensor full = with_history(state("history"), input, needed, "Delay");
  store_state("history", full.narrow(2, full.size(2) - needed, needed));
  return full.narrow(2, 0, length_ + input.size(2));
}

// ---- VariableDelay ----

VariableDelayImpl::VariableDelayImpl(Tensor delays_) {
  Tensor value = delays_.defined() ? delays_.detach().clone() : zeros({});
  if (!value.is_floating_point()) value = value.to(get_default_dtype());
  delays = register_parameter("delays", value, false, "delay of each pixel, in whole frames ([X, Y] or one value)");
  register_state("history", Tensor());
}

Tensor VariableDelayImpl::forward(const Tensor& input) {
  const char* op = "VariableDelay";
  check_video(input, op);
  int64_t x = input.size(3), y = input.size(4);
  Shape frame{x, y};
  CONVIS_CHECK(delays.numel() == 1 || delays.sizes() == frame, op,
               "expected delays of shape [{}, {}] (the frame size) or one value, got shape {}", x, y, delays.sizes());
  Tensor d = delays.detach().to(kFloat64);
  CONVIS_CHECK(d.ge(0.0).all().item<bool>() && d.eq(d.round()).all().item<bool>(), op,
               "expected delays that are non-negative whole numbers of frames, got {}", d.cpu());
  int64_t largest = int64_t(d.max().item<double>());
  Tensor full = with_history(state("history"), input, largest, op);
  if (largest > 0) store_state("history", full.narrow(2, full.size(2) - largest, largest));
  // output[t, x, y] = full[largest + t - d[x, y], x, y]
  int64_t frames = input.size(2);
  Tensor t = arange(frames, TensorOptions(kInt64).device(input.device())).reshape({frames, 1, 1});
  Tensor index = (t + largest - d.to(kInt64).to(input.device()).expand({x, y})).to(kInt64);
  index = index.reshape({1, 1, frames, x, y}).expand(input.sizes()).contiguous();
  return gather(full, 2, index);
}

}  // namespace convis::filters
