// filters::SmoothConv (docs/convis-toolbox.md 1.4).
#include "helpers.h"

#include "convis/nn/convis/filters/smooth_conv.h"

using namespace convis;
using namespace convis::filters;

TEST_CASE("SmoothConv: a sum of spatially filtered low-pass stages; chunking is exact", "[convis][conv_filters]") {
  manual_seed(15);
  SmoothConv sc;
  CHECK(sc->e.size() == 3);
  CHECK(sc->g.size() == 3);
  CHECK(sc->g[0]->kernel_size() == Shape{1, 10, 10});
  for (const auto& lp : sc->e) {
    CHECK_FALSE(lp->tau.requires_grad());
    CHECK(lp->tau.item<double>() == Approx(0.1));
  }
  CHECK(sc->get_state().size() >= 3);
  Tensor video = rand({30, 12, 11});
  Tensor whole = (*sc)(video);
  CHECK(whole.sizes() == Shape{1, 1, 30, 12, 11});
  for (int64_t dt : {1, 7}) {
    sc->clear_state();
    CHECK_ALLCLOSE_TOL(sc->run(video, dt)[0], whole, 1e-5, 1e-6);
  }
  sc->clear_state();
  Tensor parts = sc->get_all_components(video);
  CHECK(parts.sizes() == Shape{1, 3, 30, 12, 11});
  CHECK_ALLCLOSE_TOL(parts.sum({1}, true), whole, 1e-5, 1e-6);
  // with a 1x1 spatial filter, stage i is g_i times i + 1 low-passes in a row
  SmoothConv point(2, 0.01, Shape{1, 1});
  Tensor x = rand({1, 1, 20, 2, 2});
  TemporalLowPassFilterRecursive lp1;
  TemporalLowPassFilterRecursive lp2;
  {
    NoGradGuard no_grad;
    lp1->tau.fill_(0.01);
    lp2->tau.fill_(0.01);
  }
  Tensor once = lp1->forward(x);
  Tensor twice = lp2->forward(once);
  Tensor expected = once * point->g[0]->weight.item<double>() + twice * point->g[1]->weight.item<double>();
  CHECK_ALLCLOSE(point->forward(x), expected);
  CHECK_THROWS_WITH(SmoothConvImpl(0), Catch::Contains("[SmoothConv] expected at least one stage"));
}
