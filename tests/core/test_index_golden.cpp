// Golden tests of the index family against PyTorch 1.13 (tests/golden/make_index.py writes
// the inputs and outputs; the views made here are the ones written next to each case there).
#include "helpers.h"

using namespace convis;
using namespace convis::indexing;
using convis_test::golden;

namespace {

Tensor g(const std::string& c, const std::string& name) { return golden("index/" + c + "_" + name + ".npy"); }

const char* const kAllDtypes[] = {"f32", "f64", "i64", "bool"};
const char* const kAccumulateDtypes[] = {"f32", "f64", "i64"};

}  // namespace

TEST_CASE("golden: index_select in every dtype and on views", "[index]") {
  for (const char* key : kAllDtypes) {
    std::string c = std::string("index_select_") + key;
    INFO(c);
    CHECK_ALLCLOSE(g(c, "x").index_select(1, g(c, "idx")), g(c, "out"));
  }
  Tensor x = g("index_select_view", "x").permute({2, 0, 1});
  Tensor idx = g("index_select_view", "idx").slice(0, 0, std::nullopt, 2);
  CHECK_ALLCLOSE(x.index_select(-1, idx), g("index_select_view", "out"));
}

TEST_CASE("golden: gather in every dtype and on views", "[index]") {
  for (const char* key : kAllDtypes) {
    std::string c = std::string("gather_") + key;
    INFO(c);
    CHECK_ALLCLOSE(g(c, "x").gather(-1, g(c, "idx")), g(c, "out"));
  }
  Tensor x = g("gather_view", "x").transpose(0, 2);
  Tensor idx = g("gather_view", "idx").transpose(0, 1);
  CHECK_ALLCLOSE(x.gather(0, idx), g("gather_view", "out"));
}

TEST_CASE("golden: scatter with tensors and values in every dtype and on views", "[index]") {
  for (const char* key : kAllDtypes) {
    std::string c = std::string("scatter_") + key;
    INFO(c);
    Tensor self = g(c, "self");
    CHECK_ALLCLOSE(self.scatter(0, g(c, "idx"), g(c, "src")), g(c, "out"));
    Scalar value = self.dtype() == kBool ? Scalar(true) : self.dtype() == kInt64 ? Scalar(7) : Scalar(2.5);
    CHECK_ALLCLOSE(self.scatter(0, g(c, "idx"), value), g(c, "out_value"));
    Tensor inplace = self.clone();
    inplace.scatter_(0, g(c, "idx"), g(c, "src"));
    CHECK_ALLCLOSE(inplace, g(c, "out"));
  }
  Tensor self = g("scatter_view", "self").t();
  Tensor src = g("scatter_view", "src").slice(1, 0, std::nullopt, 2);
  CHECK_ALLCLOSE(self.scatter(1, g("scatter_view", "idx"), src), g("scatter_view", "out"));
}

TEST_CASE("golden: scatter_add and index_add", "[index]") {
  for (const char* key : kAccumulateDtypes) {
    std::string c = std::string("scatter_add_") + key;
    INFO(c);
    CHECK_ALLCLOSE(g(c, "self").scatter_add(0, g(c, "idx"), g(c, "src")), g(c, "out"));
    std::string d = std::string("index_add_") + key;
    Tensor self = g(d, "self");
    Scalar alpha = self.dtype() == kInt64 ? Scalar(3) : Scalar(0.5);
    CHECK_ALLCLOSE(self.index_add(1, g(d, "idx"), g(d, "src"), alpha), g(d, "out"));
  }
  Tensor self = g("index_add_view", "self").transpose(0, 2);
  Tensor src = g("index_add_view", "src").expand({4, 6, 3});
  CHECK_ALLCLOSE(self.index_add(-2, g("index_add_view", "idx"), src), g("index_add_view", "out"));
}

TEST_CASE("golden: advanced indexing with tensors and masks", "[index]") {
  Tensor x = g("adv", "x"), i = g("adv", "i"), j = g("adv", "j"), k = g("adv", "k"), mask = g("adv", "mask");
  CHECK_ALLCLOSE(x.index({i, Slice(), Slice(1, 4), j}), g("adv", "out_separated"));
  CHECK_ALLCLOSE(x.index({Slice(), k, Slice(None, None, 2)}), g("adv", "out_adjacent"));
  CHECK_ALLCLOSE(x.index({1, k.unsqueeze(1), Slice(), j}), g("adv", "out_pair"));
  CHECK_ALLCLOSE(x.index({mask}), g("adv", "out_mask"));
  CHECK_ALLCLOSE(x.index({mask, Ellipsis, 2}), g("adv", "out_mask_slice"));
  CHECK_ALLCLOSE(x.permute({3, 1, 0, 2}).index({j, k.slice(0, 0, 3).unsqueeze(1)}), g("adv", "out_view"));
}

TEST_CASE("golden: index_put_ with tensors and masks in every dtype", "[index]") {
  for (const char* key : kAllDtypes) {
    std::string c = std::string("put_") + key;
    INFO(c);
    Tensor y = g(c, "x");
    y.index_put_({tensor({3, 0, -1}), Slice(), tensor({1, 4, 1})}, g(c, "v"));
    CHECK_ALLCLOSE(y, g(c, "out"));
    Tensor z = g(c, "x");
    z.index_put_({g(c, "mask")}, g(c, "vm"));
    CHECK_ALLCLOSE(z, g(c, "out_mask"));
  }
}
