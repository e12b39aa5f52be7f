// Elementwise arithmetic: type promotion, result dtypes, special values, shapes, errors.
// Expected values are hand-derived or copied from torch 1.13's answers.
#include <cmath>
#include <limits>

#include "helpers.h"

using namespace convis;

namespace {

std::vector<double> vals(const Tensor& t) {
  Tensor c = t.to(kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}
std::vector<int64_t> ivals(const Tensor& t) {
  Tensor c = t.to(kInt64).contiguous();
  return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}
const double kNan = std::numeric_limits<double>::quiet_NaN();

// One operand kind of the promotion table: a dim>0 tensor, a 0-dim tensor or a plain number.
struct Operand {
  std::optional<Tensor> tensor;
  Scalar scalar;
};
std::vector<Operand> promotion_kinds() {
  std::vector<Operand> k;
  for (DType d : {kBool, kInt64, kFloat32, kFloat64}) k.push_back({ones({2}, d), 0});
  for (DType d : {kBool, kInt64, kFloat32, kFloat64}) k.push_back({ones({}, d), 0});
  k.push_back({std::nullopt, true});
  k.push_back({std::nullopt, 3});
  k.push_back({std::nullopt, 2.5});
  return k;
}

DType code_dtype(char c) { return c == 'b' ? kBool : c == 'i' ? kInt64 : c == 'f' ? kFloat32 : kFloat64; }

}  // namespace

TEST_CASE("result_type follows LibTorch's promotion table", "[elementwise]") {
  // torch.result_type(row, column) for: dim>0 tensors b i f d, 0-dim tensors b i f d, and
  // the numbers True, 3, 2.5 (b = bool, i = int64, f = float32, d = float64).
  const char* table[] = {"bifdbifdbif", "iifdiifdiif", "fffdfffffff", "ddddddddddd", "bifdbifdbif", "iifdiifdiif",
                         "fffdfffdfff", "ddfdddddddd", "bifdbifd...", "iifdiifd...", "fffdfffd..."};
  auto kinds = promotion_kinds();
  for (size_t r = 0; r < kinds.size(); ++r) {
    for (size_t c = 0; c < kinds.size(); ++c) {
      if (table[r][c] == '.') continue;
      INFO("row " << r << " column " << c);
      const DType expected = code_dtype(table[r][c]);
      const Operand &a = kinds[r], &b = kinds[c];
      DType got = a.tensor && b.tensor ? result_type(*a.tensor, *b.tensor)
                  : a.tensor          ? result_type(*a.tensor, b.scalar)
                                      : result_type(*b.tensor, a.scalar);
      CHECK(got == expected);
      // mul runs for every dtype: its result has the promoted dtype.
      Tensor product = a.tensor && b.tensor ? *a.tensor * *b.tensor
                       : a.tensor          ? *a.tensor * b.scalar
                                           : a.scalar * *b.tensor;
      CHECK(product.dtype() == expected);
    }
  }
}

TEST_CASE("a floating number or integer division gives the default dtype", "[elementwise]") {
  Tensor i = tensor({1, 2, -3});
  CHECK((i + 2.5).dtype() == kFloat32);
  CHECK((i / 2).dtype() == kFloat32);
  CHECK(vals(i / 2) == std::vector<double>{0.5, 1.0, -1.5});
  set_default_dtype(kFloat64);
  CHECK((i + 2.5).dtype() == kFloat64);
  CHECK((i / i).dtype() == kFloat64);
  CHECK(exp(i).dtype() == kFloat64);
  CHECK((tensor({1.0f, 2.0f}, kFloat32) + 2.5).dtype() == kFloat32);
  set_default_dtype(kFloat32);
}

TEST_CASE("unary ops keep or change the dtype as LibTorch does", "[elementwise]") {
  Tensor i = tensor({1, 2, -3});
  Tensor b = tensor({true, false, true});
  CHECK(ivals(abs(i)) == std::vector<int64_t>{1, 2, 3});
  CHECK(ivals(neg(i)) == std::vector<int64_t>{-1, -2, 3});
  CHECK(ivals(sign(i)) == std::vector<int64_t>{1, 1, -1});
  CHECK(ivals(square(i)) == std::vector<int64_t>{1, 4, 9});
  CHECK(ivals(relu(i)) == std::vector<int64_t>{1, 2, 0});
  for (Tensor r : {abs(i), neg(i), sign(i), square(i), relu(i), floor(i), ceil(i), round(i)}) CHECK(r.dtype() == kInt64);
  for (Tensor r : {exp(i), log(i), log1p(i), expm1(i), sqrt(i), rsqrt(i), reciprocal(i), sin(i), cos(i), tanh(i),
                   sigmoid(i)})
    CHECK(r.dtype() == kFloat32);
  CHECK(vals(reciprocal(i)) == std::vector<double>{1.0, 0.5, double(-1.0f / 3.0f)});
  // bool: sign keeps bool, square gives int64, the floating ones float32, the rest refuse it.
  CHECK(sign(b).dtype() == kBool);
  CHECK(ivals(sign(b)) == std::vector<int64_t>{1, 0, 1});
  CHECK(square(b).dtype() == kInt64);
  CHECK(vals(rsqrt(b)) == std::vector<double>{1.0, INFINITY, 1.0});
  CHECK(vals(sigmoid(b)) == std::vector<double>{double(1 / (1 + std::exp(-1.0f))), 0.5, double(1 / (1 + std::exp(-1.0f)))});
  CHECK_THROWS_WITH(abs(b), Catch::Contains("[abs] expected a tensor of dtype int64, float32 or float64, got bool"));
  CHECK_THROWS_WITH(relu(b), Catch::Contains("[relu] expected"));
  CHECK_THROWS_WITH(floor(b), Catch::Contains("[floor] expected"));
  CHECK_THROWS_WITH(neg(b), Catch::Contains("[neg] expected a non-bool tensor, got bool"));
  CHECK_THROWS_WITH(-b, Catch::Contains("logical_not()"));
}

TEST_CASE("unary special values: rounding, signs, NaN and infinities", "[elementwise]") {
  Tensor h = tensor({0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6});
  CHECK(vals(round(h)) == std::vector<double>{0, 2, 2, -0.0, -2, 2, -3});
  CHECK(std::signbit(vals(round(h))[3]));
  CHECK(vals(floor(h)) == std::vector<double>{0, 1, 2, -1, -2, 2, -3});
  CHECK(vals(ceil(h)) == std::vector<double>{1, 2, 3, -0.0, -1, 3, -2});
  Tensor f = tensor({1.5, kNan, -0.5, 0.0, -INFINITY});
  auto s = vals(sign(f));
  CHECK(s[0] == 1);
  CHECK(s[1] == 0);  // sign(NaN) is 0 in LibTorch
  CHECK(s[2] == -1);
  CHECK(s[3] == 0);
  CHECK(s[4] == -1);
  auto r = vals(relu(f));
  CHECK(std::isnan(r[1]));
  CHECK(r[2] == 0);
  CHECK(r[4] == 0);
  CHECK(std::signbit(vals(neg(tensor({0.0})))[0]));   // -0.0
  CHECK(!std::signbit(vals(abs(tensor({-0.0})))[0]));  // +0.0
  CHECK(vals(rsqrt(tensor({0.0, -0.0}))) == std::vector<double>{INFINITY, -INFINITY});
  CHECK(vals(sigmoid(tensor({-100.0, 100.0}))) == std::vector<double>{0.0, 1.0});
  CHECK(vals(exp(tensor({-INFINITY}, kFloat64))) == std::vector<double>{0.0});
  CHECK(std::isnan(vals(log(tensor({-1.0})))[0]));
  CHECK(vals(log(tensor({0.0}))) == std::vector<double>{-INFINITY});
  CHECK(vals(log1p(tensor({1e-10}, kFloat64)))[0] == Approx(1e-10).epsilon(1e-9));
  CHECK(vals(expm1(tensor({1e-10}, kFloat64)))[0] == Approx(1e-10).epsilon(1e-9));
  // int64 wraps around like LibTorch instead of overflowing (see Note [Integer arithmetic wraps]).
  const int64_t lo = std::numeric_limits<int64_t>::min();
  CHECK(ivals(abs(tensor({lo}))) == std::vector<int64_t>{lo});
  CHECK(ivals(neg(tensor({lo}))) == std::vector<int64_t>{lo});
}

TEST_CASE("add, sub, mul, div on every dtype, with alpha", "[elementwise]") {
  Tensor b = tensor({true, false, true});
  Tensor c = tensor({false, false, true});
  Tensor i = tensor({1, 2, -3});
  Tensor f = tensor({1.5, -2.5, 0.5});
  CHECK((b + c).dtype() == kBool);
  CHECK(ivals(b + c) == std::vector<int64_t>{1, 0, 1});  // logical or
  CHECK(ivals(add(b, c, 2)) == std::vector<int64_t>{1, 0, 1});
  CHECK(ivals(add(b, b, 0)) == std::vector<int64_t>{1, 0, 1});
  CHECK(ivals(b * c) == std::vector<int64_t>{0, 0, 1});
  CHECK((b / b).dtype() == kFloat32);
  auto q = vals(b / b);
  CHECK((q[0] == 1 && std::isnan(q[1]) && q[2] == 1));
  CHECK(ivals(b + 1) == std::vector<int64_t>{2, 1, 2});
  CHECK(vals(b + 1.5) == std::vector<double>{2.5, 1.5, 2.5});
  CHECK(ivals(add(i, i, 3)) == std::vector<int64_t>{4, 8, -12});
  CHECK(vals(sub(i, f, 2)) == std::vector<double>{-2.0, 7.0, -4.0});
  CHECK(vals(add(f, 2, 2.5)) == std::vector<double>{6.5, 2.5, 5.5});
  CHECK(ivals(rsub(i, 2)) == std::vector<int64_t>{1, 0, 5});
  CHECK(vals(rsub(i, 2.5)) == std::vector<double>{1.5, 0.5, 5.5});
  CHECK(ivals(10 - i) == std::vector<int64_t>{9, 8, 13});
  CHECK(vals(3.0 / f) == std::vector<double>{2.0, -1.2000000476837158, 6.0});
  auto z = vals(tensor({-1.0, 0.0, 1.0}) / 0);
  CHECK((z[0] == -INFINITY && std::isnan(z[1]) && z[2] == INFINITY));
  CHECK(vals(tensor({1, 2}) / 0) == std::vector<double>{INFINITY, INFINITY});
  const int64_t big = std::numeric_limits<int64_t>::max();
  CHECK(ivals(tensor({big}) + 1) == std::vector<int64_t>{std::numeric_limits<int64_t>::min()});
  CHECK(ivals(tensor({big}) * 2) == std::vector<int64_t>{-2});
  // errors, with LibTorch's explanations
  CHECK_THROWS_WITH(b - c, Catch::Contains("[sub] expected non-bool operands, got two bool operands"));
  CHECK_THROWS_WITH(sub(b, 1), Catch::Contains("[sub] expected non-bool operands, got a bool operand"));
  CHECK_THROWS_WITH(i - b, Catch::Contains("with a bool tensor is not supported"));
  CHECK_THROWS_WITH(rsub(b, true), Catch::Contains("[rsub] expected non-bool operands, got two bool operands"));
  CHECK_THROWS_WITH(add(i, 2, 2.5), Catch::Contains("[add] expected an integral alpha for integral input tensors, "
                                                    "got 2.5"));
  CHECK_THROWS_WITH(add(i, i, true), Catch::Contains("Boolean alpha only supported for Boolean results"));
  CHECK_THROWS_WITH(tensor({1.0, 2.0}) + zeros({3}),
                    Catch::Contains("[add] shapes [2] and [3] do not broadcast"));
  CHECK_THROWS_WITH(zeros({2, 3}) * zeros({4}), Catch::Contains("[mul] shapes [2, 3] and [4]"));
  CHECK_THROWS_WITH(add(Tensor(), i), Catch::Contains("expected a defined tensor"));
}

TEST_CASE("pow on floats and integers, tensor and number exponents", "[elementwise]") {
  Tensor i = tensor({1, 2, -3});
  CHECK(pow(i, 2).dtype() == kInt64);
  CHECK(ivals(pow(i, 3)) == std::vector<int64_t>{1, 8, -27});
  CHECK(ivals(pow(i, 0)) == std::vector<int64_t>{1, 1, 1});
  CHECK(ivals(pow(i, tensor({-1, 1, 1}))) == std::vector<int64_t>{1, 2, -3});
  CHECK(ivals(pow(tensor({-1, -1, 2, 0}), tensor({-3, -2, -1, 2}))) == std::vector<int64_t>{-1, 1, 0, 0});
  CHECK(ivals(pow(2, i)) == std::vector<int64_t>{2, 4, 0});
  CHECK(ivals(pow(tensor({2, 3}), tensor({62, 41}))) ==
        std::vector<int64_t>{4611686018427387904LL, -420491770248316829LL});  // wraps as in torch
  CHECK(pow(2.5, i).dtype() == kFloat32);
  CHECK(vals(pow(2.5, i)) == std::vector<double>{2.5, 6.25, double(std::pow(2.5f, -3.0f))});
  auto p = vals(pow(i, 2.5));
  CHECK((p[0] == 1 && p[1] == double(std::pow(2.0f, 2.5f)) && std::isnan(p[2])));
  CHECK(ivals(pow(tensor({true, false}), 2)) == std::vector<int64_t>{1, 0});
  CHECK(vals(pow(tensor({0.0}), -1)) == std::vector<double>{INFINITY});
  CHECK(i.pow(2).equal(i * i));
  CHECK_THROWS_WITH(pow(i, -1), Catch::Contains("[pow] expected a non-negative exponent for an integral tensor, "
                                                "got -1 (Integers to negative integer powers are not allowed.)"));
  CHECK_THROWS_WITH(pow(tensor({true}), tensor({true})), Catch::Contains("[pow] expected a tensor of dtype int64, "
                                                                         "float32 or float64, got bool"));
}

TEST_CASE("remainder has the divisor's sign and refuses integer division by zero", "[elementwise]") {
  Tensor a = tensor({5.0, -5.0, 5.0, -5.0, 0.0, 7.5});
  Tensor b = tensor({3.0, 3.0, -3.0, -3.0, 2.0, 2.0});
  CHECK(vals(remainder(a, b)) == std::vector<double>{2, 1, -1, -2, 0, 1.5});
  CHECK(ivals(remainder(tensor({5, -5, 5, -5}), tensor({3, 3, -3, -3}))) == std::vector<int64_t>{2, 1, -1, -2});
  CHECK(ivals(remainder(tensor({-3, 3}), 2)) == std::vector<int64_t>{1, 1});
  CHECK(vals(remainder(tensor({1, 2, -3}), 2.5)) == std::vector<double>{1, 2, 2});
  CHECK(std::isnan(vals(remainder(tensor({1.0}), 0))[0]));
  CHECK(ivals(remainder(tensor({std::numeric_limits<int64_t>::min()}), -1)) == std::vector<int64_t>{0});
  CHECK_THROWS_WITH(remainder(tensor({1, 2}), 0), Catch::Contains("[remainder] expected a non-zero divisor for "
                                                                  "integer remainder, got a zero (ZeroDivisionError)"));
  CHECK_THROWS_WITH(remainder(tensor({1, 2}), tensor({1, 0})), Catch::Contains("ZeroDivisionError"));
  CHECK_THROWS_WITH(tensor({1, 2}).remainder_(tensor({0, 1})), Catch::Contains("[remainder_] expected a non-zero"));
  CHECK_THROWS_WITH(remainder(tensor({true}), tensor({true})), Catch::Contains("[remainder] expected a tensor of "
                                                                               "dtype int64, float32 or float64"));
}

TEST_CASE("maximum, minimum, max(a, b) propagate NaN", "[elementwise]") {
  Tensor f = tensor({1.5, kNan, -0.5});
  auto mx = vals(maximum(f, tensor(1.0)));
  CHECK((mx[0] == 1.5 && std::isnan(mx[1]) && mx[2] == 1.0));
  auto mn = vals(minimum(tensor(1.0), f));
  CHECK((mn[0] == 1.0 && std::isnan(mn[1]) && mn[2] == -0.5));
  CHECK(std::isnan(vals(max(f, f))[1]));
  CHECK(vals(f.max(tensor({2.0, 2.0, 2.0}))).at(0) == 2.0);
  CHECK(vals(f.min(tensor({2.0, 2.0, 2.0}))).at(2) == -0.5);
  CHECK(maximum(tensor({1, 5}), tensor({2.5, 2.5})).dtype() == kFloat32);
  CHECK(vals(maximum(tensor({1, 5}), tensor({2.5, 2.5}))) == std::vector<double>{2.5, 5});
  CHECK(ivals(minimum(tensor({1, 5}), tensor({3}))) == std::vector<int64_t>{1, 3});
  CHECK(ivals(maximum(tensor({true, false}), tensor({false, false}))) == std::vector<int64_t>{1, 0});
}

TEST_CASE("clamp: optional bounds, result dtype, NaN", "[elementwise]") {
  Tensor i = tensor({1, 2, -3});
  Tensor f = tensor({1.5, kNan, -0.5});
  CHECK(clamp(i, 0, 1).dtype() == kInt64);
  CHECK(ivals(clamp(i, 0, 1)) == std::vector<int64_t>{1, 1, 0});
  CHECK(clamp(i, 0.5).dtype() == kFloat32);
  CHECK(vals(clamp(i, 0.5)) == std::vector<double>{1, 2, 0.5});
  CHECK(vals(clamp(i, 0.5, 1)) == std::vector<double>{1, 1, 0.5});
  CHECK(ivals(clamp(i, 2, 1)) == std::vector<int64_t>{1, 1, 1});  // min > max: max wins
  CHECK(ivals(clamp(tensor({true, false}), 0, 1)) == std::vector<int64_t>{1, 0});
  CHECK(ivals(clamp_min(i, 1)) == std::vector<int64_t>{1, 2, 1});
  CHECK(ivals(clamp_max(i, 1)) == std::vector<int64_t>{1, 1, -3});
  CHECK(ivals(clamp(i, std::nullopt, 0)) == std::vector<int64_t>{0, 0, -3});
  auto c = vals(clamp(f, 0.0, 1.0));
  CHECK((c[0] == 1 && std::isnan(c[1]) && c[2] == 0));
  auto n1 = vals(clamp(f, kNan));  // a lone NaN bound is ignored, as LibTorch
  CHECK((n1[0] == 1.5 && std::isnan(n1[1]) && n1[2] == -0.5));
  auto n2 = vals(clamp(f, 0, kNan));  // both bounds given, one NaN: all NaN
  CHECK((std::isnan(n2[0]) && std::isnan(n2[1]) && std::isnan(n2[2])));
  CHECK(clamp(tensor({1.0, 2.0}, kFloat64), 0.5).dtype() == kFloat64);
  CHECK_THROWS_WITH(clamp(f, std::nullopt, std::nullopt), Catch::Contains("[clamp] expected at least one of min and "
                                                                          "max, got neither"));
  CHECK_THROWS_WITH(clamp(tensor({true}), false, true), Catch::Contains("[clamp] expected a tensor of dtype int64, "
                                                                        "float32 or float64, got bool"));
}

TEST_CASE("0-dim and empty tensors", "[elementwise]") {
  Tensor s = tensor(2.0);
  CHECK((s + s).dim() == 0);
  CHECK((s * tensor(3)).item<double>() == 6.0);
  CHECK(exp(tensor(0.0)).item<double>() == 1.0);
  CHECK((tensor(3) + tensor({1, 2})).sizes() == Shape{2});
  Tensor e = zeros({0, 3});
  CHECK((e + tensor({1.0, 2.0, 3.0})).sizes() == Shape{0, 3});
  CHECK((e + ones({1})).sizes() == Shape{0, 3});
  CHECK(exp(e).sizes() == Shape{0, 3});
  CHECK((e < 1).dtype() == kBool);
  CHECK((e < 1).sizes() == Shape{0, 3});
  CHECK((zeros({0}) + zeros({1, 4}).t()).sizes() == Shape{4, 0});
  CHECK(where(zeros({0, 1}, kBool), e, 1.0).sizes() == Shape{0, 3});
  CHECK(e.add_(1).sizes() == Shape{0, 3});
  CHECK_THROWS_WITH(zeros({0, 3}) + zeros({2, 3}), Catch::Contains("[add] shapes [0, 3] and [2, 3]"));
}

TEST_CASE("operators ~, & and | on bool tensors", "[elementwise]") {
  Tensor b = tensor({true, false, true});
  Tensor c = tensor({false, false, true});
  CHECK(ivals(~b) == std::vector<int64_t>{0, 1, 0});
  CHECK(ivals(b & c) == std::vector<int64_t>{0, 0, 1});
  CHECK(ivals(b | c) == std::vector<int64_t>{1, 0, 1});
  CHECK(ivals(~tensor({1, 2, -3})) == std::vector<int64_t>{-2, -3, 2});
  CHECK_THROWS_WITH(~tensor({1.0}), Catch::Contains("[bitwise_not] expected a bool or int64 tensor, got float32"));
  CHECK_THROWS_WITH(b & tensor({1, 0, 1}), Catch::Contains("[bitwise_and] expected bool tensors, got bool and int64"));
}
