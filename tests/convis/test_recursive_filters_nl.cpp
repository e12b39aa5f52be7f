// The nonlinearities (docs/convis-toolbox.md section 2 item 25), filters::sum, and
// ExponentialKernel against exponential_filter_1d (section 1.5 numbers).
#include "helpers.h"

#include <cmath>

#include "convis/autograd/gradcheck.h"
#include "convis/nn/convis/filters/exponential_kernel.h"
#include "convis/nn/convis/filters/kernels.h"
#include "convis/nn/convis/filters/nonlinearities.h"

using namespace convis;
using namespace convis::filters;
using convis_test::set_no_grad;
using convis_test::values;

TEST_CASE("NLRectify clamps to [0, 1e6] (item 25)", "[convis][recursive_filters]") {
  NLRectify nl;
  CHECK(nl->parameters().empty());
  Tensor x = tensor({-3.0, 0.0, 0.5, 2e6}).reshape({1, 1, 4, 1, 1});
  CHECK(values(nl->forward(x)) == std::vector<double>{0, 0, 0.5, 1e6});
  // (T, X, Y) input is broadcast to 5-D by the Layer call
  CHECK((*nl)(ones({2, 3, 3})).sizes() == Shape{1, 1, 2, 3, 3});
}

TEST_CASE("NLRectifyScale, NLSquare, NLRectifySquare with scale and bias", "[convis][recursive_filters]") {
  Tensor x = tensor({-1.0, 0.0, 1.0, 3.0});
  NLRectifyScale rs;
  NLSquare sq;
  NLRectifySquare rsq;
  CHECK(rs->scale.item<double>() == 1.0);
  CHECK(rs->bias.item<double>() == 0.0);
  CHECK(rs->named_parameters().size() == 2);
  CHECK(values(rs->forward(x)) == std::vector<double>{0, 0, 1, 3});
  CHECK(values(sq->forward(x)) == std::vector<double>{1, 0, 1, 9});
  CHECK(values(rsq->forward(x)) == std::vector<double>{0, 0, 1, 9});
  for (ScaledNonlinearityImpl* nl : std::initializer_list<ScaledNonlinearityImpl*>{rs.get(), sq.get(), rsq.get()}) {
    set_no_grad(nl->scale, 2.0);
    set_no_grad(nl->bias, -1.0);
  }
  // bias + scale x = -3, -1, 1, 5
  CHECK(values(rs->forward(x)) == std::vector<double>{0, 0, 1, 5});
  CHECK(values(sq->forward(x)) == std::vector<double>{9, 1, 1, 25});
  CHECK(values(rsq->forward(x)) == std::vector<double>{0, 0, 1, 25});
  CHECK(values(rsq->forward(full({1}, 1e7)))[0] == Approx(1e12));
  // scale and bias are fitted: gradients reach them
  rsq->to(kFloat64);
  auto r = autograd::gradcheck([&](const autograd::variable_list& in) { return rsq->forward(in[0]); },
                               {tensor({-0.7, 0.8, 1.3, 2.0}, dtype(kFloat64).requires_grad(true)), rsq->scale, rsq->bias});
  INFO(r.message);
  CHECK(r.ok);
}

TEST_CASE("filters::sum concatenates and sums along dim, keeping it", "[convis][recursive_filters]") {
  Tensor a = full({1, 1, 2, 2, 2}, 1.0), b = full({1, 1, 2, 2, 2}, 2.5);
  Tensor s = filters::sum({a, b}, 0);
  CHECK(s.sizes() == Shape{1, 1, 2, 2, 2});
  CHECK(values(s) == std::vector<double>(8, 3.5));
  Tensor c = full({1, 2, 2, 2, 2}, 1.0);
  Tensor s1 = filters::sum({a, c}, 1);  // 1 + 2 channels of ones summed
  CHECK(s1.sizes() == Shape{1, 1, 2, 2, 2});
  CHECK(values(s1) == std::vector<double>(8, 3.0));
  CHECK_THROWS_WITH(filters::sum({}, 0), Catch::Contains("[filters::sum] expected at least one tensor"));
}

TEST_CASE("ExponentialKernel equals exponential_filter_1d and is differentiable", "[convis][recursive_filters]") {
  ExponentialKernel k(0.01);
  Tensor w = k->forward();
  CHECK(w.sizes() == Shape{47});
  CHECK(values(w)[0] == Approx(0.0961).margin(1e-4));
  CHECK(w.sum().item<double>() == Approx(1.0004).margin(1e-4));
  CHECK_ALLCLOSE(w, exponential_filter_1d(0.01));
  ExponentialOptions o;
  o.n = 2;
  o.amplification = 0.5;
  ExponentialKernel k2(0.005, 2, 0.5);
  CHECK_ALLCLOSE(k2->forward(), exponential_filter_1d(0.005, o));
  ExponentialKernel fixed(0.01, 0, 1.0, 20);
  CHECK(fixed->forward().size(0) == 20);
  CHECK_ALLCLOSE(fixed->forward(), exponential_filter_1d(0.01).narrow(0, 0, 20));

  for (auto* gen : {k.get(), k2.get()}) {
    gen->to(kFloat64);
    auto r = autograd::gradcheck([&](const autograd::variable_list&) { return gen->forward(); },
                                 {gen->tau, gen->amplification});
    INFO(r.message);
    CHECK(r.ok);
  }
  CHECK_THROWS_WITH(std::make_shared<ExponentialKernelImpl>(-0.01), Catch::Contains("[ExponentialKernel] expected a positive tau"));
}
