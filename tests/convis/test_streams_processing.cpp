// ProcessingStream: a stream seen through a Layer (pre, model, post), state carried.
#include <memory>

#include "convis/nn/convis/layer.h"
#include "convis/nn/convis/streams.h"
#include "helpers.h"

using namespace convis;
using namespace convis::streams;

namespace {

// A running sum over time that remembers its total between calls: out[t] = sum of in[0..t].
class RunningSum : public Layer {
 public:
  RunningSum() : Layer("RunningSum") { register_state("total", Tensor{}); }
  Tensor forward(const Tensor& input) override {
    Tensor out = input.cumsum(2);
    const Tensor& total = state("total");
    if (total.defined()) out = out + total;
    store_state("total", out.narrow(2, out.size(2) - 1, 1));
    return out;
  }
};

Tensor ramp_video(int64_t t, int64_t x, int64_t y) {
  Tensor frames = arange(t, kFloat32).reshape({t, 1, 1});
  Tensor pixels = arange(x * y, kFloat32).reshape({1, x, y}) / 100.0;
  return (frames + pixels).contiguous();
}

}  // namespace

TEST_CASE("streams: ProcessingStream is post(model(pre(input))), state carried", "[convis][streams]") {
  Tensor video = ramp_video(10, 3, 2);
  auto model = std::make_shared<RunningSum>();
  ProcessingStream s(std::make_shared<SequenceStream>(video), model, [](const Tensor& x) { return x * 10.0; },
                     [](const Tensor& y) { return y + 1.0; });
  CHECK(s.remaining() == std::optional<int64_t>(10));
  Tensor expected = (video * 10.0).cumsum(0) + 1.0;  // one pass over all frames
  Tensor a = s.get(3);
  CHECK(a.sizes() == Shape{3, 3, 2});
  CHECK_ALLCLOSE(a, expected.narrow(0, 0, 3));
  CHECK(s.remaining() == std::optional<int64_t>(7));
  CHECK_ALLCLOSE(s.get(1), expected.narrow(0, 3, 1));
  CHECK_ALLCLOSE(s.get(100), expected.narrow(0, 4, 6));
  CHECK(s.remaining() == std::optional<int64_t>(0));
  CHECK(s.get(5).size(0) == 0);
  CHECK_THROWS_WITH(s.put(video), Catch::Contains("[Stream::put]"));
}

TEST_CASE("streams: ProcessingStream over an endless stream, without pre and post", "[convis][streams]") {
  auto model = std::make_shared<RunningSum>();
  ProcessingStream s(std::make_shared<RepeatingStream>(ones({2, 2, 2})), model);
  CHECK_FALSE(s.remaining().has_value());
  Tensor a = s.get(5);
  CHECK(a.sizes() == Shape{5, 2, 2});
  CHECK(a.requires_grad() == false);
  CHECK_ALLCLOSE(a.select(0, 4), full({2, 2}, 5.0));
  CHECK_ALLCLOSE(s.get(2).select(0, 1), full({2, 2}, 7.0));
  CHECK_THROWS_AS(ProcessingStream(nullptr, model), Error);
  CHECK_THROWS_AS(ProcessingStream(std::make_shared<RepeatingStream>(ones({1, 1, 1})), nullptr), Error);
}

TEST_CASE("streams: a layer runs on a ProcessingStream, and NpyWriter takes its output", "[convis][streams]") {
  Tensor video = ramp_video(12, 2, 3);
  auto first = std::make_shared<RunningSum>();
  auto second = std::make_shared<RunningSum>();
  ProcessingStream s(std::make_shared<SequenceStream>(video), first);
  Output out = second->run(s, /*dt=*/5);
  CHECK(out[0].sizes() == Shape{1, 1, 12, 2, 3});
  CHECK_ALLCLOSE(out[0].reshape({12, 2, 3}), video.cumsum(0).cumsum(0));
}
