// Reductions checked value by value against hand-derived numbers (dtypes, shapes, keepdim,
// 0-dim and empty tensors, NaN).  Non-contiguous inputs and errors: test_reduce_layout.cpp;
// golden values from PyTorch: test_reduce_golden.cpp.
#include <cmath>
#include <limits>

#include "helpers.h"

using namespace convis;

namespace {
const double kNan = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// [[0, 1, 2], [3, 4, 5]] as float32
Tensor m23() { return arange(6, kFloat32).view({2, 3}); }
}  // namespace

TEST_CASE("sum over all, one and several dims, with keepdim", "[reduce]") {
  Tensor x = m23();
  CHECK_ALLCLOSE(x.sum(), tensor(15.0f));
  CHECK_ALLCLOSE(x.sum(0), tensor({3.0f, 5.0f, 7.0f}));
  CHECK_ALLCLOSE(x.sum(-1), tensor({3.0f, 12.0f}));
  CHECK_ALLCLOSE(x.sum({1}, true), tensor({3.0f, 12.0f}).view({2, 1}));
  CHECK_ALLCLOSE(x.sum({0, 1}, true), tensor({15.0f}).view({1, 1}));
  CHECK_ALLCLOSE(x.sum(Shape{}, true), tensor({15.0f}).view({1, 1}));  // empty dims = all dims
  CHECK_ALLCLOSE(sum(x, {-1, 0}), tensor(15.0f));
}

TEST_CASE("sum, prod and cumsum result dtypes follow torch", "[reduce]") {
  Tensor b = tensor({true, false, true});
  Tensor i = tensor({1, 2, 3});
  CHECK_ALLCLOSE(b.sum(), tensor(int64_t(2)));
  CHECK_ALLCLOSE(i.sum(), tensor(int64_t(6)));
  CHECK_ALLCLOSE(b.prod(), tensor(int64_t(0)));
  CHECK_ALLCLOSE(i.prod(), tensor(int64_t(6)));
  CHECK_ALLCLOSE(i.sum(kFloat32), tensor(6.0f));
  CHECK_ALLCLOSE(tensor({1.5, 2.7}).sum(kInt64), tensor(int64_t(3)));  // cast first: 1 + 2
  CHECK_ALLCLOSE(tensor({1.0, -1.0}).sum(kBool), tensor(true));        // bool sum = any nonzero
  CHECK_ALLCLOSE(tensor({1.0, 0.0}).prod(kBool), tensor(false));
  CHECK_ALLCLOSE(i.cumsum(0), tensor({1, 3, 6}));
  CHECK_ALLCLOSE(b.cumsum(0), tensor({1, 1, 2}));
  CHECK_ALLCLOSE(tensor({1.5, 2.7}).cumsum(0, kInt64), tensor({1, 3}));
  CHECK_ALLCLOSE(m23().cumsum(0, kFloat64), tensor({0.0, 1.0, 2.0, 3.0, 5.0, 7.0}, kFloat64).view({2, 3}));
  CHECK_ALLCLOSE(m23().to(kFloat64).sum(1), tensor({3.0, 12.0}, kFloat64));
  Tensor big = full({3}, int64_t(3000000000));
  CHECK(big.sum().item<int64_t>() == 9000000000LL);  // no int32 anywhere
}

TEST_CASE("mean and prod values", "[reduce]") {
  Tensor x = m23();
  CHECK_ALLCLOSE(x.mean(), tensor(2.5f));
  CHECK_ALLCLOSE(x.mean(0), tensor({1.5f, 2.5f, 3.5f}));
  CHECK_ALLCLOSE(x.mean({0, 1}, true), tensor({2.5f}).view({1, 1}));
  CHECK_ALLCLOSE(x.mean(kFloat64), tensor(2.5, kFloat64));
  CHECK_ALLCLOSE(tensor({1, 2}).mean(kFloat32), tensor(1.5f));
  CHECK_ALLCLOSE(x.prod(1), tensor({0.0f, 60.0f}));
  CHECK_ALLCLOSE(x.prod(-2, true), tensor({0.0f, 4.0f, 10.0f}).view({1, 3}));
  CHECK_ALLCLOSE(tensor({2, 3, -4}).prod(0), tensor(int64_t(-24)));
  CHECK_ALLCLOSE(tensor({2, 3}).prod(0, false, kFloat32), tensor(6.0f));
}

TEST_CASE("amax, amin, max and min over all elements; NaN wins", "[reduce]") {
  Tensor x = tensor({3.0, -1.0, 7.0, 2.0}, kFloat64).view({2, 2});
  CHECK_ALLCLOSE(x.amax(), tensor(7.0, kFloat64));
  CHECK_ALLCLOSE(x.amin(), tensor(-1.0, kFloat64));
  CHECK_ALLCLOSE(x.amax(0), tensor({7.0, 2.0}, kFloat64));
  CHECK_ALLCLOSE(x.amin({1}, true), tensor({-1.0, 2.0}, kFloat64).view({2, 1}));
  CHECK_ALLCLOSE(x.max(), tensor(7.0, kFloat64));
  CHECK_ALLCLOSE(x.min(), tensor(-1.0, kFloat64));
  CHECK_ALLCLOSE(tensor({4, -9, 2}).max(), tensor(int64_t(4)));
  CHECK_ALLCLOSE(tensor({true, false}).max(), tensor(true));
  CHECK_ALLCLOSE(tensor({true, false}).amin(), tensor(false));
  Tensor n = tensor({1.0, kNan, 3.0, kNan, 2.0, 1.0, 0.0, -1.0}).view({2, 4});
  Tensor mx = n.amax(1);
  CHECK(std::isnan(mx[0].item<double>()));
  CHECK(mx[1].item<double>() == 2.0);
  CHECK(std::isnan(n.max().item<double>()));
  CHECK(std::isnan(n.min().item<double>()));
  CHECK(n.amin(0)[2].item<double>() == 0.0);
}

TEST_CASE("max and min over a dim give values and first indices", "[reduce]") {
  Tensor x = tensor({1, 5, 5, 0, 2, -3}).view({2, 3});
  auto [v, i] = x.max(1);
  CHECK_ALLCLOSE(v, tensor({5, 2}));
  CHECK_ALLCLOSE(i, tensor({1, 1}));
  auto [v0, i0] = min(x, 0, true);
  CHECK_ALLCLOSE(v0, tensor({0, 2, -3}).view({1, 3}));
  CHECK_ALLCLOSE(i0, tensor({1, 1, 1}).view({1, 3}));
  Tensor n = tensor({1.0f, NAN, 3.0f, NAN, 2.0f, 1.0f, 0.0f, -1.0f}).view({2, 4});
  auto [nv, ni] = n.max(1);
  CHECK(std::isnan(nv[0].item<float>()));
  CHECK_ALLCLOSE(ni, tensor({1, 0}));
  auto [mv, mi] = n.min(-1);
  CHECK_ALLCLOSE(mi, tensor({1, 3}));
  CHECK(mv[1].item<float>() == -1.0f);
  auto [bv, bi] = tensor({false, true, true}).max(0);
  CHECK(bv.dtype() == kBool);
  CHECK(bv.item<bool>());
  CHECK(bi.item<int64_t>() == 1);
}

TEST_CASE("argmax and argmin: flat indices, dims, keepdim, ties, NaN", "[reduce]") {
  Tensor x = tensor({1.0f, 3.0f, 3.0f, -2.0f, 0.0f, -2.0f}).view({2, 3});
  CHECK_ALLCLOSE(x.argmax(), tensor(int64_t(1)));
  CHECK_ALLCLOSE(x.argmin(), tensor(int64_t(3)));
  CHECK_ALLCLOSE(x.argmax(0), tensor({0, 0, 0}));
  CHECK_ALLCLOSE(x.argmin(1, true), tensor({0, 0}).view({2, 1}));
  CHECK_ALLCLOSE(x.argmax(std::nullopt, true), tensor({1}).view({1, 1}));
  CHECK_ALLCLOSE(tensor({2, 9, 9}).argmax(), tensor(int64_t(1)));
  CHECK_ALLCLOSE(tensor({1.0, kNan, 5.0, kNan}).argmax(), tensor(int64_t(1)));
  CHECK_ALLCLOSE(tensor({1.0, kNan, -5.0}).argmin(), tensor(int64_t(1)));
  // flat index into the (permuted) tensor as seen, not into its storage
  Tensor p = arange(24, kFloat32).view({2, 3, 4}).permute({2, 0, 1});
  CHECK(p.argmax().item<int64_t>() == 23);
  CHECK(p.argmin().item<int64_t>() == 0);
  CHECK(p.argmax(2).sizes() == Shape{4, 2});
  CHECK_ALLCLOSE(p.argmax(2)[1], tensor({2, 2}));
}

TEST_CASE("var and std, biased and unbiased, over dims", "[reduce]") {
  Tensor x = m23();
  CHECK_ALLCLOSE(x.var(), tensor(3.5f));
  CHECK_ALLCLOSE(x.var(false), tensor(35.0f / 12.0f));
  CHECK_ALLCLOSE(x.var({1}, false, true), tensor({2.0f / 3, 2.0f / 3}).view({2, 1}));
  CHECK_ALLCLOSE(x.var(Shape{0}), tensor({4.5f, 4.5f, 4.5f}));
  const float s45 = std::sqrt(4.5f);
  CHECK_ALLCLOSE(x.std(Shape{0}), tensor({s45, s45, s45}));
  CHECK_ALLCLOSE(x.std({0, 1}, true, true), tensor({std::sqrt(3.5f)}).view({1, 1}));
  CHECK_ALLCLOSE(convis::std(x.to(kFloat64), false), tensor(std::sqrt(35.0 / 12.0), kFloat64));
  // one element: unbiased gives nan (0 / 0), biased 0
  CHECK(std::isnan(tensor({4.0f}).var().item<float>()));
  CHECK(std::isnan(tensor(4.0f).std(Shape{0}).item<float>()));
  CHECK(tensor(4.0f).std(Shape{0}, false).item<float>() == 0.0f);
  // a constant far from 0 has variance exactly 0 (two passes, no cancellation)
  CHECK(full({1000}, 1e8, kFloat64).var().item<double>() == 0.0);
}

TEST_CASE("norm for p = 2, 1, inf, -inf, 0 and other p", "[reduce]") {
  Tensor v = tensor({1.0f, -2.0f, 0.0f, 4.0f});
  CHECK_ALLCLOSE(v.norm(), tensor(std::sqrt(21.0f)));
  CHECK_ALLCLOSE(v.norm(1), tensor(7.0f));
  CHECK_ALLCLOSE(v.norm(kInf), tensor(4.0f));
  CHECK_ALLCLOSE(v.norm(-kInf), tensor(0.0f));
  CHECK_ALLCLOSE(v.norm(0), tensor(3.0f));
  CHECK_ALLCLOSE(v.norm(3), tensor(float(std::cbrt(73.0))));
  CHECK_ALLCLOSE(v.norm(0.5), tensor(float(std::pow(1 + std::sqrt(2.0) + 2, 2.0))));
  CHECK_ALLCLOSE(v.norm(-1), tensor(0.0f));  // 1/0 = inf in the sum, inf^-1 = 0
  CHECK_ALLCLOSE(tensor({1.0f, -2.0f}).norm(-1), tensor(2.0f / 3.0f));
  Tensor x = m23();
  CHECK_ALLCLOSE(x.norm(2, {0}, true), tensor({3.0f, std::sqrt(17.0f), std::sqrt(29.0f)}).view({1, 3}));
  CHECK_ALLCLOSE(x.norm(std::nullopt, {1}), tensor({std::sqrt(5.0f), std::sqrt(50.0f)}));
  CHECK_ALLCLOSE(norm(x.to(kFloat64), kInf, {1}), tensor({2.0, 5.0}, kFloat64));
  CHECK(std::isnan(tensor({1.0, kNan}).norm(kInf).item<double>()));
}

TEST_CASE("logsumexp is stable and handles infinite rows", "[reduce]") {
  Tensor x = tensor({1000.0, 1000.0, -kInf, -kInf, 1.0, kInf, 0.0, 0.0}).view({4, 2});
  Tensor r = x.logsumexp({1});
  CHECK(r[0].item<float>() == Approx(1000.0f + std::log(2.0f)));
  CHECK(r[1].item<float>() == -kInf);
  CHECK(r[2].item<float>() == kInf);
  CHECK(r[3].item<float>() == Approx(std::log(2.0f)));
  CHECK(std::isnan(tensor({1.0, kNan}).logsumexp({0}).item<double>()));
  CHECK_ALLCLOSE(tensor({1, 2}).logsumexp({0}), tensor(float(std::log(std::exp(1.0) + std::exp(2.0)))));
  double lse = 0;
  for (int k = 0; k < 6; ++k) lse += std::exp(double(k));
  CHECK_ALLCLOSE(m23().logsumexp({0, 1}, true), tensor({float(std::log(lse))}).view({1, 1}));
  CHECK_ALLCLOSE(m23().logsumexp({}), m23().logsumexp({0, 1}));  // empty dims = all dims
}

TEST_CASE("softmax and log_softmax over a dim", "[reduce]") {
  Tensor x = tensor({1.0, 2.0, 3.0, 1000.0, 1000.0, 1000.0}, kFloat64).view({2, 3});
  const double e1 = std::exp(-2.0), e2 = std::exp(-1.0), z = e1 + e2 + 1;
  CHECK_ALLCLOSE(x.softmax(1), tensor({e1 / z, e2 / z, 1 / z, 1.0 / 3, 1.0 / 3, 1.0 / 3}, kFloat64).view({2, 3}));
  CHECK_ALLCLOSE(x.log_softmax(-1),
                 tensor({-2 - std::log(z), -1 - std::log(z), -std::log(z), -std::log(3.0), -std::log(3.0),
                         -std::log(3.0)}, kFloat64).view({2, 3}));
  Tensor s0 = x.softmax(0);
  CHECK(s0[1][0].item<double>() == Approx(1.0));
  CHECK(s0[0][0].item<double>() == Approx(std::exp(-999.0)).margin(1e-300));
  CHECK_ALLCLOSE(tensor({1, 2, 3}).softmax(0, kFloat32), tensor({float(e1 / z), float(e2 / z), float(1 / z)}));
  CHECK(tensor({1.0f, 2.0f}).log_softmax(0, kFloat64).dtype() == kFloat64);
  Tensor inf_rows = tensor({-kInf, -kInf, 1.0, kInf}).view({2, 2}).softmax(1);
  CHECK(std::isnan(inf_rows[0][0].item<float>()));  // as torch: -inf - -inf
  CHECK(std::isnan(inf_rows[1][1].item<float>()));
}

TEST_CASE("all and any give kBool for every dtype", "[reduce]") {
  Tensor f = tensor({1.0f, kNan, 0.0f, 2.0f}).view({2, 2});
  CHECK_ALLCLOSE(f.all(), tensor(false));
  CHECK_ALLCLOSE(f.any(), tensor(true));
  CHECK_ALLCLOSE(f.all(1), tensor({true, false}));  // NaN counts as true
  CHECK_ALLCLOSE(f.any(0, true), tensor({true, true}).view({1, 2}));
  CHECK_ALLCLOSE(tensor({0, 0}).any(), tensor(false));
  CHECK_ALLCLOSE(tensor({3, -1}).all(), tensor(true));
  CHECK_ALLCLOSE(tensor({true, false}).all(0), tensor(false));
  CHECK_ALLCLOSE(tensor({0.0, -0.0}, kFloat64).any(), tensor(false));
}

TEST_CASE("0-dim tensors reduce over dim 0 or -1", "[reduce]") {
  Tensor z = tensor(2.5f);
  CHECK_ALLCLOSE(z.sum(), tensor(2.5f));
  CHECK_ALLCLOSE(z.sum(0), tensor(2.5f));
  CHECK_ALLCLOSE(z.sum({-1}, true), tensor(2.5f));  // keepdim on a 0-dim tensor stays 0-dim
  CHECK_ALLCLOSE(z.mean(0), tensor(2.5f));
  CHECK_ALLCLOSE(z.prod(0), tensor(2.5f));
  CHECK_ALLCLOSE(z.amax(0), tensor(2.5f));
  CHECK_ALLCLOSE(z.max(), tensor(2.5f));
  auto [v, i] = z.max(-1);
  CHECK_ALLCLOSE(v, tensor(2.5f));
  CHECK_ALLCLOSE(i, tensor(int64_t(0)));
  CHECK_ALLCLOSE(z.argmax(0), tensor(int64_t(0)));
  CHECK_ALLCLOSE(z.argmin(), tensor(int64_t(0)));
  CHECK_ALLCLOSE(z.softmax(0), tensor(1.0f));
  CHECK_ALLCLOSE(z.log_softmax(-1), tensor(0.0f));
  CHECK_ALLCLOSE(z.cumsum(0), tensor(2.5f));
  CHECK_ALLCLOSE(z.norm(), tensor(2.5f));
  CHECK_ALLCLOSE(z.logsumexp({0}), tensor(2.5f));
  CHECK_ALLCLOSE(z.all(0), tensor(true));
  CHECK(std::isnan(z.var().item<float>()));
  CHECK_ALLCLOSE(tensor(true).cumsum(0), tensor(int64_t(1)));
}

TEST_CASE("empty tensors: identities, nan means and empty results", "[reduce]") {
  Tensor e = zeros({0, 3});
  CHECK_ALLCLOSE(e.sum(), tensor(0.0f));
  CHECK_ALLCLOSE(e.sum(0), zeros({3}));
  CHECK(e.sum(1).sizes() == Shape{0});
  CHECK_ALLCLOSE(e.prod(), tensor(1.0f));
  CHECK_ALLCLOSE(zeros({2, 0}).prod(1), ones({2}));
  CHECK(std::isnan(e.mean().item<float>()));
  CHECK(std::isnan(e.mean(0)[2].item<float>()));
  CHECK(std::isnan(e.var().item<float>()));
  CHECK(e.var(Shape{1}).sizes() == Shape{0});
  CHECK(e.amax(1).sizes() == Shape{0});
  auto [v, i] = e.min(1, true);
  CHECK(v.sizes() == Shape{0, 1});
  CHECK(i.dtype() == kInt64);
  CHECK(e.argmin(1).sizes() == Shape{0});
  CHECK_ALLCLOSE(e.norm(), tensor(0.0f));
  CHECK_ALLCLOSE(e.norm(-kInf, {0}), zeros({3}));  // torch: the norm of nothing is 0
  CHECK_ALLCLOSE(e.logsumexp({0}), full({3}, -kInf));
  CHECK(e.softmax(1).sizes() == Shape{0, 3});
  CHECK(e.cumsum(0).sizes() == Shape{0, 3});
  CHECK_ALLCLOSE(e.all(), tensor(true));
  CHECK_ALLCLOSE(e.any(), tensor(false));
  CHECK_ALLCLOSE(e.all(0), tensor({true, true, true}));
  CHECK_ALLCLOSE(empty({0}, kInt64).sum(), tensor(int64_t(0)));
}
