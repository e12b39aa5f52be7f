// nn/convis/streams_processing.cpp: ProcessingStream, a stream seen through a Layer.
// (Apart from streams.cpp so that the other streams do not need the Layer machinery.)
#include <utility>

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/nn/convis/layer.h"
#include "convis/nn/convis/streams.h"

namespace convis::streams {

ProcessingStream::ProcessingStream(std::shared_ptr<Stream> input, std::shared_ptr<Layer> model, Transform pre,
                                   Transform post)
    : input_(std::move(input)), model_(std::move(model)), pre_(std::move(pre)), post_(std::move(post)) {
  CONVIS_CHECK(input_ != nullptr && model_ != nullptr, "ProcessingStream",
               "expected an input stream and a model, got a null {}", input_ == nullptr ? "stream" : "model");
}

Tensor ProcessingStream::get(int64_t n) {
  NoGradGuard no_grad;
  Tensor frames = input_->get(n);
  if (frames.dim() >= 1 && frames.size(0) == 0) return frames;  // the input has run out
  if (pre_) frames = pre_(frames);
  Tensor out = (*model_)(frames).detach();
  if (out.dim() == 5 && out.size(0) == 1 && out.size(1) == 1) out = out.reshape({out.size(2), out.size(3), out.size(4)});
  return post_ ? post_(out) : out;
}

std::optional<int64_t> ProcessingStream::remaining() const { return input_->remaining(); }

}  // namespace convis::streams
