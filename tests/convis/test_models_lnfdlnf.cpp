// tests/convis/test_models_lnfdlnf.cpp: LNFDLNF (docs/convis-toolbox.md 1.8).
#include "helpers.h"

#include "convis/nn/convis/models/lnfdlnf.h"

using namespace convis;
using namespace convis::models;

TEST_CASE("LNFDLNF: shapes, zero feedback at first, exact chunked runs", "[convis][models]") {
  manual_seed(13);
  LNFDLNF m(Shape{3, 3, 3}, false, 6);
  CHECK(m->feedback1->weight.sizes() == Shape{1, 1, 6, 1, 1});
  CHECK(m->feedback1->weight.abs().sum().item<double>() == 0.0);
  m->to(kFloat64);
  m->conv1->set_weight(rand({3, 3, 3}, kFloat64));
  m->conv2->set_weight(rand({3, 3, 3}, kFloat64));
  Tensor x = rand({25, 5, 5}, kFloat64);
  // zero feedback and no delay: LN followed by LN
  LN a(Shape{3, 3, 3});
  LN b(Shape{3, 3, 3});
  a->to(kFloat64);
  b->to(kFloat64);
  a->conv->set_weight(m->conv1->weight.flip({2, 3, 4}).reshape({3, 3, 3}));
  b->conv->set_weight(m->conv2->weight.flip({2, 3, 4}).reshape({3, 3, 3}));
  CHECK_ALLCLOSE((*m)(x), (*b)((*a)(x)));
  m->feedback1->set_weight(0.1 * rand({6}, kFloat64));
  m->feedback2->set_weight(0.1 * rand({6}, kFloat64));
  m->clear_state();
  Tensor whole = (*m)(x);
  CHECK(whole.sizes() == Shape{1, 1, 25, 5, 5});
  for (int64_t dt : {1, 4, 7, 25}) {
    m->clear_state();
    CHECK_ALLCLOSE_TOL(m->run(x, dt)[0], whole, 0.0, 1e-12);
  }
  LNFDLNF rf(Shape{2, 1, 1}, false, 50, false);
  CHECK((*rf)(rand({10, 4, 4})).sizes() == Shape{1, 1, 10, 1, 1});
  CHECK(rf->get_parameters().size() >= 4);
}
