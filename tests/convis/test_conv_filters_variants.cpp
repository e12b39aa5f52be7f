// filters::TimePadding, RF, Conv1d and Conv2d (docs/convis-toolbox.md 1.4, section 2 item 16).
#include "helpers.h"

#include "convis/nn/convis/filters/conv_variants.h"
#include "convis/nn/convis/filters/time_padding.h"

using namespace convis;
using namespace convis::filters;
using convis_test::chunked;
using convis_test::values;

namespace {

Tensor ramp(int64_t T) { return arange(0.0, double(T), kFloat64).reshape({1, 1, T, 1, 1}); }

}  // namespace

TEST_CASE("TimePadding: length history frames in front, frame 0 repeated when fresh", "[convis][conv_filters]") {
  TimePadding pad(3);
  Tensor x = ramp(8);
  CHECK(values(pad->forward(x.narrow(2, 0, 5))) == std::vector<double>{0, 0, 0, 0, 1, 2, 3, 4});
  CHECK(values(pad->forward(x.narrow(2, 5, 1))) == std::vector<double>{2, 3, 4, 5});
  CHECK(values(pad->forward(x.narrow(2, 6, 2))) == std::vector<double>{3, 4, 5, 6, 7});
  CHECK(pad->state("history").sizes() == Shape{1, 1, 3, 1, 1});
  pad->clear_state();
  CHECK(values(pad->forward(x.narrow(2, 6, 1))) == std::vector<double>{6, 6, 6, 6});
  // every chunking gives the windows of one call
  for (int64_t dt = 1; dt <= 8; ++dt) {
    pad->clear_state();
    std::vector<double> got;
    for (int64_t s = 0; s < 8; s += dt) {
      Tensor out = pad->forward(x.narrow(2, s, std::min<int64_t>(dt, 8 - s)));
      auto v = values(out);
      got.insert(got.end(), v.begin() + 3, v.end());  // the chunk itself comes back after the history
      CHECK(v[0] == std::max<double>(double(s) - 3, 0));
    }
    CHECK(got == values(x));
  }
  pad->set_length(0);
  CHECK(pad->forward(x).sizes() == Shape{1, 1, 8, 1, 1});
  CHECK_THROWS_WITH(TimePaddingImpl(-1), Catch::Contains("[TimePadding] expected a length >= 0"));
  TimePadding p2(2);
  p2->forward(zeros({1, 1, 2, 3, 3}));
  CHECK_THROWS_WITH(p2->forward(zeros({1, 1, 2, 4, 3})), Catch::Contains("[TimePadding] expected input frames"));
}

TEST_CASE("RF: a 1x1 weight becomes uniform over the input, summing to 1; output [B,out,T,1,1]",
          "[convis][conv_filters]") {
  manual_seed(11);
  RF rf;
  Tensor x = rand({1, 1, 200, 20, 20});
  Tensor out = rf->forward(x);
  CHECK(out.sizes() == Shape{1, 1, 200, 1, 1});
  CHECK(rf->weight.sizes() == Shape{1, 1, 1, 20, 20});
  CHECK(rf->weight.sum().item<double>() == Approx(1.0));
  CHECK(rf->weight.max().item<double>() == Approx(1.0 / 400));
  CHECK_ALLCLOSE(out.reshape({200}), x.mean({3, 4}).reshape({200}));
  // smaller input: zero-padded at the right/bottom; larger: cropped to the top-left
  rf->clear_state();
  CHECK(rf->forward(ones({1, 1, 2, 10, 20})).reshape({2}).sum().item<double>() == Approx(2 * 0.5));
  rf->clear_state();
  Tensor big = zeros({1, 1, 1, 30, 25});
  big.narrow(3, 0, 20).narrow(4, 0, 20).fill_(1.0);
  CHECK(rf->forward(big).item<double>() == Approx(1.0));
  rf->reset_weight();
  CHECK(rf->weight.sizes() == Shape{1, 1, 1, 1, 1});
  rf->clear_state();
  CHECK(rf->forward(ones({1, 1, 3, 4, 5})).sizes() == Shape{1, 1, 3, 1, 1});
  CHECK(rf->weight.sizes() == Shape{1, 1, 1, 4, 5});
  // a temporal RF keeps its time axis and history; chunking is exact
  RF trf(1, 1, Shape{5, 1, 1});
  Tensor v = randn({1, 1, 30, 6, 6}, kFloat64);
  trf->to(kFloat64);
  Tensor whole = trf->forward(v);
  CHECK(trf->weight.sizes() == Shape{1, 1, 5, 6, 6});
  for (int64_t dt : {1, 4, 7}) {
    trf->clear_state();
    CHECK(equal(chunked(*trf, v, dt), whole));
  }
}

TEST_CASE("Conv1d: per-pixel causal temporal filter, exact chunking", "[convis][conv_filters]") {
  manual_seed(12);
  Conv1d c(1, 1, 4);
  c->to(kFloat64);
  c->set_weight(tensor({1.0, 2.0, 3.0, 4.0}, kFloat64));
  CHECK(values(c->weight) == std::vector<double>{4, 3, 2, 1});
  Tensor x = zeros({1, 1, 10, 2, 3}, kFloat64);
  x.index_put_({0, 0, 2, 1, 2}, 1.0);
  c->forward(zeros({1, 1, 1, 2, 3}, kFloat64));
  Tensor out = c->forward(x);
  CHECK(values(out.select(3, 1).select(3, 2).reshape({10})) == std::vector<double>{0, 0, 1, 2, 3, 4, 0, 0, 0, 0});
  CHECK(out.abs().sum().item<double>() == Approx(10.0));
  Tensor v = randn({2, 1, 25, 3, 4}, kFloat64);
  c->clear_state();
  Tensor whole = c->forward(v);
  for (int64_t dt : {1, 2, 5, 25}) {
    c->clear_state();
    CHECK(equal(chunked(*c, v, dt), whole));
  }
  // gradcheck through input, weight and bias, after a chunk of history
  Conv1d g(2, 2, 3);
  g->to(kFloat64);
  g->set_weight(randn({2, 2, 3}, kFloat64));
  Tensor hist = randn({1, 2, 3, 2, 2}, kFloat64), in = randn({1, 2, 2, 2, 2}, kFloat64).requires_grad_(true);
  auto r = autograd::gradcheck(
      [&](const autograd::variable_list& v) {
        g->clear_state();
        g->forward(hist);
        return g->forward(v[0]);
      },
      {in, g->weight, g->bias});
  INFO(r.message);
  CHECK(r.ok);
  c->exponential(0.01);
  CHECK(c->weight.sizes() == Shape{1, 1, 47});
  CHECK(c->filter_length() == 46);
  CHECK_THROWS_WITH(c->set_weight(ones({2, 2})), Catch::Contains("[Conv1d.set_weight]"));
}

TEST_CASE("Conv2d: per-frame spatial filter, replicate borders, impulse response = weight", "[convis][conv_filters]") {
  Conv2d c(1, 1, Shape{3, 3});
  c->to(kFloat64);
  Tensor w = arange(1.0, 11.0, kFloat64).reshape({2, 5});
  c->set_weight(w);
  Tensor x = zeros({1, 1, 2, 7, 8}, kFloat64);
  x.index_put_({0, 0, 1, 3, 4}, 1.0);
  Tensor out = c->forward(x);
  CHECK(out.sizes() == Shape{1, 1, 2, 7, 8});
  // r = n - 1 - floor(n/2): rx = 0, ry = 2
  CHECK_ALLCLOSE(out[0][0][1].narrow(0, 3, 2).narrow(1, 2, 5), w);
  CHECK(out[0][0][0].abs().sum().item<double>() == 0.0);
  c->gaussian(0.2);
  CHECK(c->weight.sizes() == Shape{1, 1, 13, 13});
  Tensor flat = c->forward(full({1, 1, 3, 5, 5}, 2.0, kFloat64));
  CHECK_ALLCLOSE(flat, full({1, 1, 3, 5, 5}, 2.0 * c->weight.sum().item<double>(), kFloat64));
  // gradcheck through input, weight and bias
  Conv2d small(2, 1, Shape{2, 3});
  small->to(kFloat64);
  manual_seed(13);
  small->set_weight(randn({1, 2, 2, 3}, kFloat64));
  Tensor in = randn({1, 2, 2, 3, 4}, kFloat64).requires_grad_(true);
  auto r = autograd::gradcheck([&](const autograd::variable_list& v) { return small->forward(v[0]); },
                               {in, small->weight, small->bias});
  INFO(r.message);
  CHECK(r.ok);
  CHECK_THROWS_WITH(Conv2dImpl(1, 1, {3}), Catch::Contains("[Conv2d] expected a kernel_size of two"));
}
