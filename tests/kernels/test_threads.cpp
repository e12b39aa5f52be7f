// Intra-op threads (Note [Deterministic threads]): elementwise, reductions, copies and GEMM
// give the same bits for 1, 2 and 3 threads at every level, on inputs big enough to split,
// and a thread count set with set_num_threads is what the kernels use.
#include <omp.h>

#include "helpers.h"
#include "kernels/levels.h"

using namespace convis;
using convis_test::available_levels;
using convis_test::LevelGuard;
using convis_test::ThreadGuard;
using convis_test::same_bits;

TEST_CASE("every kernel family gives the same bits for 1, 2 and 3 threads", "[kernels]") {
  LevelGuard levels;
  ThreadGuard threads;
  manual_seed(11);
  // 3001 x 111: odd sizes, 333k elements (several threads' worth), rows over kReduceBlock
  // once flattened, and a sum over dim 0 through the blocked-output walk.
  for (DType dt : {kFloat32, kFloat64}) {
    Tensor x = randn({3001, 111}, dt) * 4.0;
    Tensor wide = randn({7, 40001}, dt);  // one long row per output: block sums
    for (CpuCapability level : available_levels()) {
      cpu::use_cpu_capability(level);
      set_num_threads(1);
      std::vector<Tensor> want;
      for (auto& [name, op] : convis_test::kernel_ops()) want.push_back(op(x));
      Tensor want_rows = wide.sum({1}), want_all = wide.sum();
      for (int n : {2, 3}) {
        set_num_threads(n);
        size_t k = 0;
        for (auto& [name, op] : convis_test::kernel_ops()) {
          INFO(name << " at " << cpu_capability() << " in " << dtype_name(dt) << " on " << n << " threads");
          CHECK(same_bits(op(x), want[k++]));
        }
        CHECK(same_bits(wide.sum({1}), want_rows));
        CHECK(same_bits(wide.sum(), want_all));
      }
    }
  }
}

TEST_CASE("a big sum keeps its accuracy: 1e7 float ones, and 0.1f against float64", "[kernels]") {
  ThreadGuard threads;
  for (int n : {1, 2}) {
    set_num_threads(n);
    CHECK(ones({10000000}).sum().item<float>() == 10000000.0f);
    Tensor tenths = full({3000001}, 0.1, kFloat32);
    const double exact = 3000001.0 * double(0.1f);
    CHECK(tenths.sum().item<float>() == float(exact));                      // the float64 sum, rounded once
    CHECK(tenths.to(kFloat64).sum().item<double>() == Approx(exact).epsilon(1e-15));
  }
}

TEST_CASE("set_num_threads is the number of threads the kernels use", "[kernels]") {
  ThreadGuard threads;
  set_num_threads(3);
  CHECK(get_num_threads() == 3);
  CHECK(omp_get_max_threads() == 3);  // parallel_for's limit (kernels/cpu/parallel.h)
  set_num_threads(1);
  CHECK(omp_get_max_threads() == 1);
}

TEST_CASE("a transposed copy in tiles equals the element-by-element copy", "[kernels]") {
  // Note [Blocked transpose]: shapes around the 32 x 32 tile, a batch dim, a sliced input
  // (row stride above its width) and an output view; checked against the view itself.
  ThreadGuard threads;
  manual_seed(12);
  for (int n : {1, 2}) {
    set_num_threads(n);
    for (DType dt : {kFloat32, kFloat64, kInt64}) {
      for (auto [r, c] : {std::pair{32, 32}, {33, 65}, {100, 37}, {1000, 301}}) {
        Tensor x = (randn({r, c}) * 100).to(dt);
        Tensor y = x.t().contiguous();
        CHECK(y.is_contiguous());
        CHECK(equal(y, x.t()));
      }
      Tensor batch = (randn({5, 40, 70}) * 100).to(dt);
      CHECK(equal(batch.permute({0, 2, 1}).contiguous(), batch.permute({0, 2, 1})));
      Tensor wide = (randn({90, 130}) * 100).to(dt);
      Tensor sliced = wide.slice(1, 3, 103);  // [90, 100], row stride 130
      CHECK(equal(sliced.t().contiguous(), sliced.t()));
      Tensor out = zeros({200, 90}, dt);
      out.slice(0, 50, 150).copy_(sliced.t());  // into a view of a bigger output
      CHECK(equal(out.slice(0, 50, 150), sliced.t()));
      CHECK(equal(out.slice(0, 0, 50), zeros({50, 90}, dt)));
    }
  }
}

TEST_CASE("long lines through the vectorised and blocked walks match a float64 reference", "[kernels]") {
  // Sizes past the 16 summing lanes, past kOutputBlock (1024 outputs) and kReduceBlock
  // (32768 elements), with a NaN line and a -inf entry, on 1 and 2 threads.
  ThreadGuard threads;
  manual_seed(13);
  Tensor x = randn({6, 40001}) * 3.0;
  x.select(0, 2).select(0, 17).fill_(std::nan(""));
  x.select(0, 4).select(0, 5).fill_(-INFINITY);
  Tensor x64 = x.to(kFloat64);
  Tensor e = (x64 - x64.amax({1}, true)).exp();
  Tensor want_softmax = e / e.sum({1}, true), want_log = (x64 - x64.amax({1}, true)) - e.sum({1}, true).log();
  Tensor cols = randn({7, 2500});
  for (int n : {1, 2}) {
    set_num_threads(n);
    INFO(n << " threads");
    CHECK_ALLCLOSE_TOL(softmax(x, 1).to(kFloat64), want_softmax, 1e-5, 1e-7);
    CHECK_ALLCLOSE_TOL(log_softmax(x, 1).to(kFloat64), want_log, 1e-5, 1e-5);
    CHECK(softmax(x, 1).select(0, 2).isnan().all().item<bool>());  // the NaN line stays NaN
    CHECK_ALLCLOSE_TOL(x.sum({1}).to(kFloat64), x64.sum({1}), 1e-6, 1e-3);
    CHECK_ALLCLOSE_TOL(cols.sum({0}).to(kFloat64), cols.to(kFloat64).sum({0}), 1e-6, 1e-5);
    CHECK_ALLCLOSE_TOL(cols.amax({0}).to(kFloat64), cols.to(kFloat64).amax({0}), 0, 0);
  }
}
