// In-place elementwise ops: views, aliasing, the version counter, dtype casts, errors.
#include <cmath>
#include <limits>

#include "helpers.h"

using namespace convis;

namespace {

std::vector<double> vals(const Tensor& t) {
  Tensor c = t.to(kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// [[0, 1, 2], [3, 4, 5]] as float32.
Tensor grid() { return arange(6).view({2, 3}).to(kFloat32); }

}  // namespace

TEST_CASE("in-place ops write through transposed and stepped views", "[elementwise]") {
  Tensor base = grid();
  Tensor t = base.t();  // [3, 2], strides [1, 3]
  t.add_(tensor({10.0, 20.0}));
  CHECK(vals(base) == std::vector<double>{10, 11, 12, 23, 24, 25});
  Tensor row = arange(10).to(kFloat64);
  Tensor every_other = row.slice(0, 1, std::nullopt, 3);  // elements 1, 4, 7
  every_other.mul_(-1);
  CHECK(vals(row) == std::vector<double>{0, -1, 2, 3, -4, 5, 6, -7, 8, 9});
  every_other.clamp_(-5, std::nullopt);
  CHECK(vals(row) == std::vector<double>{0, -1, 2, 3, -4, 5, 6, -5, 8, 9});
  Tensor col = base.select(1, 2);  // [12, 25], stride 3
  col.sqrt_();
  CHECK(vals(base)[2] == Approx(std::sqrt(12.0)));
  CHECK(vals(base)[5] == 5.0);
  Tensor g = grid();
  g.t().masked_fill_(tensor({true, false}), -1.0);  // column 0 of the transpose = row 0 of g
  CHECK(vals(g) == std::vector<double>{-1, -1, -1, 3, 4, 5});
}

TEST_CASE("in-place ops bump the version once and return self", "[elementwise]") {
  Tensor x = grid();
  Tensor view = x.t();
  uint32_t v0 = x.storage()->version();
  Tensor& r = x.add_(1);
  CHECK(&r == &x);
  CHECK(x.storage()->version() == v0 + 1);
  view.exp_();
  CHECK(x.storage()->version() == v0 + 2);
  x.mul_(tensor(2.0, kFloat64));  // computed in float64, cast back: still one bump
  CHECK(x.storage()->version() == v0 + 3);
  x.clamp_(0.0, std::numeric_limits<double>::quiet_NaN());
  CHECK(x.storage()->version() == v0 + 4);
  x.masked_fill_(ones({2, 3}, kBool), 0.0);
  CHECK(x.storage()->version() == v0 + 5);
  CHECK(grid().add(1).storage()->version() == 0);
}

TEST_CASE("in-place ops on operands that overlap self", "[elementwise]") {
  Tensor x = grid();
  x.add_(x);
  CHECK(vals(x) == std::vector<double>{0, 2, 4, 6, 8, 10});
  Tensor sq = arange(9).view({3, 3}).to(kFloat32);
  sq.mul_(sq.t());  // must read the original transpose, not half-updated values
  CHECK(vals(sq) == std::vector<double>{0, 3, 12, 3, 16, 35, 12, 35, 64});
  Tensor y = grid();
  y.sub_(y.select(0, 0));  // row 0 broadcast over y, overlapping its first row
  CHECK(vals(y) == std::vector<double>{0, 0, 0, 3, 3, 3});
  Tensor z = arange(5).to(kFloat64);
  z.slice(0, 1).add_(z.slice(0, 0, 4));  // shifted overlap: z[1:] += z[:4]
  CHECK(vals(z) == std::vector<double>{0, 1, 3, 5, 7});
  Tensor m = arange(6).view({2, 3});
  m.pow_(m.select(1, 1).unsqueeze(1));  // exponents 1 and 4
  CHECK(vals(m) == std::vector<double>{0, 1, 2, 81, 256, 625});
}

TEST_CASE("in-place dtype rules follow LibTorch's canCast", "[elementwise]") {
  Tensor f = tensor({1.5, -2.5});
  f.add_(tensor({1, 2}));
  CHECK(f.dtype() == kFloat32);
  CHECK(vals(f) == std::vector<double>{2.5, -0.5});
  f.add_(tensor({0.25, 0.25}, kFloat64));
  CHECK(vals(f) == std::vector<double>{2.75, -0.25});
  Tensor b = tensor({true, false});
  b.add_(tensor({false, true}));
  CHECK(vals(b) == std::vector<double>{1, 1});
  Tensor i = tensor({7, -7});
  i.remainder_(3);
  CHECK(vals(i) == std::vector<double>{1, 2});
  i.mul_(tensor({true, false}));
  CHECK(vals(i) == std::vector<double>{1, 0});
  CHECK_THROWS_WITH(tensor({1, 2}).div_(2), Catch::Contains("[div_] expected a result castable to self's dtype, got "
                                                            "result type float32 that can't be cast to the desired "
                                                            "output type int64"));
  CHECK_THROWS_WITH(tensor({1, 2}).add_(tensor({1.0, 2.0})), Catch::Contains("can't be cast to the desired output "
                                                                             "type int64"));
  CHECK_THROWS_WITH(tensor({1, 2}).add_(tensor(2.5, kFloat64)), Catch::Contains("result type float64"));
  CHECK_THROWS_WITH(tensor({true}).add_(1), Catch::Contains("result type int64 that can't be cast to the desired "
                                                            "output type bool"));
  CHECK_THROWS_WITH(tensor({1, 2}).exp_(), Catch::Contains("[exp_] expected a result castable"));
  CHECK_THROWS_WITH(tensor({1, 2}).clamp_(0.5), Catch::Contains("[clamp_] expected a result castable"));
  CHECK_THROWS_WITH(tensor({true}).square_(), Catch::Contains("[square_] expected a result castable"));
  CHECK_THROWS_WITH(tensor({true}).sub_(tensor({true})), Catch::Contains("[sub_] expected non-bool operands"));
  // a failed check leaves self untouched
  Tensor keep = tensor({1, 2});
  CHECK_THROWS(keep.div_(2));
  CHECK(vals(keep) == std::vector<double>{1, 2});
}

TEST_CASE("in-place ops keep self's shape", "[elementwise]") {
  Tensor x = zeros({3});
  CHECK_THROWS_WITH(x.add_(zeros({2, 3})), Catch::Contains("[add_] expected the operands to broadcast to self's "
                                                           "shape [3], got the broadcast shape [2, 3]"));
  CHECK_THROWS_WITH(x.masked_fill_(ones({2, 3}, kBool), 1.0), Catch::Contains("[masked_fill_] expected the "
                                                                              "operands to broadcast"));
  CHECK_THROWS_WITH(zeros({2, 3}).mul_(zeros({4})), Catch::Contains("[mul_] shapes [2, 3] and [4]"));
  CHECK_THROWS_WITH(zeros({1, 3}).expand({2, 3}).add_(1), Catch::Contains("[add_] expected a self whose elements "
                                                                          "are distinct in memory"));
  Tensor y = zeros({2, 3});
  y.add_(tensor({1.0, 2.0, 3.0}));
  y.add_(tensor(1.0));
  CHECK(vals(y) == std::vector<double>{2, 3, 4, 2, 3, 4});
}

TEST_CASE("every in-place form equals its out-of-place op on a strided view", "[elementwise]") {
  using Fn = Tensor (*)(const Tensor&);
  using Method = Tensor& (Tensor::*)() const;
  const std::vector<std::pair<Fn, Method>> ops = {
      {&abs, &Tensor::abs_},     {&neg, &Tensor::neg_},     {&sign, &Tensor::sign_},       {&exp, &Tensor::exp_},
      {&log, &Tensor::log_},     {&log1p, &Tensor::log1p_}, {&expm1, &Tensor::expm1_},     {&sqrt, &Tensor::sqrt_},
      {&rsqrt, &Tensor::rsqrt_}, {&square, &Tensor::square_}, {&sin, &Tensor::sin_},       {&cos, &Tensor::cos_},
      {&tanh, &Tensor::tanh_},   {&sigmoid, &Tensor::sigmoid_}, {&relu, &Tensor::relu_},   {&floor, &Tensor::floor_},
      {&ceil, &Tensor::ceil_},   {&round, &Tensor::round_}, {&reciprocal, &Tensor::reciprocal_}};
  for (size_t k = 0; k < ops.size(); ++k) {
    INFO("op #" << k);
    Tensor base = linspace(-2.3, 2.9, 24, kFloat64).view({4, 6});
    Tensor view = base.slice(1, 0, std::nullopt, 2).t();  // [3, 4], strides [2, 6]
    Tensor expected = ops[k].first(view);
    (view.*ops[k].second)();
    CHECK_ALLCLOSE(view, expected);
    CHECK(vals(base)[1] == Approx(-2.3 + 5.2 / 23));  // odd columns untouched
  }
  Tensor p = linspace(0.5, 2.0, 6).view({2, 3});
  Tensor q = p.t();
  CHECK_ALLCLOSE(q.clone().pow_(2.5), pow(q, 2.5));
  CHECK_ALLCLOSE(q.clone().div_(q), ones({3, 2}));
  CHECK_ALLCLOSE(q.clone().sub_(q, 2), neg(q));
  CHECK_ALLCLOSE(q.clone().clamp_min_(1.0), clamp_min(q, 1.0));
  CHECK_ALLCLOSE(q.clone().clamp_max_(1.0), clamp_max(q, 1.0));
  CHECK_ALLCLOSE(q.clone().remainder_(0.75), remainder(q, 0.75));
}
