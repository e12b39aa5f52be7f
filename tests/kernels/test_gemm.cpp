// The CPU GEMM (kernels/cpu/gemm_blocked.cpp and linalg.cpp) at every capability level:
// against a float64 triple loop on odd sizes, strides and transposes, across the packed and
// plain paths, and the same bits for 1, 2 and 3 threads (Note [GEMM arithmetic]).
#include <cmath>

#include "helpers.h"
#include "kernels/levels.h"

using namespace convis;
using convis_test::available_levels;
using convis_test::LevelGuard;
using convis_test::naive_mm;
using convis_test::same_bits;

namespace {

struct Dims {
  int64_t m, k, n;
};

// Sizes around the tile edges (MR 6/12, NR 16/32 floats), k over two KC blocks of 256, one
// row or one column, and products small enough for the plain path.
const Dims kDims[] = {{1, 1, 1}, {5, 7, 3},     {1, 300, 40},   {40, 300, 1},   {13, 17, 33},
                      {37, 300, 53}, {64, 513, 33}, {130, 257, 97}, {97, 64, 200}, {200, 40, 31}};

// |c - ref| <= k * eps * sum |a||b|, elementwise: the bound of any order of k rounded products.
void check_close(const Tensor& c, const Tensor& a, const Tensor& b) {
  const double eps = c.dtype() == kFloat32 ? 0x1p-24 : 0x1p-53;
  Tensor ref = naive_mm(a, b), bound = naive_mm(a.abs(), b.abs()) * (double(a.size(1) + 2) * eps) + 1e-300;
  Tensor err = (c.to(kFloat64) - ref).abs();
  INFO("worst error / bound " << (err / bound).max().item<double>());
  CHECK((err <= bound).all().item<bool>());
}

// a (m x k) and b (k x n) laid out four ways: plain, a transposed, b transposed, both stepped.
std::vector<std::pair<Tensor, Tensor>> layouts(Dims d, DType dt) {
  Tensor a = randn({d.m, d.k}, dt), b = randn({d.k, d.n}, dt);
  Tensor at = randn({d.k, d.m}, dt).t(), bt = randn({d.n, d.k}, dt).t();
  Tensor as = randn({d.m, 2 * d.k}, dt).slice(1, 0, 2 * d.k, 2), bs = randn({2 * d.k, d.n}, dt).slice(0, 1, 2 * d.k, 2);
  return {{a, b}, {at, b}, {a, bt}, {as, bs}};
}

}  // namespace

TEST_CASE("matmul matches a float64 triple loop at every level, size and layout", "[kernels][linalg]") {
  LevelGuard guard;
  manual_seed(3);
  for (CpuCapability level : available_levels()) {
    cpu::use_cpu_capability(level);
    for (DType dt : {kFloat32, kFloat64})
      for (Dims d : kDims)
        for (auto& [a, b] : layouts(d, dt)) {
          INFO(cpu_capability() << " " << dtype_name(dt) << " " << d.m << "x" << d.k << "x" << d.n << " strides "
                                << to_string(a.strides()) << " " << to_string(b.strides()));
          check_close(mm(a, b), a, b);
        }
  }
}

TEST_CASE("a product's bits do not depend on the thread count", "[kernels][linalg]") {
  LevelGuard guard;
  const int before = get_num_threads();
  manual_seed(4);
  for (CpuCapability level : available_levels()) {
    cpu::use_cpu_capability(level);
    for (DType dt : {kFloat32, kFloat64}) {
      Tensor a = randn({301, 520}, dt), b = randn({520, 299}, dt);   // two KC blocks, threaded tiles
      Tensor ba = randn({6, 70, 80}, dt), bb = randn({80, 90}, dt);  // a batch run in parallel
      set_num_threads(1);
      Tensor c1 = mm(a, b), bc1 = matmul(ba, bb);
      for (int threads : {2, 3}) {
        set_num_threads(threads);
        INFO(cpu_capability() << " " << dtype_name(dt) << " threads " << threads);
        CHECK(same_bits(mm(a, b), c1));
        CHECK(same_bits(matmul(ba, bb), bc1));
      }
    }
  }
  set_num_threads(before);
}

TEST_CASE("a block of the product has the bits of the whole product's block", "[kernels][linalg]") {
  // A narrow slice of b takes the plain path, the whole b the packed one; the sums are the
  // same (what lets a convolution run in chunks give the bits of the whole run).
  LevelGuard guard;
  manual_seed(5);
  for (CpuCapability level : available_levels()) {
    cpu::use_cpu_capability(level);
    for (DType dt : {kFloat32, kFloat64}) {
      Tensor a = randn({45, 700}, dt), b = randn({700, 150}, dt);
      Tensor whole = mm(a, b);
      INFO(cpu_capability() << " " << dtype_name(dt));
      CHECK(same_bits(mm(a, b.slice(1, 7, 8)), whole.slice(1, 7, 8)));     // one column
      CHECK(same_bits(mm(a, b.slice(1, 3, 5)), whole.slice(1, 3, 5)));     // two columns
      CHECK(same_bits(mm(a.slice(0, 2, 3), b), whole.slice(0, 2, 3)));     // one row
      CHECK(same_bits(mm(a.slice(0, 9, 40), b), whole.slice(0, 9, 40)));   // other tile edges
    }
  }
}

TEST_CASE("int64 matmul is exact and wraps on overflow", "[kernels][linalg]") {
  Tensor a = randint(-50, 50, {33, 41}), b = randint(-50, 50, {41, 27});
  CHECK(equal(mm(a, b).to(kFloat64), naive_mm(a, b)));
  Tensor big = full({1, 2}, int64_t(1) << 62, kInt64), two = full({2, 1}, 2, kInt64);
  CHECK(mm(big, two).item<int64_t>() == 0);  // 2 * 2^62 + 2 * 2^62 = 2^64 wraps to 0
}
