// Delay and VariableDelay (docs/convis-toolbox.md section 2 item 15; items 9, 11 for Delay):
// the ramp numbers, chunk invariance for every chunk size, length > 0, per-pixel delays.
#include "helpers.h"

#include "convis/autograd/gradcheck.h"
#include "convis/nn/convis/filters/delay.h"

using namespace convis;
using convis::filters::Delay;
using convis::filters::VariableDelay;
using convis_test::chunked;
using convis_test::values;

namespace {

Tensor ramp(int64_t frames) { return arange(double(frames)).reshape({1, 1, frames, 1, 1}); }

}  // namespace

TEST_CASE("Delay(10) on a ramp in chunks of 15 (item 15)", "[convis][recursive_filters]") {
  Delay d(10);
  CHECK(d->delay() == 10);
  auto v = values(d->run(ramp(40), 15)[0]);
  REQUIRE(v.size() == 40);
  for (size_t t = 0; t < 40; ++t) CHECK(v[t] == (t < 10 ? 0.0 : double(t) - 10));
}

TEST_CASE("Delay: the same output for every chunk size 1..T (item 9)", "[convis][recursive_filters]") {
  manual_seed(21);
  Tensor x = rand({2, 1, 25, 3, 2});
  for (auto [delay, length] : std::vector<std::pair<int64_t, int64_t>>{{0, 0}, {1, 0}, {7, 0}, {30, 0}, {3, 2}}) {
    INFO("delay " << delay << ", length " << length);
    Delay d(delay, length);
    Tensor whole = d->forward(x);
    CHECK(whole.size(2) == 25 + length);
    if (length == 0) {
      for (int64_t dt = 1; dt <= 25; ++dt) {
        INFO("chunk size " << dt);
        d->clear_state();
        CHECK_ALLCLOSE_TOL(chunked(*d, x, dt), whole, 0, 0);
      }
    }
    // A then B: B's output is the tail of the one-call output (the prefix frames included).
    d->clear_state();
    d->forward(x.narrow(2, 0, 11));
    CHECK_ALLCLOSE_TOL(d->forward(x.narrow(2, 11, 14)), whole.narrow(2, 11, 14 + length), 0, 0);
  }
}

TEST_CASE("Delay with length prepends the earlier frames", "[convis][recursive_filters]") {
  Delay d(2, 3);
  CHECK(d->length() == 3);
  // output[j] = input[j - 5]: five zeros, then 0, 1, ...
  CHECK(values(d->forward(ramp(8))) == std::vector<double>{0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5});
  // The next chunk starts 3 + 2 frames back.
  CHECK(values(d->forward(ramp(8) + 8.0)) == std::vector<double>{3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
}

TEST_CASE("Delay: state, gradients and errors", "[convis][recursive_filters]") {
  Delay d(3);
  d->forward(ramp(5));
  Tensor h = d->get_state()["history"];
  CHECK(values(h) == std::vector<double>{2, 3, 4});
  // push/pop restore the history (item 11)
  d->push_state();
  Tensor first = d->forward(ramp(4));
  d->pop_state();
  CHECK_ALLCLOSE_TOL(d->forward(ramp(4)), first, 0, 0);
  // within a chunk the delay is differentiable; history is detached
  d->clear_state();
  Tensor a = rand({1, 1, 4, 1, 1}).requires_grad_(true);
  Tensor b = rand({1, 1, 4, 1, 1}).requires_grad_(true);
  d->forward(a);
  d->forward(b).sum().backward();
  CHECK_FALSE(a.grad().defined());
  CHECK(values(b.grad()) == std::vector<double>{1, 0, 0, 0});
  CHECK_THROWS_WITH(Delay(-1), Catch::Contains("[Delay] expected a non-negative delay"));
  CHECK_THROWS_WITH(d->forward(ones({1, 1, 2, 2, 1})), Catch::Contains("call clear_state()"));
}

TEST_CASE("VariableDelay: a delay per pixel, chunk-invariant", "[convis][recursive_filters]") {
  Tensor delays = tensor({0.0, 2.0, 5.0, 1.0}).reshape({2, 2});
  VariableDelay v(delays);
  CHECK_FALSE(v->delays.requires_grad());
  Tensor x = arange(1.0, 13.0).reshape({1, 1, 12, 1, 1}).expand({1, 1, 12, 2, 2}).contiguous() +
             tensor({0.0, 100.0, 200.0, 300.0}).reshape({1, 1, 1, 2, 2});
  Tensor whole = v->forward(x);
  for (int64_t px = 0; px < 4; ++px) {
    int64_t dx = px / 2, dy = px % 2;
    double delay = values(delays)[size_t(px)];
    auto out = values(whole.select(4, dy).select(3, dx));
    for (size_t t = 0; t < 12; ++t) {
      double expected = double(t) < delay ? 0.0 : double(t) - delay + 1 + 100.0 * double(px);
      CHECK(out[t] == expected);
    }
  }
  for (int64_t dt : {1, 2, 3, 5, 12}) {
    INFO("chunk size " << dt);
    v->clear_state();
    CHECK_ALLCLOSE_TOL(chunked(*v, x, dt), whole, 0, 0);
  }
  // gradient to the input within a chunk
  Tensor xg = rand({1, 1, 6, 2, 2}, dtype(kFloat64).requires_grad(true));
  v->clear_state();
  auto r = autograd::gradcheck([&](const autograd::variable_list& in) { v->clear_state(); return v->forward(in[0]); },
                               {xg});
  INFO(r.message);
  CHECK(r.ok);
}

TEST_CASE("VariableDelay: defaults and errors", "[convis][recursive_filters]") {
  VariableDelay none;
  Tensor x = rand({1, 1, 3, 2, 2});
  CHECK_ALLCLOSE_TOL(none->forward(x), x, 0, 0);
  VariableDelay bad(tensor({1.5}));
  CHECK_THROWS_WITH(bad->forward(x), Catch::Contains("[VariableDelay] expected delays that are non-negative whole"));
  VariableDelay wrong(zeros({3, 3}));
  CHECK_THROWS_WITH(wrong->forward(x), Catch::Contains("expected delays of shape [2, 2]"));
}
