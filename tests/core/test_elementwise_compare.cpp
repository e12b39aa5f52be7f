// Comparisons, logic, where, masked_fill, and whole-tensor comparisons.
#include <cmath>
#include <limits>

#include "helpers.h"

using namespace convis;

namespace {

std::vector<int64_t> ivals(const Tensor& t) {
  Tensor c = t.to(kInt64).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}
std::vector<double> vals(const Tensor& t) {
  Tensor c = t.to(kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}
const double kNan = std::numeric_limits<double>::quiet_NaN();
using B = std::vector<int64_t>;

}  // namespace

TEST_CASE("comparisons run in the promoted dtype and give bool", "[elementwise]") {
  Tensor i = tensor({1, 2, -3});
  Tensor f = tensor({1.5, kNan, -3.0});
  CHECK((i == 2).dtype() == kBool);
  CHECK(ivals(i == 2) == B{0, 1, 0});
  CHECK(ivals(i == 2.5) == B{0, 0, 0});
  CHECK(ivals(i < 1.5) == B{1, 0, 1});
  CHECK(ivals(i < f) == B{1, 0, 0});
  CHECK(ivals(i <= f) == B{1, 0, 1});
  CHECK(ivals(f != f) == B{0, 1, 0});  // NaN != NaN
  CHECK(ivals(f == f) == B{1, 0, 1});
  CHECK(ivals(f > -3) == B{1, 0, 0});
  CHECK(ivals(f >= -3) == B{1, 0, 1});
  CHECK(ivals(tensor({true, false}) == 1) == B{1, 0});
  CHECK(ivals(eq(tensor({true, false}), tensor({true, true}))) == B{1, 0});
  CHECK(ivals(i.gt(tensor({0, 5, -4}))) == B{1, 0, 1});
  CHECK(ivals(i.le(2)) == B{1, 1, 1});
  CHECK(ivals(i.ne(tensor(2))) == B{1, 0, 1});
  CHECK(ivals(i.ge(i)) == B{1, 1, 1});
  CHECK(ivals(i.lt(tensor(2.0, kFloat64))) == B{1, 0, 1});
  CHECK(ivals(i.eq(i.t())) == B{1, 1, 1});
  // int64 values beyond float precision still compare exactly against an int
  const int64_t big = (int64_t(1) << 53) + 1;
  CHECK(ivals(tensor({big}) == tensor({big - 1})) == B{0});
  // broadcasting [3,1] with [2]
  Tensor col = arange(3).view({3, 1});
  CHECK((col > tensor({0, 1})).sizes() == Shape{3, 2});
  CHECK(ivals(col > tensor({0, 1})) == B{0, 0, 1, 0, 1, 1});
  CHECK_THROWS_WITH(zeros({2}) < zeros({3}), Catch::Contains("[lt] shapes [2] and [3]"));
}

TEST_CASE("logical ops take any dtype and give bool", "[elementwise]") {
  Tensor i = tensor({0, 2, -3});
  Tensor f = tensor({1.5, 0.0, kNan});
  CHECK(ivals(logical_and(i, f)) == B{0, 0, 1});  // NaN is true
  CHECK(ivals(logical_or(i, f)) == B{1, 1, 1});
  CHECK(ivals(logical_xor(i, f)) == B{1, 1, 0});
  CHECK(ivals(logical_not(f)) == B{0, 1, 0});
  CHECK(ivals(logical_not(i)) == B{1, 0, 0});
  CHECK(ivals(i.logical_not()) == B{1, 0, 0});
  CHECK(logical_not(tensor({true})).dtype() == kBool);
  CHECK(ivals(i.logical_and(tensor(true))) == B{0, 1, 1});
  CHECK(ivals(i.logical_or(tensor({false}))) == B{0, 1, 1});
  CHECK(ivals(i.logical_xor(i)) == B{0, 0, 0});
}

TEST_CASE("isnan, isinf, isfinite on every dtype", "[elementwise]") {
  const double inf = INFINITY;
  for (DType d : {kFloat32, kFloat64}) {
    Tensor f = tensor({1.0, kNan, inf, -inf}, d);
    CHECK(ivals(isnan(f)) == B{0, 1, 0, 0});
    CHECK(ivals(isinf(f)) == B{0, 0, 1, 1});
    CHECK(ivals(isfinite(f)) == B{1, 0, 0, 0});
    CHECK(ivals(f.t().isnan()) == B{0, 1, 0, 0});
  }
  for (Tensor t : {tensor({1, 2}), tensor({true, false})}) {
    CHECK(ivals(isnan(t)) == B{0, 0});
    CHECK(ivals(t.isinf()) == B{0, 0});
    CHECK(ivals(t.isfinite()) == B{1, 1});
    CHECK(isnan(t).dtype() == kBool);
  }
}

TEST_CASE("where: every overload, promotion, broadcasting", "[elementwise]") {
  Tensor c = tensor({true, false, true});
  Tensor i = tensor({1, 2, -3});
  Tensor f = tensor({1.5, -2.5, 0.5});
  CHECK(where(c, 1.0, 0).dtype() == kFloat32);
  CHECK(ivals(where(c, 1, 0)) == B{1, 0, 1});
  CHECK(where(c, 1, 0).dtype() == kInt64);
  CHECK(where(c, true, false).dtype() == kBool);
  CHECK(vals(where(c, i, 2.5)) == std::vector<double>{1, 2.5, -3});
  CHECK(vals(where(c, 7, f)) == std::vector<double>{7, -2.5, 7});
  CHECK(where(c, f, tensor({1.0, 2.0, 3.0}, kFloat64)).dtype() == kFloat64);
  CHECK(where(c, tensor(1.0, kFloat64), f).dtype() == kFloat32);  // a 0-dim tensor only raises the category
  CHECK(where(c, 2, tensor(1.0, kFloat64)).dtype() == kFloat64);
  CHECK(ivals(where(c, c, 2)) == B{1, 2, 1});
  CHECK(vals(f.where(c, i)) == std::vector<double>{1.5, 2, 0.5});
  Tensor r = where(tensor(true), tensor(1), tensor({2.0, 3.0}));
  CHECK((r.dtype() == kFloat32 && r.sizes() == Shape{2}));
  Tensor rows = where(arange(3).view({3, 1}) > 0, arange(4).to(kFloat64), -1);
  CHECK(rows.sizes() == Shape{3, 4});
  CHECK(vals(rows) == std::vector<double>{-1, -1, -1, -1, 0, 1, 2, 3, 0, 1, 2, 3});
  CHECK(vals(where(c.view({3, 1}).t(), f.view({1, 3}), i)) == std::vector<double>{1.5, 2, 0.5});
  CHECK_THROWS_WITH(where(i, i, i), Catch::Contains("[where] expected condition to be a boolean tensor, got a "
                                                    "tensor with dtype int64"));
  CHECK_THROWS_WITH(where(tensor({1.0}), 1, 0), Catch::Contains("[where] expected condition to be a boolean"));
  CHECK_THROWS_WITH(where(c, zeros({2}), 1), Catch::Contains("[where] shapes [3] and [2]"));
}

TEST_CASE("masked_fill keeps x's dtype and broadcasts the mask", "[elementwise]") {
  Tensor i = tensor({1, 2, -3});
  Tensor c = tensor({true, false, true});
  CHECK(i.masked_fill(c, 2.7).dtype() == kInt64);
  CHECK(ivals(i.masked_fill(c, 2.7)) == B{2, 2, 2});
  CHECK(ivals(i.masked_fill(c, tensor(2.7))) == B{2, 2, 2});
  CHECK(ivals(i.masked_fill(c, true)) == B{1, 2, 1});
  CHECK(ivals(tensor({true, false, true}).masked_fill(c, 5)) == B{1, 0, 1});
  Tensor f = tensor({1.5, -2.5, 0.5});
  auto filled = vals(masked_fill(f, c, kNan));
  CHECK((std::isnan(filled[0]) && filled[1] == -2.5 && std::isnan(filled[2])));
  CHECK(vals(masked_fill(zeros({2, 3}), c, 1)) == std::vector<double>{1, 0, 1, 1, 0, 1});
  Tensor grown = masked_fill(zeros({3}), ones({2, 3}, kBool), 1);
  CHECK(grown.sizes() == Shape{2, 3});
  CHECK(vals(masked_fill(f, tensor(true), tensor(4, kInt64))) == std::vector<double>{4, 4, 4});
  Tensor x = arange(6).view({2, 3}).to(kFloat64);
  x.masked_fill_(tensor({true, false}).view({2, 1}), -1);
  CHECK(vals(x) == std::vector<double>{-1, -1, -1, 3, 4, 5});
  x.masked_fill_(tensor({false, true, false}), tensor(9.0));
  CHECK(vals(x) == std::vector<double>{-1, 9, -1, 3, 9, 5});
  Tensor empty_x = zeros({0, 3});
  CHECK(empty_x.masked_fill(c, 1).sizes() == Shape{0, 3});
  CHECK_THROWS_WITH(f.masked_fill(i, 1), Catch::Contains("[masked_fill] expected a mask of dtype bool, got int64"));
  CHECK_THROWS_WITH(f.masked_fill(c, tensor({1.0})), Catch::Contains("[masked_fill] expected a 0-dim value tensor, "
                                                                     "got one with 1 dimension(s)"));
  CHECK_THROWS_WITH(x.masked_fill_(c, tensor({1.0})), Catch::Contains("[masked_fill_] expected a 0-dim value"));
  CHECK_THROWS_WITH(i.masked_fill(c, kNan), Catch::Contains("[masked_fill] expected a value that fits int64, got nan"));
  CHECK_THROWS_WITH(i.masked_fill(c, 1e30), Catch::Contains("without overflow"));
  CHECK_THROWS_WITH(f.masked_fill(tensor({true, false}), 1), Catch::Contains("[masked_fill] shapes [2] and [3]"));
}

TEST_CASE("equal compares shape and values across dtypes", "[elementwise]") {
  CHECK(equal(tensor({1, 2, -3}), tensor({1.0, 2.0, -3.0})));
  CHECK(equal(tensor({true, false}), tensor({1, 0})));
  CHECK_FALSE(equal(tensor({1, 2, -3}), tensor({1, 2, -3}).view({1, 3})));
  CHECK_FALSE(equal(tensor({1, 2}), tensor({1, 3})));
  CHECK_FALSE(equal(tensor({kNan}), tensor({kNan})));
  CHECK(equal(zeros({0, 3}), zeros({0, 3})));
  CHECK(equal(zeros({3}), zeros({1}).expand({3})));
  CHECK(equal(tensor(2.0), tensor(2)));
  Tensor g = arange(6).view({2, 3});
  CHECK(g.t().equal(g.t().contiguous()));
  CHECK_FALSE(g.equal(g.t().contiguous().view({2, 3})));
}

TEST_CASE("isclose and allclose use rtol, atol and equal_nan as LibTorch", "[elementwise]") {
  const double inf = INFINITY;
  Tensor a = tensor({1.0, 1.0, inf, -inf, kNan, 1e-9});
  Tensor b = tensor({1.0 + 1e-6, 1.1, inf, inf, kNan, 0.0});
  CHECK(ivals(isclose(a, b)) == B{1, 0, 1, 0, 0, 1});
  CHECK(ivals(isclose(a, b, 1e-5, 1e-8, true)) == B{1, 0, 1, 0, 1, 1});
  CHECK(ivals(isclose(a, b, 0.0, 0.0)) == B{0, 0, 1, 0, 0, 0});
  CHECK(ivals(isclose(a, b, 0.2, 0.0)) == B{1, 1, 1, 0, 0, 0});
  CHECK(ivals(isclose(tensor({inf}), tensor({-inf}), 0, 1e30)) == B{0});
  CHECK(ivals(isclose(tensor({1, 2}), tensor({1, 3}), 0.5)) == B{1, 1});
  CHECK(ivals(isclose(tensor({1, 2}), tensor({1, 3}))) == B{1, 0});
  CHECK(ivals(isclose(tensor({true}), tensor({false}), 1e-5, 2)) == B{1});
  CHECK(isclose(tensor({1.5}), tensor({1.5}).view({1, 1})).sizes() == Shape{1, 1});
  CHECK(allclose(tensor({1.0, 2.0}), tensor({1.0, 2.0 + 1e-7})));
  CHECK_FALSE(allclose(tensor({1.0, 2.0}), tensor({1.0, 2.1})));
  CHECK(allclose(tensor({kNan}), tensor({kNan}), 1e-5, 1e-8, true));
  CHECK_FALSE(allclose(tensor({kNan}), tensor({kNan})));
  CHECK(allclose(tensor({true, false}), tensor({true, false})));
  CHECK(allclose(zeros({0}), zeros({0})));
  CHECK(tensor({1.0}).allclose(tensor({1.0 + 1e-9})));
  CHECK(ivals(tensor({1.0}).isclose(tensor({1.01}), 0.1)) == B{1});
  CHECK_THROWS_WITH(allclose(tensor({1, 2}), tensor({1.0, 2.0})), Catch::Contains("[isclose] expected tensors of one "
                                                                                  "dtype, got int64 and float32"));
  CHECK_THROWS_WITH(isclose(tensor({1.0}), tensor({1.0}), -1), Catch::Contains("[isclose] expected rtol >= 0, got -1"));
  CHECK_THROWS_WITH(isclose(tensor({1.0}), tensor({1.0}), 0, -1), Catch::Contains("[isclose] expected atol >= 0"));
  CHECK_THROWS_WITH(allclose(zeros({2}), zeros({3})), Catch::Contains("shapes [2] and [3]"));
}
