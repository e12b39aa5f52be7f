// nn/convis/streams.cpp: the Stream base.
#include "convis/nn/convis/streams.h"

#include "convis/core/error.h"

namespace convis::streams {

void Stream::put(const Tensor&) {
  CONVIS_CHECK(false, "Stream::put", "expected a stream that takes output frames, got a read-only stream");
}

}  // namespace convis::streams
