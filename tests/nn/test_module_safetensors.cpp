// safetensors: round trips, files written by Python, the byte layout of our files, and
// refusal of malformed or truncated files; Module::save / load.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>

#include "helpers.h"

using namespace convis;
using convis_test::golden;
using convis_test::golden_path;
using convis_test::values;
using V = std::vector<double>;

namespace {

TensorDict sample() {
  TensorDict d;
  d.insert("w", tensor({1.5, -2.0, 3.25, 0.0, 1e-3, 7.0}).view({2, 3}));
  d.insert("d", tensor({1e300, -0.5}, kFloat64));
  d.insert("i", tensor(std::vector<int64_t>{int64_t{1} << 40, -3}));
  d.insert("b", tensor({true, false, true}));
  d.insert("s", tensor(2.5f));
  return d;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("convis_test_" + name)).string();
}

std::string with_header(const std::string& json, const std::string& data) {
  std::string out(8, '\0');
  uint64_t n = json.size();
  std::memcpy(out.data(), &n, 8);
  return out + json + data;
}

}  // namespace

TEST_CASE("safetensors round trip keeps names, order, dtypes, shapes and values", "[nn][module]") {
  TensorDict d = sample();
  std::map<std::string, std::string> meta{{"format", "pt"}};
  std::string path = temp_path("round.safetensors");
  save_safetensors(path, d, meta);
  TensorDict back = load_safetensors(path);
  CHECK(back.keys() == d.keys());
  for (const auto& item : d) {
    const Tensor& t = back[item.key()];
    CHECK(t.dtype() == item.value().dtype());
    CHECK(t.sizes() == item.value().sizes());
    CHECK(values(t) == values(item.value()));
  }
  CHECK(load_safetensors_metadata(path) == meta);
  std::remove(path.c_str());
}

TEST_CASE("our bytes follow the safetensors spec", "[nn][module]") {
  TensorDict d;
  d.insert("a", tensor({1.0f, 2.0f}));
  d.insert("n", tensor({int64_t{-1}}));
  std::string bytes = to_safetensors_bytes(d);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  CHECK(n % 8 == 0);  // padded with spaces, so the data starts 8-aligned
  CHECK(bytes.size() == 8 + n + 8 + 8);
  auto header = nlohmann::json::parse(bytes.substr(8, n));
  CHECK(header["a"]["dtype"] == "F32");
  CHECK(header["a"]["shape"] == nlohmann::json::array({2}));
  CHECK(header["a"]["data_offsets"] == nlohmann::json::array({0, 8}));
  CHECK(header["n"]["dtype"] == "I64");
  CHECK(header["n"]["data_offsets"] == nlohmann::json::array({8, 16}));
  float a1;
  std::memcpy(&a1, bytes.data() + 8 + n + 4, 4);
  CHECK(a1 == 2.0f);
  int64_t v;
  std::memcpy(&v, bytes.data() + 8 + n + 8, 8);
  CHECK(v == -1);
}

TEST_CASE("a safetensors file written by Python loads", "[nn][module]") {
  std::string path = golden_path("module/python.safetensors");
  TensorDict d = load_safetensors(path);
  CHECK(d.keys() == std::vector<std::string>{"zeta", "alpha", "ints", "mask", "scalar", "nothing"});
  CHECK(values(d["zeta"]) == V{0, 0.25, 0.5, 0.75, 1, 1.25});
  CHECK(d["alpha"].dtype() == kFloat64);
  CHECK(values(d["alpha"]) == V{1.5, -2.25, 1e300, -0.0});
  CHECK(d["ints"].data_ptr<int64_t>()[2] == (int64_t{1} << 40));
  CHECK(d["ints"].data_ptr<int64_t>()[3] == -(int64_t{1} << 62));
  CHECK(d["mask"].dtype() == kBool);
  CHECK(values(d["mask"]) == V{1, 0, 1});
  CHECK(d["scalar"].dim() == 0);
  CHECK(d["scalar"].item<float>() == 3.5f);
  CHECK(d["nothing"].sizes() == Shape{0, 3});
  CHECK(load_safetensors_metadata(path) ==
        std::map<std::string, std::string>{{"format", "pt"}, {"who", "make_module.py"}});
}

TEST_CASE("a PyTorch state dict loads into the same convis model", "[nn][module]") {
  auto model = std::make_shared<nn::SequentialImpl>(std::make_shared<nn::LinearImpl>(3, 4), std::make_shared<nn::BatchNorm1dImpl>(4),
                                                std::make_shared<nn::TanhImpl>(), std::make_shared<nn::LinearImpl>(4, 2));
  model->load(golden_path("module/model.safetensors"));
  model->eval();
  CHECK(model->ptr<nn::BatchNorm1dImpl>(1)->num_batches_tracked.item<int64_t>() == 1);
  CHECK_ALLCLOSE(model->forward(golden("module/model_x.npy")), golden("module/model_out.npy"));
  // save then load into a fresh model gives the same outputs
  std::string path = temp_path("model.safetensors");
  model->save(path);
  auto copy = std::make_shared<nn::SequentialImpl>(std::make_shared<nn::LinearImpl>(3, 4), std::make_shared<nn::BatchNorm1dImpl>(4),
                                               std::make_shared<nn::TanhImpl>(), std::make_shared<nn::LinearImpl>(4, 2));
  copy->load(path);
  copy->eval();
  CHECK_ALLCLOSE(copy->forward(golden("module/model_x.npy")), golden("module/model_out.npy"));
  std::remove(path.c_str());
  nn::Sequential wrong(std::make_shared<nn::LinearImpl>(3, 5));
  CHECK_THROWS_WITH(wrong->load(golden_path("module/model.safetensors")), Catch::Contains("size mismatch for 0.weight"));
}

TEST_CASE("malformed safetensors bytes throw Error", "[nn][module]") {
  std::string good = to_safetensors_bytes(sample());
  auto fails = [](const std::string& bytes, const std::string& what) {
    CHECK_THROWS_WITH(from_safetensors_bytes(bytes), Catch::Contains("[load_safetensors]") && Catch::Contains(what));
  };
  fails("", "at least 8 bytes");
  fails(good.substr(0, 7), "at least 8 bytes");
  // Every truncation of a good file is refused.
  for (size_t len = 8; len < good.size(); len += 3) CHECK_THROWS_AS(from_safetensors_bytes(good.substr(0, len)), Error);
  std::string huge = good;
  uint64_t big = uint64_t(1) << 62;
  std::memcpy(huge.data(), &big, 8);
  fails(huge, "header length");
  fails(with_header("{not json", ""), "malformed");
  fails(with_header("[1, 2]", ""), "JSON object");
  fails(with_header(R"({"a": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}})", "xx"), "F32, F64, I64 or BOOL");
  fails(with_header(R"({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}})", "xxxx"), "non-negative");
  fails(with_header(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}})", "xxxxxxxx"),
        "to span 8 bytes, got data_offsets [0, 4]");
  fails(with_header(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 8]}})", "xxxx"), "inside the 4 data");
  fails(with_header(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}})", "xxxx"), "inside the 4 data");
  fails(with_header(R"({"a": {"dtype": "F32", "shape": [1]}})", "xxxx"), "dtype, shape and data_offsets");
  fails(with_header(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
                        "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})",
                    "xxxx"),
        "to start at byte 4");
  fails(with_header(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", "xxxxxxxx"),
        "to start at byte 0");
  fails(with_header(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", "xxxxxx"),
        "cover all 6 data bytes");
  fails(with_header(R"({"a": {"dtype": "I64", "shape": [4611686018427387904, 4], "data_offsets": [0, 8]}})",
                    "xxxxxxxx"),
        "more than the file's");
  fails(with_header(R"({"__metadata__": {"k": 1}})", ""), "values to be strings");
  CHECK_THROWS_WITH(load_safetensors("/nonexistent/x.safetensors"), Catch::Contains("readable file"));
  // An empty dict is a valid file.
  CHECK(from_safetensors_bytes(to_safetensors_bytes({})).size() == 0);
}
