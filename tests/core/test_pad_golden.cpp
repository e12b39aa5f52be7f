// Golden tests of pad in every mode against torch 1.13 (tests/golden/make_join.py;
// inputs are pattern(), see test_join_pattern.h).
#include "helpers.h"
#include "test_join_pattern.h"

using namespace convis;
using convis_test::pattern;

namespace {
Tensor g(const std::string& name) { return convis_test::join_golden(name); }
}  // namespace

TEST_CASE("constant pad matches torch, negative pads crop", "[join]") {
  CHECK_ALLCLOSE(pad(pattern({5}), {2, 3}, PadMode::constant, 1.5), g("pad_const_1d"));
  CHECK_ALLCLOSE(pad(pattern({4, 5}), {-1, 2, 1, -2}, PadMode::constant, -1), g("pad_const_2d_neg"));
  CHECK_ALLCLOSE(pad(pattern({2, 3, 4}, kInt64), {1, 0, 0, 2, 1, 1}, PadMode::constant, 7), g("pad_const_3d_int"));
  CHECK_ALLCLOSE(pad(pattern({3, 2}, kBool), {1, 1}, PadMode::constant, 1), g("pad_const_bool"));
  CHECK_ALLCLOSE(pad(pattern({3, 4}, kFloat64).t(), {1, 2, 3, 0}), g("pad_const_transposed_f64"));
  CHECK_ALLCLOSE(pad(pattern({2, 1, 2, 3}), {1, 1, 0, 1, 1, 0, 2, 1}, PadMode::constant, 9), g("pad_const_4dims"));
}

TEST_CASE("reflect, replicate and circular pad match torch on 1, 2 and 3 dims and on views", "[join]") {
  const std::pair<PadMode, std::string> modes[] = {
      {PadMode::reflect, "reflect"}, {PadMode::replicate, "replicate"}, {PadMode::circular, "circular"}};
  for (const auto& [mode, name] : modes) {
    INFO(name);
    CHECK_ALLCLOSE(pad(pattern({2, 3, 5}), {2, 3}, mode), g("pad_" + name + "_1dim"));
    CHECK_ALLCLOSE(pad(pattern({1, 2, 4, 5}), {1, 3, 2, 2}, mode), g("pad_" + name + "_2dims"));
    CHECK_ALLCLOSE(pad(pattern({1, 1, 3, 4, 5}), {2, 1, 1, 3, 2, 2}, mode), g("pad_" + name + "_3dims"));
    CHECK_ALLCLOSE(pad(pattern({2, 3, 5, 4}).transpose(2, 3), {1, 2, 3, 1}, mode), g("pad_" + name + "_transposed"));
    CHECK_ALLCLOSE(pad(pattern({1, 1, 4}).expand({2, 3, 4}), {2, 2}, mode), g("pad_" + name + "_expanded"));
    Tensor stepped = pattern({2, 3, 9}, kFloat64).slice(2, std::nullopt, std::nullopt, 2);
    CHECK_ALLCLOSE(pad(stepped, {2, 1}, mode), g("pad_" + name + "_stepped_f64"));
  }
}

TEST_CASE("reflect and replicate pad unbatched inputs and every dtype", "[join]") {
  for (PadMode mode : {PadMode::reflect, PadMode::replicate}) {
    std::string name = mode == PadMode::reflect ? "reflect" : "replicate";
    INFO(name);
    CHECK_ALLCLOSE(pad(pattern({3, 5}), {4, 1}, mode), g("pad_" + name + "_unbatched_2d"));
    CHECK_ALLCLOSE(pad(pattern({2, 4, 5}), {1, 2, 3, 1}, mode), g("pad_" + name + "_unbatched_3d"));
    CHECK_ALLCLOSE(pad(pattern({1, 2, 4}, kInt64), {1, 2}, mode), g("pad_" + name + "_int"));
    CHECK_ALLCLOSE(pad(pattern({2, 3, 4}, kBool), {2, 1, 1, 2}, mode), g("pad_" + name + "_bool"));
  }
  CHECK_ALLCLOSE(pad(pattern({1, 2, 4}, kInt64), {1, 2}, PadMode::circular), g("pad_circular_int"));
  CHECK_ALLCLOSE(pad(pattern({1, 2, 3, 4}, kBool), {2, 1, 1, 2}, PadMode::circular), g("pad_circular_bool"));
}

TEST_CASE("non-constant pads with negative values and full circular wraps match torch", "[join]") {
  Tensor x = pattern({1, 1, 5});
  CHECK_ALLCLOSE(pad(x, {2, -3}, PadMode::reflect), g("pad_reflect_neg"));
  CHECK_ALLCLOSE(pad(x, {-1, 2}, PadMode::reflect), g("pad_reflect_neg2"));
  CHECK_ALLCLOSE(pad(x, {-1, 3}, PadMode::replicate), g("pad_replicate_neg"));
  CHECK_ALLCLOSE(pad(pattern({1, 3, 4}), {-2, 1, 2, -1}, PadMode::replicate), g("pad_replicate_neg_2d"));
  CHECK_ALLCLOSE(pad(x, {3, -1}, PadMode::circular), g("pad_circular_neg"));
  CHECK_ALLCLOSE(pad(x, {-3, 2}, PadMode::circular), g("pad_circular_neg2"));
  CHECK_ALLCLOSE(pad(pattern({1, 2, 4}), {4, 4}, PadMode::circular), g("pad_circular_full"));
}
