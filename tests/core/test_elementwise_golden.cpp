// Elementwise ops against PyTorch 1.13 (tests/golden/make_elementwise.py writes the files).
#include "helpers.h"

using namespace convis;
using convis_test::golden;

namespace {

Tensor in(const std::string& name) { return golden("elementwise/in_" + name + ".npy"); }
Tensor want(const std::string& name) { return golden("elementwise/" + name + ".npy"); }

// Tolerances: float32 transcendental results may differ from torch's SIMD versions by ulps.
#define CHECK_GOLDEN(actual, name)                     \
  do {                                                 \
    INFO("golden " << (name));                         \
    CHECK_ALLCLOSE_TOL(actual, want(name), 1e-5, 1e-6); \
  } while (0)

}  // namespace

TEST_CASE("unary ops match torch for float32, float64 and int64 inputs", "[elementwise]") {
  const Tensor x = in("x"), pos = in("pos"), xi = in("xi");
  using Fn = Tensor (*)(const Tensor&);
  const std::vector<std::pair<std::string, Fn>> ops = {
      {"abs", &abs},     {"neg", &neg},     {"sign", &sign},       {"exp", &exp},         {"log", &log},
      {"log1p", &log1p}, {"expm1", &expm1}, {"sqrt", &sqrt},       {"rsqrt", &rsqrt},     {"reciprocal", &reciprocal},
      {"square", &square}, {"sin", &sin},   {"cos", &cos},         {"tanh", &tanh},       {"sigmoid", &sigmoid},
      {"relu", &relu},   {"floor", &floor}, {"ceil", &ceil},       {"round", &round}};
  for (const auto& [name, fn] : ops) {
    bool positive = name == "log" || name == "log1p" || name == "sqrt" || name == "rsqrt";
    const Tensor& src = positive ? pos : x;
    CHECK_GOLDEN(fn(src), "unary_" + name + "_f32");
    CHECK_GOLDEN(fn(src.to(kFloat64)), "unary_" + name + "_f64");
    CHECK_GOLDEN(fn(xi), "unary_" + name + "_i64");
  }
  CHECK_GOLDEN(round(in("half")), "unary_round_half");
  CHECK_GOLDEN(exp(x.transpose(0, 2)), "unary_exp_f32_t");
  CHECK_GOLDEN(sin(x.slice(1, 0, std::nullopt, 2).slice(2, 1, std::nullopt, 3)), "unary_sin_f32_step");
}

TEST_CASE("binary ops broadcast [3,1,5] with [4,1] and match torch", "[elementwise]") {
  const Tensor a = in("a"), b = in("b"), ai = in("ai"), bi = in("bi");
  const std::vector<std::tuple<std::string, Tensor, Tensor>> sets = {
      {"f32", a, b}, {"f64", a.to(kFloat64), b.to(kFloat64)}, {"i64", ai, bi}, {"i64_f32", ai, b},
      {"f32_f64", a, b.to(kFloat64)}};
  for (const auto& [tag, p, q] : sets) {
    bool integral = !p.is_floating_point() && !q.is_floating_point();
    CHECK_GOLDEN(add(p, q), "add_" + tag);
    CHECK_GOLDEN(add(p, q, integral ? Scalar(2) : Scalar(2.5)), "add_alpha_" + tag);
    CHECK_GOLDEN(sub(p, q), "sub_" + tag);
    CHECK_GOLDEN(p * q, "mul_" + tag);
    CHECK_GOLDEN(p / q, "div_" + tag);
    CHECK_GOLDEN(remainder(p, q), "remainder_" + tag);
    CHECK_GOLDEN(maximum(p, q), "maximum_" + tag);
    CHECK_GOLDEN(minimum(p, q), "minimum_" + tag);
  }
  CHECK_GOLDEN(pow(abs(a) + 0.1, b), "pow_f32");
  CHECK_GOLDEN(pow(abs(a.to(kFloat64)) + 0.1, b.to(kFloat64)), "pow_f64");
  CHECK_GOLDEN(pow(ai, abs(bi)), "pow_i64");
  CHECK_GOLDEN(pow(ai, bi), "pow_i64_neg");
  const Tensor m = in("m"), n = in("n");
  CHECK_GOLDEN(m.t() + n.slice(0, 0, std::nullopt, 2), "add_noncontig");
  CHECK_GOLDEN(m.t() * n.slice(0, 0, std::nullopt, 2), "mul_noncontig");
}

TEST_CASE("ops with plain numbers match torch", "[elementwise]") {
  const Tensor x = in("x"), pos = in("pos"), xi = in("xi");
  CHECK_GOLDEN(x + 2.5, "scalar_add_f32");
  CHECK_GOLDEN(xi + 2.5, "scalar_add_i64_float");
  CHECK_GOLDEN(xi * 3, "scalar_mul_i64");
  CHECK_GOLDEN(2.0 / where(xi == 0, ones_like(xi), xi), "scalar_rdiv_i64");
  CHECK_GOLDEN(xi / 4, "scalar_div_i64");
  CHECK_GOLDEN(rsub(x, 1.5), "scalar_rsub_f32");
  CHECK_GOLDEN(pow(x, 3), "scalar_pow_f32_3");
  CHECK_GOLDEN(pow(pos, 0.5), "scalar_pow_f32_half");
  CHECK_GOLDEN(pow(xi, 2), "scalar_pow_i64_2");
  CHECK_GOLDEN(pow(2, abs(xi)), "scalar_pow_base2_i64");
  CHECK_GOLDEN(pow(1.5, xi), "scalar_pow_base_float_i64");
  CHECK_GOLDEN(remainder(x, -1.5), "scalar_remainder_f32");
  CHECK_GOLDEN(remainder(xi, 3), "scalar_remainder_i64_pos");
  CHECK_GOLDEN(remainder(xi, -4), "scalar_remainder_i64_neg");
  CHECK_GOLDEN(clamp(x, -0.5, 0.7), "clamp_f32");
  CHECK_GOLDEN(clamp(xi, -2, 3), "clamp_i64");
  CHECK_GOLDEN(clamp(xi, 0.5), "clamp_i64_float");
  CHECK_GOLDEN(clamp_min(x, 0.1), "clamp_min_f32");
  CHECK_GOLDEN(clamp_max(xi, 1), "clamp_max_i64");
}

TEST_CASE("comparison, logic and selection match torch", "[elementwise]") {
  const Tensor x = in("x"), xi = in("xi"), a = in("a"), b = in("b"), ai = in("ai"), mask = in("mask");
  CHECK_GOLDEN(a < b, "lt_f32");
  CHECK_GOLDEN(ai >= b, "ge_i64_f32");
  CHECK_GOLDEN(xi == 2, "eq_i64_scalar");
  CHECK_GOLDEN(x > 0.3, "gt_f32_scalar");
  CHECK_GOLDEN(xi != 2.5, "ne_i64_float_scalar");
  CHECK_GOLDEN(logical_and(x > 0, xi), "logical_and_mixed");
  CHECK_GOLDEN(logical_or(ai, b > 0), "logical_or_mixed");
  CHECK_GOLDEN(logical_xor(ai, b), "logical_xor_mixed");
  CHECK_GOLDEN(logical_not(round(x)), "logical_not_f32");
  CHECK_GOLDEN(where(a > 0, a, b), "where_f32");
  CHECK_GOLDEN(where(xi > 0, xi, 2.5), "where_i64_float");
  CHECK_GOLDEN(where(x > 0, 1.0, -1), "where_scalar_scalar");
  CHECK_GOLDEN(x.masked_fill(mask, 1.5), "masked_fill_f32");
  CHECK_GOLDEN(xi.masked_fill(mask, -7), "masked_fill_i64");
  const Tensor q = in("q");
  CHECK_GOLDEN(isclose(x, q), "isclose_default");
  CHECK_GOLDEN(isclose(x, q, 1e-3, 1e-4), "isclose_loose");
}
