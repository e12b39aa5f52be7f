// Tensors of more than 2^31 elements (issue 15): sizes, strides, offsets and loop counters are
// int64 all the way, and summing bools counts them in place (an int64 copy would take 17 GB).  A bool tensor of 2^31 + 18 elements (2 GiB) is filled, indexed, viewed,
// reduced past the 2^31 boundary.
#include "helpers.h"

using namespace convis;

TEST_CASE("a bool tensor of more than 2^31 elements indexes, views and reduces correctly", "[slow][large]") {
  const int64_t n = (int64_t(1) << 31) + 18, far = (int64_t(1) << 31) + 5;
  Tensor b = zeros({n}, TensorOptions().dtype(kBool));
  REQUIRE(b.numel() == n);
  b[far].fill_(true);
  b[7].fill_(true);
  CHECK(b[far].item<bool>());
  CHECK(b.sum().item<int64_t>() == 2);
  CHECK(b.narrow(0, int64_t(1) << 31, 18).sum().item<int64_t>() == 1);
  CHECK(b.narrow(0, far, 1).all().item<bool>());
  CHECK_FALSE(b.narrow(0, far + 1, n - far - 1).any().item<bool>());
  Tensor rows = b.view({2, n / 2});  // row 1 starts at 2^30 + 9
  CHECK(rows[1][far - n / 2].item<bool>());
  CHECK(rows.sum(1).to(kInt64)[1].item<int64_t>() == 1);
  Tensor every_other = b.slice(0, 1, n, 2);  // far is odd: element (far - 1) / 2
  CHECK(every_other.numel() == n / 2);
  CHECK(every_other[(far - 1) / 2].item<bool>());
  CHECK(b.flip({0})[n - 1 - far].item<bool>());
}
