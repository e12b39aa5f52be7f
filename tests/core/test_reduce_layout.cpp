// Reductions over non-contiguous inputs (transposed, stepped, expanded), over several
// non-adjacent dims, the accuracy of float32 sums, and the error messages.
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "helpers.h"

using namespace convis;

namespace {

using ReduceFn = std::function<Tensor(const Tensor&, const Shape&, bool)>;

// Every dims-list reduction, as one signature.
std::vector<std::pair<const char*, ReduceFn>> dims_reductions() {
  return {
      {"sum", [](const Tensor& x, const Shape& d, bool k) { return sum(x, d, k); }},
      {"mean", [](const Tensor& x, const Shape& d, bool k) { return mean(x, d, k); }},
      {"amax", [](const Tensor& x, const Shape& d, bool k) { return amax(x, d, k); }},
      {"amin", [](const Tensor& x, const Shape& d, bool k) { return amin(x, d, k); }},
      {"var", [](const Tensor& x, const Shape& d, bool k) { return var(x, d, true, k); }},
      {"std", [](const Tensor& x, const Shape& d, bool k) { return convis::std(x, d, false, k); }},
      {"norm2", [](const Tensor& x, const Shape& d, bool k) { return norm(x, 2, d, k); }},
      {"norm3", [](const Tensor& x, const Shape& d, bool k) { return norm(x, 3, d, k); }},
      {"logsumexp", [](const Tensor& x, const Shape& d, bool k) { return logsumexp(x, d, k); }},
  };
}

// The same reductions of a non-contiguous `x` and of its contiguous copy must agree (the
// contiguous path is checked by hand and against PyTorch elsewhere).
void check_layout_independent(const Tensor& x) {
  REQUIRE_FALSE(x.is_contiguous());
  Tensor c = x.contiguous();
  const std::vector<Shape> dim_lists = {{}, {0}, {1}, {2}, {0, 2}, {2, 0}, {-1, 1}, {0, 1, 2}};
  for (const auto& [name, fn] : dims_reductions()) {
    for (const Shape& dims : dim_lists) {
      for (bool keepdim : {false, true}) {
        INFO(name << " dims " << dims << " keepdim " << keepdim);
        CHECK_ALLCLOSE(fn(x, dims, keepdim), fn(c, dims, keepdim));
      }
    }
  }
  for (int64_t d = -3; d < 3; ++d) {
    INFO("dim " << d);
    CHECK_ALLCLOSE(argmax(x, d), argmax(c, d));
    CHECK_ALLCLOSE(std::get<1>(min(x, d, true)), std::get<1>(min(c, d, true)));
    CHECK_ALLCLOSE(prod(x, d), prod(c, d));
    CHECK_ALLCLOSE(softmax(x, d), softmax(c, d));
    CHECK_ALLCLOSE(log_softmax(x, d), log_softmax(c, d));
    CHECK_ALLCLOSE(cumsum(x, d), cumsum(c, d));
    CHECK_ALLCLOSE(any(x, d), any(c, d));
  }
  CHECK_ALLCLOSE(argmax(x), argmax(c));
  CHECK_ALLCLOSE(argmin(x), argmin(c));
  CHECK_ALLCLOSE(all(x), all(c));
}

const double kInfinity = std::numeric_limits<double>::infinity();

// 0.1 * (distinct values in a scrambled order), so that argmax and friends have one answer.
Tensor scrambled(int64_t n) {
  std::vector<double> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(0.1 * double((i * 37) % n) - 2.0);
  return tensor(v);
}

}  // namespace

TEST_CASE("reductions of transposed inputs match the contiguous ones", "[reduce]") {
  check_layout_independent(scrambled(105).view({3, 5, 7}).permute({2, 0, 1}));
  check_layout_independent(scrambled(105).view({3, 5, 7}).transpose(0, 2).to(kFloat64).transpose(1, 2));
}

TEST_CASE("reductions of stepped slices match the contiguous ones", "[reduce]") {
  Tensor big = scrambled(4 * 6 * 9).view({4, 6, 9});
  check_layout_independent(big.slice(2, 1, 9, 2).slice(0, 0, 4, 3));  // [2, 6, 4]
  check_layout_independent(big.slice(1, 5, 6).slice(2, 0, 9, 4));     // a size-1 dim: [4, 1, 3]
}

TEST_CASE("reductions of expanded inputs (stride 0)", "[reduce]") {
  Tensor col = tensor({1.0f, 2.0f, 3.0f}).view({3, 1}).expand({3, 4});
  CHECK_ALLCLOSE(col.sum(1), tensor({4.0f, 8.0f, 12.0f}));
  CHECK_ALLCLOSE(col.sum(0), tensor({6.0f, 6.0f, 6.0f, 6.0f}));
  CHECK_ALLCLOSE(col.sum(), tensor(24.0f));
  CHECK_ALLCLOSE(col.argmax(), tensor(int64_t(8)));  // the first of the four 3s, row-major
  CHECK_ALLCLOSE(col.cumsum(1)[2], tensor({3.0f, 6.0f, 9.0f, 12.0f}));
  CHECK_ALLCLOSE(col.var(Shape{1}), zeros({3}));
  check_layout_independent(scrambled(10).view({2, 1, 5}).expand({2, 3, 5}));
  Tensor scalar_expanded = tensor(2.0).expand({4, 5});
  CHECK_ALLCLOSE(scalar_expanded.sum(), tensor(40.0f));
  CHECK_ALLCLOSE(scalar_expanded.prod(1), full({4}, 32.0f));
}

TEST_CASE("reductions over several non-adjacent dims", "[reduce]") {
  Tensor x = arange(105, kFloat64).view({3, 5, 7});  // x[i][j][k] = 35 i + 7 j + k
  // sum over i and k: 21 * 7 j + 7 * (0 + 35 + 70) + 3 * (0 + ... + 6) = 147 j + 798
  CHECK_ALLCLOSE(x.sum({0, 2}), tensor({798.0, 945.0, 1092.0, 1239.0, 1386.0}, kFloat64));
  CHECK_ALLCLOSE(x.sum({2, 0}, true), tensor({798.0, 945.0, 1092.0, 1239.0, 1386.0}, kFloat64).view({1, 5, 1}));
  CHECK_ALLCLOSE(x.amax({0, 2}), tensor({76.0, 83.0, 90.0, 97.0, 104.0}, kFloat64));
  CHECK_ALLCLOSE(x.mean({-3, -1}), tensor({38.0, 45.0, 52.0, 59.0, 66.0}, kFloat64));
  Tensor y = arange(2 * 3 * 4 * 5, kFloat32).view({2, 3, 4, 5});
  // over dims 1 and 3 of y[a][b][c][d] = 60 a + 20 b + 5 c + d: 15 (60 a + 5 c) + 5 * 60 + 3 * 10
  Tensor s = y.sum({3, 1});
  CHECK(s.sizes() == Shape{2, 4});
  CHECK(s[1][2].item<float>() == 15.0f * (60 + 10) + 300 + 30);
}

TEST_CASE("reducing over an outer dim walks blocks of outputs (130 = 2 x 64 + 2)", "[reduce]") {
  Tensor x = arange(3 * 130, kFloat64).view({3, 130});  // x[i][j] = 130 i + j
  std::vector<double> col_sums;
  for (int j = 0; j < 130; ++j) col_sums.push_back(3.0 * j + 390.0);
  CHECK_ALLCLOSE(x.sum(0), tensor(col_sums, kFloat64));
  // The blocked walk over x (rows reduced, columns contiguous) against the one-output-at-a-time
  // walk over the transposed copy (each column contiguous).
  Tensor s = scrambled(5 * 130).view({5, 130}).to(kFloat64);
  Tensor st = s.t().contiguous();  // [130, 5]
  CHECK_ALLCLOSE(s.sum(0), st.sum(1));
  CHECK_ALLCLOSE(s.mean(0), st.mean(1));
  CHECK_ALLCLOSE(s.prod(0), st.prod(1));
  CHECK_ALLCLOSE(s.amax(0), st.amax(1));
  CHECK_ALLCLOSE(s.amin(0), st.amin(1));
  CHECK_ALLCLOSE(s.var(Shape{0}), st.var(Shape{1}));
  CHECK_ALLCLOSE(s.norm(3, {0}), st.norm(3, {1}));
  CHECK_ALLCLOSE(s.norm(-kInfinity, {0}), st.norm(-kInfinity, {1}));
  CHECK_ALLCLOSE(s.logsumexp({0}), st.logsumexp({1}));
  CHECK_ALLCLOSE(s.any(0), st.any(1));
  CHECK_ALLCLOSE(s.all(0), st.all(1));
  CHECK_ALLCLOSE(s.softmax(0), st.softmax(1).t());
  CHECK_ALLCLOSE(s.log_softmax(0), st.log_softmax(1).t());
  CHECK_ALLCLOSE(s.cumsum(0), st.cumsum(1).t());
  CHECK_ALLCLOSE(std::get<1>(s.max(0)), st.argmax(1));
}

TEST_CASE("float32 sums are accurate (1e7 elements)", "[reduce]") {
  Tensor ones_1e7 = ones({10000000});
  CHECK(ones_1e7.sum().item<float>() == 1e7f);
  CHECK(ones_1e7.mean().item<float>() == 1.0f);
  Tensor tenths = full({10000000}, 0.1f);
  const double expected = 1e7 * double(0.1f);  // the float64 sum of these float32 values
  CHECK(std::abs(tenths.sum().item<double>() - expected) <= 1e-6 * expected);
  CHECK(std::abs(tenths.view({1000, 10000}).sum(Shape{0}).sum().item<double>() - expected) <= 1e-6 * expected);
  CHECK(std::abs(tenths.cumsum(0)[9999999].item<double>() - expected) <= 1e-6 * expected);
  CHECK(std::abs(tenths.norm(1).item<double>() - expected) <= 1e-6 * expected);
}

TEST_CASE("reduction errors name the op and what was expected", "[reduce]") {
  Tensor x = zeros({2, 3});
  Tensor e = zeros({0, 3});
  using Catch::Contains;
  CHECK_THROWS_WITH(x.sum(2), Contains("[sum] dim out of range") && Contains("got 2"));
  CHECK_THROWS_WITH(x.mean({-3}), Contains("[mean] dim out of range"));
  CHECK_THROWS_WITH(tensor(1.0f).sum(1), Contains("[sum] dim out of range"));
  CHECK_THROWS_WITH(x.sum({0, -2}), Contains("[sum] expected distinct dims, got dim 0 twice"));
  CHECK_THROWS_WITH(x.amax({1, 1}), Contains("[amax] expected distinct dims"));
  CHECK_THROWS_WITH(arange(4).mean(), Contains("[mean] expected a floating point") && Contains("int64"));
  CHECK_THROWS_WITH(tensor({true}).mean(), Contains("[mean] expected a floating point") && Contains("bool"));
  CHECK_THROWS_WITH(x.mean(kInt64), Contains("[mean] expected a floating point dtype argument"));
  CHECK_THROWS_WITH(e.max(), Contains("[max] expected a reduction dim to be specified") && Contains("[0, 3]"));
  CHECK_THROWS_WITH(e.min(), Contains("[min] expected a reduction dim to be specified"));
  CHECK_THROWS_WITH(e.amax(), Contains("[amax] expected a reduction dim to be specified"));
  CHECK_THROWS_WITH(e.amax(0), Contains("[amax] expected reduction dim 0 to have non-zero size"));
  CHECK_THROWS_WITH(e.amin({0, 1}), Contains("[amin] expected reduction dim 0 to have non-zero size"));
  CHECK_THROWS_WITH(e.max(0), Contains("[max] expected reduction dim 0 to have non-zero size"));
  CHECK_THROWS_WITH(e.argmax(), Contains("[argmax] expected a reduction dim to be specified"));
  CHECK_THROWS_WITH(e.argmin(-2), Contains("[argmin] expected reduction dim 0 to have non-zero size"));
  CHECK_THROWS_WITH(tensor({true}).argmax(), Contains("[argmax] expected a tensor of dtype") && Contains("bool"));
  CHECK_THROWS_WITH(x.softmax(2), Contains("[softmax] dim out of range"));
  CHECK_THROWS_WITH(x.log_softmax(-3), Contains("[log_softmax] dim out of range"));
  CHECK_THROWS_WITH(arange(3).softmax(0), Contains("[softmax] expected a floating point") && Contains("int64"));
  CHECK_THROWS_WITH(x.softmax(0, kInt64), Contains("[softmax] expected a floating point"));
  CHECK_THROWS_WITH(x.cumsum(2), Contains("[cumsum] dim out of range"));
  CHECK_THROWS_WITH(x.cumsum(0, kBool), Contains("[cumsum] expected a result dtype") && Contains("bool"));
  CHECK_THROWS_WITH(arange(3).var(), Contains("[var] expected a floating point tensor") && Contains("int64"));
  CHECK_THROWS_WITH(arange(3).std(Shape{0}), Contains("[std] expected a floating point tensor"));
  CHECK_THROWS_WITH(arange(3).norm(), Contains("[norm] expected a floating point tensor") && Contains("int64"));
  CHECK_THROWS_WITH(x.norm(std::nan("")), Contains("[norm] expected an order p"));
  CHECK_THROWS_WITH(x.prod(5), Contains("[prod] dim out of range"));
  CHECK_THROWS_WITH(x.all(-3), Contains("[all] dim out of range"));
  CHECK_THROWS_WITH(x.logsumexp({0, 0}), Contains("[logsumexp] expected distinct dims"));
  CHECK_THROWS_WITH(sum(Tensor()), Contains("[sum] expected a defined tensor"));
  CHECK_THROWS_WITH(softmax(Tensor(), 0), Contains("[softmax] expected a defined tensor"));
}
