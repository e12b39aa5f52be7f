// One table of user mistakes across the whole core: each must throw convis::Error whose
// message starts with the op in brackets and says what was expected and what came.
#include "helpers.h"

#include <functional>

using namespace convis;
using namespace convis::indexing;

namespace {
struct Misuse {
  const char* what;
  std::function<void()> call;
  const char* message;  // a substring the message must contain
};
}  // namespace

TEST_CASE("every misuse throws an Error naming the op, the expectation and what came", "[errors]") {
  Tensor m23 = zeros({2, 3}), m45 = zeros({4, 5}), v3 = zeros({3}), i3 = arange(3);
  Tensor video = zeros({1, 3, 4, 5, 5}), w = zeros({2, 4, 3, 3, 3});
  const std::vector<Misuse> misuses = {
      {"broadcast mismatch", [&] { m23 + zeros({4}); }, "[add] shapes [2, 3] and [4] do not broadcast"},
      {"bad dim", [&] { m23.sum({2}); }, "dim out of range"},
      {"duplicate dims", [&] { m23.sum({1, -1}); }, "expected distinct dims"},
      {"select out of range", [&] { m23.select(0, 2); }, "[select] index 2 is out of bounds for dim 0 with size 2"},
      {"view on incompatible strides", [&] { m23.t().view({6}); }, "[view] view size [6] is not compatible"},
      {"view with a wrong numel", [&] { m23.view({4}); }, "[view] shape [4] is invalid for input of size 6"},
      {"expand to a wrong size", [&] { v3.expand({2, 4}); }, "[expand] the expanded size 4 must match"},
      {"permute with too few dims", [&] { m23.permute({0}); }, "[permute] expected 2 dims"},
      {"matmul inner-size mismatch", [&] { matmul(m23, m45); }, "[matmul]"},
      {"mm on a vector", [&] { mm(v3, m23); }, "[mm]"},
      {"matmul dtype mismatch", [&] { matmul(m23, zeros({3, 2}, kFloat64)); }, "[matmul] expected scalar type"},
      {"conv channel mismatch", [&] { conv3d(video, w); }, "[conv3d] expected input with 4 channels"},
      {"conv groups", [&] { conv3d(zeros({1, 4, 4, 5, 5}), zeros({3, 4, 1, 1, 1}), {}, 1, 0, 1, 2); }, "[conv3d]"},
      {"conv wrong rank", [&] { conv3d(zeros({3, 3}), w); }, "[conv3d]"},
      {"pool kernel too big for padding", [&] { max_pool3d(video, {2, 2, 2}, {}, 2); }, "[max_pool3d]"},
      {"index dtype", [&] { index_select(m23, 1, zeros({2})); }, "expected index of dtype int64, got float32"},
      {"index out of range", [&] { index_select(m23, 1, tensor({0, 3})); }, "[index_select]"},
      {"gather out of range", [&] { gather(m23, 1, full({2, 1}, 7)); }, "[gather]"},
      {"too many indices", [&] { m23.index({0, 0, 0}); }, "[index]"},
      {"bad mask shape", [&] { m23.index({full({3, 2}, true)}); }, "[index]"},
      {"reflect pad too large", [&] { pad(zeros({1, 1, 4}), {5, 5}, PadMode::reflect); },
       "expected padding sizes less than the corresponding input dimension, but got: padding (5, 5)"},
      {"odd pad list", [&] { pad(m23, {1, 2, 3}); }, "[pad]"},
      {"cat of an empty list", [&] { cat({}, 0); }, "[cat] expected a non-empty list of tensors"},
      {"cat size mismatch", [&] { cat({m23, m45}, 0); }, "[cat]"},
      {"stack shape mismatch", [&] { stack({m23, m45}); }, "[stack]"},
      {"where with a float condition", [&] { where(m23, m23, m23); }, "[where]"},
      {"masked_fill with a float mask", [&] { m23.masked_fill(m23, 1.0); }, "[masked_fill]"},
      {"bool subtraction", [&] { full({2}, true) - full({2}, true); }, "[sub]"},
      {"in-place result type", [&] { i3.clone().div_(2); }, "can't be cast to the desired output type int64"},
      {"integer remainder by zero", [&] { remainder(i3, 0); }, "[remainder]"},
      {"mean of int64", [&] { i3.mean(); }, "[mean]"},
      {"max of an empty tensor", [&] { zeros({0}).max(); }, "[max]"},
      {"softmax dim", [&] { m23.softmax(2); }, "dim out of range"},
      {"item of many elements", [&] { m23.item(); }, "[item] expected a tensor with one element, got 6 elements"},
      {"data_ptr dtype", [&] { m23.data_ptr<double>(); }, "[data_ptr] expected a tensor of dtype float64"},
      {"rand of int64", [&] { rand({2}, kInt64); }, "[rand] expected a floating dtype"},
      {"randint bounds", [&] { randint(5, 5, {2}); }, "[randint] expected low < high"},
      {"negative size", [&] { zeros({-1}); }, "expected non-negative sizes"},
      {"bad device string", [&] { Device("gpu:0"); }, "[Device]"},
      {"npy truncated", [&] { from_npy_bytes(std::string("\x93NUMPY\x01\x00\x10", 9)); }, "[load_npy]"},
      {"npy missing file", [&] { load_npy("/nonexistent/x.npy"); }, "[load_npy]"},
      {"requires_grad on int64", [&] { arange(3).requires_grad_(); }, "[requires_grad_]"},
  };
  REQUIRE(misuses.size() >= 30);
  for (const Misuse& m : misuses) {
    INFO(m.what);
    CHECK_THROWS_WITH(m.call(), Catch::StartsWith("[") && Catch::Contains(m.message));
  }
}
