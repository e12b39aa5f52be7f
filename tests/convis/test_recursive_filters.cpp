// The recursive filters: TemporalLowPassFilterRecursive and TemporalHighPassFilterRecursive
// (docs/convis-toolbox.md section 2 items 9-13: step responses, chunk invariance for every chunk
// size, no gradient through chunk history, push/pop, gradchecks) and SpatialRecursiveFilter.
#include "helpers.h"

#include <cmath>

#include "convis/autograd/gradcheck.h"
#include "convis/nn/convis/filters/recursive.h"

using namespace convis;
using convis::filters::SpatialRecursiveFilter;
using convis::filters::TemporalHighPassFilterRecursive;
using convis::filters::TemporalLowPassFilterRecursive;
using convis_test::chunked;
using convis_test::set_no_grad;
using convis_test::values;

TEST_CASE("recursive low-pass: step response of tau = 10 ms (item 12)", "[convis][recursive_filters]") {
  TemporalLowPassFilterRecursive lp;
  CHECK(lp->tau.requires_grad());
  CHECK(lp->tau.item<double>() == Approx(0.01));
  CHECK(lp->parameter_doc("tau").find("seconds") != std::string::npos);
  Tensor y = lp->forward(ones({1, 1, 200, 1, 1}));
  CHECK(y.sizes() == Shape{1, 1, 200, 1, 1});
  auto v = values(y);
  CHECK(v[0] == Approx(0.0952).margin(1e-4));
  CHECK(v[1] == Approx(0.1814).margin(1e-4));
  CHECK(v[9] == Approx(0.6326).margin(1e-4));
  CHECK(v[199] == Approx(1.0008).margin(1e-4));
  // y[0] = (1 + e) dt / (2 tau), e = exp(-0.1)
  CHECK(v[0] == Approx((1 + std::exp(-0.1)) * 0.05).epsilon(1e-6));
}

TEST_CASE("recursive low-pass: identical output for every chunk size 1..T (items 9, 12)",
          "[convis][recursive_filters]") {
  manual_seed(11);
  Tensor x = rand({2, 1, 23, 3, 2}, kFloat64);
  TemporalLowPassFilterRecursive lp;
  lp->to(kFloat64);
  Tensor whole = lp->forward(x);
  for (int64_t dt = 1; dt <= 23; ++dt) {
    INFO("chunk size " << dt);
    lp->clear_state();
    CHECK_ALLCLOSE_TOL(chunked(*lp, x, dt), whole, 1e-12, 1e-12);
  }
  lp->clear_state();
  CHECK_ALLCLOSE_TOL(lp->run(x, 7)[0], whole, 1e-12, 1e-12);
  // A then B equals the tail of A||B; clear_state gives the fresh output again.
  lp->clear_state();
  lp->forward(x.narrow(2, 0, 10));
  CHECK_ALLCLOSE_TOL(lp->forward(x.narrow(2, 10, 13)), whole.narrow(2, 10, 13), 1e-12, 1e-12);
  lp->clear_state();
  CHECK_ALLCLOSE_TOL(lp->forward(x), whole, 1e-12, 1e-12);
}

TEST_CASE("recursive low-pass: state is the unnormalised y, stored detached (item 10)",
          "[convis][recursive_filters]") {
  TemporalLowPassFilterRecursive lp;
  lp->forward(ones({1, 1, 1, 1, 1}));
  Tensor y = lp->get_state()["y"];
  CHECK(y.sizes() == Shape{1, 1, 1, 1, 1});
  CHECK(y.item<double>() == Approx(1 + std::exp(-0.1)));
  CHECK_FALSE(y.requires_grad());

  lp->clear_state();
  Tensor a = rand({1, 1, 5, 2, 2}).requires_grad_(true);
  Tensor b = rand({1, 1, 5, 2, 2}).requires_grad_(true);
  lp->forward(a);
  lp->forward(b).sum().backward();
  CHECK_FALSE(a.grad().defined());  // no path from chunk 1's input to chunk 2's loss
  REQUIRE(b.grad().defined());
  REQUIRE(lp->tau.grad().defined());
  CHECK(std::abs(lp->tau.grad().item<double>()) > 0);
}

TEST_CASE("recursive low-pass: push_state / pop_state restore the state (item 11)", "[convis][recursive_filters]") {
  manual_seed(2);
  TemporalLowPassFilterRecursive lp;
  lp->forward(rand({1, 1, 8, 2, 2}));
  Tensor b = rand({1, 1, 6, 2, 2});
  lp->push_state();
  Tensor first = lp->forward(b);
  lp->pop_state();
  CHECK_ALLCLOSE_TOL(lp->forward(b), first, 0, 0);
}

TEST_CASE("recursive low-pass: gradcheck in tau and the input (f64)", "[convis][recursive_filters]") {
  manual_seed(4);
  TemporalLowPassFilterRecursive lp;
  lp->to(kFloat64);
  set_no_grad(lp->tau, 0.004);
  Tensor x = rand({1, 2, 6, 2, 3}, dtype(kFloat64).requires_grad(true));
  lp->keep_state_graph(true);  // so that the first chunk's input reaches the second chunk's output
  auto f = [&](const autograd::variable_list& in) {
    lp->clear_state();
    lp->forward(in[0].narrow(2, 0, 2));  // a state from an earlier chunk, too
    return lp->forward(in[0].narrow(2, 2, 4));
  };
  auto r = autograd::gradcheck(f, {x, lp->tau});
  INFO(r.message);
  CHECK(r.ok);
}

TEST_CASE("recursive low-pass: errors", "[convis][recursive_filters]") {
  TemporalLowPassFilterRecursive lp;
  CHECK_THROWS_WITH(lp->forward(ones({2, 3, 4})), Catch::Contains("[TemporalLowPassFilterRecursive] expected a 5-D"));
  lp->forward(ones({1, 1, 3, 4, 4}));
  CHECK_THROWS_WITH(lp->forward(ones({1, 1, 3, 5, 4})), Catch::Contains("call clear_state()"));
  lp->clear_state();
  CHECK(lp->forward(ones({1, 1, 3, 5, 4})).sizes() == Shape{1, 1, 3, 5, 4});
  set_no_grad(lp->tau, 0.0);
  CHECK_THROWS_WITH(lp->forward(ones({1, 1, 3, 5, 4})), Catch::Contains("expected a positive time constant tau"));
}

TEST_CASE("recursive high-pass: step response with k = 1 (item 13)", "[convis][recursive_filters]") {
  TemporalHighPassFilterRecursive hp;
  CHECK(hp->tau.item<double>() == Approx(0.01));
  CHECK(hp->k.item<double>() == Approx(0.5));
  set_no_grad(hp->k, 1.0);
  auto v = values(hp->forward(ones({1, 1, 200, 1, 1})));
  CHECK(v[0] == Approx(0.9048).margin(1e-4));
  CHECK(v[1] == Approx(0.8186).margin(1e-4));
  CHECK(v[199] == Approx(-0.0008).margin(1e-4));
  // x[t] - k * low-pass of the one-frame-delayed input (x[-1] = x[0] when fresh)
  TemporalLowPassFilterRecursive lp;
  auto l = values(lp->forward(ones({1, 1, 200, 1, 1})));
  for (size_t t : {0, 5, 50, 199}) CHECK(v[t] == Approx(1 - l[t]).margin(1e-6));
}

TEST_CASE("recursive high-pass: identical output for every chunk size 1..T", "[convis][recursive_filters]") {
  manual_seed(12);
  Tensor x = rand({1, 2, 21, 2, 3}, kFloat64);
  TemporalHighPassFilterRecursive hp;
  hp->to(kFloat64);
  Tensor whole = hp->forward(x);
  for (int64_t dt = 1; dt <= 21; ++dt) {
    INFO("chunk size " << dt);
    hp->clear_state();
    CHECK_ALLCLOSE_TOL(chunked(*hp, x, dt), whole, 1e-12, 1e-12);
  }
  hp->clear_state();
  CHECK_ALLCLOSE_TOL(hp->run(x, 4)[0], whole, 1e-12, 1e-12);
  // The state holds the delayed recursion and the last input frame, both detached.
  auto state = hp->get_state();
  CHECK(state["last_input"].sizes() == Shape{1, 2, 1, 2, 3});
  CHECK_ALLCLOSE_TOL(state["last_input"], x.narrow(2, 20, 1), 0, 0);
  CHECK_FALSE(state["z"].requires_grad());
}

TEST_CASE("recursive high-pass: gradcheck in tau, k and the input (f64)", "[convis][recursive_filters]") {
  manual_seed(6);
  TemporalHighPassFilterRecursive hp;
  hp->to(kFloat64);
  set_no_grad(hp->tau, 0.005);
  Tensor x = rand({1, 1, 7, 2, 2}, dtype(kFloat64).requires_grad(true));
  hp->keep_state_graph(true);
  auto f = [&](const autograd::variable_list& in) {
    hp->clear_state();
    hp->forward(in[0].narrow(2, 0, 3));
    return hp->forward(in[0].narrow(2, 3, 4));
  };
  auto r = autograd::gradcheck(f, {x, hp->tau, hp->k});
  INFO(r.message);
  CHECK(r.ok);
}

TEST_CASE("SpatialRecursiveFilter: a symmetric Gaussian-like blur; gaussian(sigma) sets density",
          "[convis][recursive_filters]") {
  SpatialRecursiveFilter sp;
  CHECK(sp->density.item<double>() == Approx(1.0));
  sp->gaussian(0.2);  // 2 px at 10 px per degree
  CHECK(sp->density.item<double>() == Approx(0.5));
  sp->to(kFloat64);
  Tensor impulse = zeros({1, 1, 1, 31, 31}, kFloat64);
  impulse.index_put_({0, 0, 0, 15, 15}, 1.0);
  Tensor h = sp->forward(impulse).select(2, 0).select(1, 0).select(0, 0);
  CHECK(h.sum().item<double>() == Approx(1.0).margin(0.01));
  CHECK_ALLCLOSE_TOL(h, h.flip({0}), 1e-12, 1e-12);  // symmetric in x
  CHECK_ALLCLOSE_TOL(h, h.t(), 1e-12, 1e-12);        // the same in y
  // Deriche's closed form k (alpha |n| + 1) exp(-alpha |n|) per axis, alpha = 1.695 / sigma ...
  Tensor r = arange(-15, 16, kFloat64);
  double alpha = 1.695 / 2, ea = std::exp(-alpha);
  double k = (1 - ea) * (1 - ea) / (1 + 2 * alpha * ea - ea * ea);
  Tensor d1 = (r.abs() * alpha + 1.0) * exp(r.abs() * -alpha) * k;
  CHECK_ALLCLOSE_TOL(h, outer(d1, d1), 1e-10, 1e-14);
  // ... which is near the Gaussian of sigma = 2 px.
  Tensor g1 = exp(-(r * r) / 8.0) / std::sqrt(2 * M_PI * 4.0);
  CHECK_ALLCLOSE_TOL(h, outer(g1, g1), 0, 6e-3);
  // Stateless: a second call gives the same.
  CHECK_ALLCLOSE_TOL(sp->forward(impulse).select(2, 0).select(1, 0).select(0, 0), h, 0, 0);
}

TEST_CASE("SpatialRecursiveFilter: zero boundary on both sides", "[convis][recursive_filters]") {
  SpatialRecursiveFilter sp;
  sp->to(kFloat64);
  set_no_grad(sp->density, 0.4);
  // A linear filter with zeros outside: an impulse on the border gives the truncated response
  // of an impulse in the middle, at either border.
  Tensor mid = zeros({1, 1, 1, 1, 41}, kFloat64), left = zeros({1, 1, 1, 1, 21}, kFloat64);
  mid.index_put_({0, 0, 0, 0, 20}, 1.0);
  left.index_put_({0, 0, 0, 0, 0}, 1.0);
  Tensor h_mid = sp->forward(mid).flatten();
  CHECK_ALLCLOSE_TOL(sp->forward(left).flatten(), h_mid.narrow(0, 20, 21), 1e-12, 1e-14);
  Tensor right = left.flip({4});
  CHECK_ALLCLOSE_TOL(sp->forward(right).flatten(), h_mid.narrow(0, 0, 21), 1e-12, 1e-14);
}

TEST_CASE("SpatialRecursiveFilter: gradcheck in the input and density (f64)", "[convis][recursive_filters]") {
  manual_seed(8);
  SpatialRecursiveFilter sp;
  sp->to(kFloat64);
  set_no_grad(sp->density, 0.7);
  Tensor x = rand({1, 1, 2, 4, 5}, dtype(kFloat64).requires_grad(true));
  auto r = autograd::gradcheck([&](const autograd::variable_list& in) { return sp->forward(in[0]); }, {x, sp->density});
  INFO(r.message);
  CHECK(r.ok);
  CHECK_THROWS_WITH(sp->forward(ones({4, 5})), Catch::Contains("[SpatialRecursiveFilter] expected a 5-D"));
  CHECK_THROWS_WITH(sp->gaussian(0), Catch::Contains("expected a positive sigma"));
}

TEST_CASE("recursive filters without gradients: the bits of the graph path, one allocation per chunk",
          "[convis][recursive_filters]") {
  // Note [Recursive filters without gradients]: the no-grad path computes every value by the same
  // operations as the differentiable one, and a chunk allocates only its output.
  manual_seed(12);
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor x = rand({2, 3, 29, 4, 5}, dtype);
    TemporalLowPassFilterRecursive graph_lp, lp;
    TemporalHighPassFilterRecursive graph_hp, hp;
    for (auto* m : {static_cast<Layer*>(graph_lp.get()), static_cast<Layer*>(lp.get()), static_cast<Layer*>(graph_hp.get()),
                    static_cast<Layer*>(hp.get())})
      m->to(dtype);
    for (int64_t dt : {1, 4, 29}) {
      INFO(dtype_name(dtype) << ", chunks of " << dt);
      for (auto* m : {static_cast<Layer*>(graph_lp.get()), static_cast<Layer*>(lp.get()),
                      static_cast<Layer*>(graph_hp.get()), static_cast<Layer*>(hp.get())})
        m->clear_state();
      Tensor want_lp = graph_lp->run(x, dt)[0], want_hp = graph_hp->run(x, dt)[0];  // tau requires grad
      REQUIRE(want_lp.requires_grad());
      NoGradGuard no_grad;
      CHECK(convis_test::same_bits(lp->run(x, dt)[0], want_lp.detach()));
      CHECK(convis_test::same_bits(hp->run(x, dt)[0], want_hp.detach()));
    }
  }
  NoGradGuard no_grad;
  Tensor x = rand({1, 1, 60, 8, 8});
  TemporalLowPassFilterRecursive lp;
  TemporalHighPassFilterRecursive hp;
  lp->forward(x.narrow(2, 0, 10)), hp->forward(x.narrow(2, 0, 10));  // the first chunk sets up the buffers
  const int64_t before = cpu_memory_stats().allocations;
  for (int64_t t = 10; t < 60; t += 10) lp->forward(x.narrow(2, t, 10)), hp->forward(x.narrow(2, t, 10));
  CHECK(cpu_memory_stats().allocations - before == 10);  // the ten outputs
  // pop_state puts copies into the slots: the next chunk continues from them (into a new buffer).
  TemporalHighPassFilterRecursive fresh;
  Tensor whole = fresh->forward(x.narrow(2, 0, 20));
  hp->clear_state();
  hp->forward(x.narrow(2, 0, 10));
  hp->push_state();
  hp->forward(x.narrow(2, 30, 7));
  hp->pop_state();
  CHECK(convis_test::same_bits(hp->forward(x.narrow(2, 10, 10)), whole.narrow(2, 10, 10)));
}
