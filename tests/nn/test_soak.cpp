// Long runs keep memory flat (issue 15): 10 000 training steps of an MLP and of a convis LN
// model, and the Retina streaming 100 000 frames in chunks.  After a warm-up, the tensor bytes
// alive (cpu_memory_stats().live_bytes) are the same at every checkpoint, and the caches stay
// within their caps.  A leak of one tensor per step would add megabytes here.
#include <vector>

#include "helpers.h"

#include "convis/core/pool.h"

using namespace convis;

namespace {

// The live bytes at each checkpoint (every `every` steps from `warmup` on) of `steps` calls.
template <typename Step>
std::vector<int64_t> live_bytes_over(int steps, int warmup, int every, Step step) {
  std::vector<int64_t> live;
  for (int i = 0; i < steps; ++i) {
    step(i);
    if (i >= warmup && (i - warmup) % every == 0) live.push_back(cpu_memory_stats().live_bytes);
  }
  return live;
}

void check_flat(const std::vector<int64_t>& live) {
  REQUIRE(live.size() >= 2);
  for (int64_t bytes : live) CHECK(bytes == live.front());
  CHECK(cpu_memory_stats().cached_bytes <= int64_t(kMaxCachedBytes));
  CHECK(detail::pool_cached_bytes() <= detail::kMaxPooledBytes);
}

}  // namespace

TEST_CASE("soak: 10 000 training steps of an MLP keep memory flat", "[slow][soak]") {
  manual_seed(1);
  nn::Sequential model(nn::Linear(8, 32), nn::Tanh(), nn::Linear(32, 1));
  optim::Adam opt(model->parameters(), optim::AdamOptions(1e-3));
  const Tensor x = randn({16, 8}), y = randn({16, 1});
  double first = 0, last = 0;
  const auto live = live_bytes_over(10000, 100, 1000, [&](int i) {
    opt.zero_grad();
    Tensor loss = nn::functional::mse_loss(model->forward(x), y);
    loss.backward();
    opt.step();
    (i == 0 ? first : last) = loss.item<double>();
  });
  check_flat(live);
  CHECK(last < first);  // it trained
}

TEST_CASE("soak: 10 000 fitting steps of an LN model keep memory flat", "[slow][soak]") {
  manual_seed(2);
  models::LN ln(Shape{5, 3, 3});
  ln->set_optimizer<optim::Adam>(optim::AdamOptions(1e-3));
  const Tensor input = randn({1, 1, 100, 8, 8}), target = randn({1, 1, 100, 8, 8}).abs();
  // optimize() takes one step per chunk: 10 chunks of 10 frames a call, 1000 calls.
  const auto live = live_bytes_over(1000, 10, 100, [&](int) { ln->optimize(input, target, 10); });
  check_flat(live);
}

TEST_CASE("soak: the Retina streams 100 000 frames in chunks with flat memory", "[slow][soak]") {
  NoGradGuard no_grad;
  models::Retina retina;
  const Tensor chunk = samples::moving_grating(500, 20, 20).reshape({1, 1, 500, 20, 20});
  int64_t spikes = 0;
  const auto live = live_bytes_over(200, 5, 15, [&](int) {
    Output out = retina->forward_outputs(chunk);
    spikes += out[0].sum().item<int64_t>();
  });
  check_flat(live);
  CHECK(spikes > 0);
}
