// nn/convis/filters/time_padding.cpp: the sliding history window (Note [Convolution history]).
#include "convis/nn/convis/filters/time_padding.h"

#include "convis/core/error.h"
#include "convis/core/ops.h"

namespace convis::filters {

namespace {

void check_frames(const Tensor& history, const Tensor& x, const char* op) {
  bool same = history.size(0) == x.size(0) && history.size(1) == x.size(1) && history.size(3) == x.size(3) &&
              history.size(4) == x.size(4) && history.dtype() == x.dtype();
  CONVIS_CHECK(same, op,
               "expected input frames [batch, channel, x, y] = [{}, {}, {}, {}] of dtype {} as the stored history, "
               "got input {} of dtype {}; call clear_state() before changing the frame size",
               history.size(0), history.size(1), history.size(3), history.size(4), dtype_name(history.dtype()),
               x.sizes(), dtype_name(x.dtype()));
}

}  // namespace

Tensor prepend_history(Layer& layer, const std::string& slot, const Tensor& x, int64_t length, const char* op) {
  CONVIS_CHECK(x.defined() && x.dim() == 5, op, "expected a 5-D input [batch, channel, time, x, y], got shape {}",
               x.defined() ? x.sizes() : Shape{});
  CONVIS_CHECK(x.size(2) >= 1, op, "expected at least one frame, got input of shape {}", x.sizes());
  if (length == 0) return x;
  const Tensor& history = layer.state(slot);
  Tensor before;
  if (history.defined()) {
    check_frames(history, x, op);
    before = history;
  } else {
    Shape repeated = x.sizes();
    repeated[2] = length;
    before = x.narrow(2, 0, 1).expand(repeated);
  }
  Tensor padded = cat({before, x}, 2);
  layer.store_state(slot, padded.narrow(2, padded.size(2) - length, length).contiguous());
  return padded;
}

TimePaddingImpl::TimePaddingImpl(int64_t length) {
  CONVIS_CHECK(length >= 0, "TimePadding", "expected a length >= 0, got {}", length);
  length_ = length;
  register_state("history", Tensor());
}

void TimePaddingImpl::set_length(int64_t length) {
  CONVIS_CHECK(length >= 0, "TimePadding", "expected a length >= 0, got {}", length);
  if (length != length_) state("history") = Tensor();
  length_ = length;
}

Tensor TimePaddingImpl::forward(const Tensor& input) { return prepend_history(*this, "history", input, length_, "TimePadding"); }

}  // namespace convis::filters
