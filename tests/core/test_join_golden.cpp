// Golden tests of cat, stack, split, chunk, flip and roll against torch 1.13
// (tests/golden/make_join.py; inputs are pattern(), see test_join_pattern.h).
#include "helpers.h"
#include "test_join_pattern.h"

using namespace convis;
using convis_test::pattern;

namespace {
Tensor g(const std::string& name) { return convis_test::join_golden(name); }
}  // namespace

TEST_CASE("cat matches torch on views, mixed dtypes and legacy empties", "[join]") {
  Tensor a = pattern({3, 2}).t();
  Tensor b = pattern({2, 8}).slice(1, std::nullopt, std::nullopt, 2);
  Tensor c = pattern({2, 1}).expand({2, 3});
  CHECK_ALLCLOSE(cat({a, b, c}, -1), g("cat_noncontig_dim_neg1"));
  CHECK_ALLCLOSE(cat({pattern({4}, kInt64), pattern({3})}), g("cat_mixed_int_float"));
  CHECK_ALLCLOSE(cat({pattern({2, 2}, kBool), pattern({1, 2}, kInt64)}, 0), g("cat_bool_int"));
  CHECK_ALLCLOSE(cat({pattern({2, 0, 3}, kFloat64), pattern({2, 3, 3}), pattern({0}, kInt64)}, 1),
                 g("cat_legacy_empty_f64"));
  CHECK_ALLCLOSE(cat({pattern({3, 5}), pattern({4, 5})}, 0), g("cat_odd_dim0"));
}

TEST_CASE("stack matches torch", "[join]") {
  CHECK_ALLCLOSE(stack({pattern({3, 2}).t(), pattern({2, 3})}, 0), g("stack_dim0"));
  CHECK_ALLCLOSE(stack({pattern({3}, kInt64), pattern({3}), pattern({3}, kInt64)}, -1), g("stack_neg_mixed"));
  CHECK_ALLCLOSE(stack({pattern({2, 3}), pattern({2, 6}).slice(1, std::nullopt, std::nullopt, 2)}, 2),
                 g("stack_dim2"));
}

TEST_CASE("split and chunk match torch", "[join]") {
  auto pieces = split(pattern({7, 3}), 3, 0);
  REQUIRE(pieces.size() == 3);
  for (size_t i = 0; i < pieces.size(); ++i) CHECK_ALLCLOSE(pieces[i], g(fmt::format("split_{}", i)));
  auto chunks = pattern({3, 6}).t().chunk(4, 0);
  REQUIRE(chunks.size() == 3);
  for (size_t i = 0; i < chunks.size(); ++i) CHECK_ALLCLOSE(chunks[i], g(fmt::format("chunk_{}", i)));
}

TEST_CASE("flip matches torch", "[join]") {
  CHECK_ALLCLOSE(flip(pattern({3, 4, 5}), {0, 2}), g("flip_3d_0_2"));
  CHECK_ALLCLOSE(pattern({4, 3}, kInt64).t().flip({-1}), g("flip_transposed_int"));
  CHECK_ALLCLOSE(flip(pattern({1, 5}, kBool).expand({3, 5}), {0, 1}), g("flip_expanded_bool"));
  Tensor stepped = pattern({5, 6}, kFloat64).slice(0, std::nullopt, std::nullopt, 2).slice(1, 1, std::nullopt, 2);
  CHECK_ALLCLOSE(flip(stepped, {0}), g("flip_stepped_f64"));
}

TEST_CASE("roll matches torch", "[join]") {
  CHECK_ALLCLOSE(roll(pattern({3, 4}), {5}), g("roll_flat"));
  CHECK_ALLCLOSE(roll(pattern({3, 4}), {1, -2}, {0, 1}), g("roll_2d"));
  CHECK_ALLCLOSE(roll(pattern({5}, kInt64), {-13}, {0}), g("roll_big_neg_int"));
  CHECK_ALLCLOSE(pattern({4, 5}).t().roll({7}, {1}), g("roll_transposed"));
  CHECK_ALLCLOSE(roll(pattern({3, 4}), {1, 2}, {1, 1}), g("roll_dup_dims"));
  CHECK_ALLCLOSE(roll(pattern({3, 4}).t(), {2}), g("roll_flat_transposed"));
  CHECK_ALLCLOSE(roll(pattern({2, 3, 4}, kBool), {1, 1, 3}, {0, 1, 2}), g("roll_3d_bool"));
}
