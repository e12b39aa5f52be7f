// bench/bench_kernels.cpp: the CPU kernels against LibTorch, side by side in one run, with
// throughput counters against this machine's limits (bench/calibrate.h).
//
//   ./build-bench/bench/bench_kernels --benchmark_out=run.json --benchmark_out_format=json
//   python3 scripts/bench_report.py run.json torch2.json    # table + chart (README)
//
// Work names (bench/torch2_kernels.py times PyTorch 2.x on the same names):
//   matmul_<m>x<k>x<n>, matmul_<n> (square), matmul_t_1024 (A^T B), bmm_64x64x64x64
//   add_inplace_1e7 (a += b), add_alloc_1e7 (c = a + b), exp/tanh/sigmoid_1e7
//   sum_1e7, sum_dim1_1000x10000 (inner), sum_dim0_1000x10000 (outer)
//   softmax_1000x10000 (dim 1), contiguous_transpose_1000x10000, add_size1 (per-op cost)
// Counters: GFLOP/s (matmul) or GB/s (the rest: bytes read + written once), and the
// calibration as context (fma_peak_gflops, stream_triad_gbs, stream_copy_gbs), from which
// bench_report.py derives % of peak.  Both libraries run on CONVIS_BENCH_THREADS threads
// (default 2); everything under NoGradGuard; float32.
#include <convis/convis.h>

#include <cstdlib>
#include <string>

#include "calibrate.h"
#include "compare.h"

#ifdef CONVIS_BENCH_WITH_LIBTORCH
#include <torch/torch.h>
#endif

namespace {

using convis_bench::bench_threads;

struct Convis {
  using Tensor = convis::Tensor;
  using NoGrad = convis::NoGradGuard;
  static void threads(int n) { convis::set_num_threads(n); }
  static Tensor randn(std::initializer_list<int64_t> s) { return convis::randn(convis::Shape(s)); }
  static Tensor softmax(const Tensor& x) { return convis::softmax(x, 1); }
  static Tensor sum_dim(const Tensor& x, int64_t d) { return x.sum({d}); }
};
#ifdef CONVIS_BENCH_WITH_LIBTORCH
struct Torch {
  using Tensor = torch::Tensor;
  using NoGrad = torch::NoGradGuard;
  static void threads(int n) { torch::set_num_threads(n); }
  static Tensor randn(std::initializer_list<int64_t> s) { return torch::randn(s); }
  static Tensor softmax(const Tensor& x) { return torch::softmax(x, 1); }
  static Tensor sum_dim(const Tensor& x, int64_t d) { return x.sum(d); }
};
#endif

void rate(benchmark::State& state, const char* name, double per_iteration) {
  state.counters[name] = benchmark::Counter(per_iteration, benchmark::Counter::kIsIterationInvariantRate,
                                            benchmark::Counter::kIs1000);
}

template <typename Lib>
void matmul(benchmark::State& state) {
  Lib::threads(bench_threads());
  typename Lib::NoGrad no_grad;
  const int64_t m = state.range(0), k = state.range(1), n = state.range(2), batch = state.range(3);
  const bool transposed = state.range(4) != 0;
  auto a = batch > 1 ? Lib::randn({batch, m, k}) : transposed ? Lib::randn({k, m}).t() : Lib::randn({m, k});
  auto b = batch > 1 ? Lib::randn({batch, k, n}) : Lib::randn({k, n});
  for (auto _ : state) benchmark::DoNotOptimize(a.matmul(b));
  rate(state, "GFLOP/s", 2e-9 * double(batch * m * n * k));
}

enum class Work { add_inplace, add_alloc, exp, tanh, sigmoid, sum, sum_dim1, sum_dim0, softmax, transpose, add_size1 };

// Bytes each work moves once: inputs read plus outputs written.
double bytes(Work w, int64_t n) {
  switch (w) {
    case Work::add_inplace:
    case Work::add_alloc: return 12.0 * double(n);
    case Work::sum:
    case Work::sum_dim1:
    case Work::sum_dim0: return 4.0 * double(n);
    default: return 8.0 * double(n);
  }
}

template <typename Lib, Work W>
void memory_bound(benchmark::State& state) {
  Lib::threads(bench_threads());
  typename Lib::NoGrad no_grad;
  const bool matrix = W == Work::sum_dim1 || W == Work::sum_dim0 || W == Work::softmax || W == Work::transpose;
  const int64_t n = W == Work::add_size1 ? 1 : 10'000'000;
  auto a = matrix ? Lib::randn({1000, 10000}) : Lib::randn({n});
  auto b = matrix ? Lib::randn({1000, 10000}) : Lib::randn({n});
  for (auto _ : state) {
    if constexpr (W == Work::add_inplace) a.add_(b);
    else if constexpr (W == Work::add_alloc || W == Work::add_size1) benchmark::DoNotOptimize(a + b);
    else if constexpr (W == Work::exp) benchmark::DoNotOptimize(a.exp());
    else if constexpr (W == Work::tanh) benchmark::DoNotOptimize(a.tanh());
    else if constexpr (W == Work::sigmoid) benchmark::DoNotOptimize(a.sigmoid());
    else if constexpr (W == Work::sum) benchmark::DoNotOptimize(a.sum());
    else if constexpr (W == Work::sum_dim1) benchmark::DoNotOptimize(Lib::sum_dim(a, 1));
    else if constexpr (W == Work::sum_dim0) benchmark::DoNotOptimize(Lib::sum_dim(a, 0));
    else if constexpr (W == Work::softmax) benchmark::DoNotOptimize(Lib::softmax(a));
    else benchmark::DoNotOptimize(a.t().contiguous());
  }
  rate(state, "GB/s", 1e-9 * bytes(W, n));
}

// BM_<lib>_<work>, as compare.h pairs them.  matmul args: m, k, n, batch, A transposed.
#define CONVIS_BENCH_GEMM(lib, Lib, name, m, k, n, batch, t) \
  BENCHMARK_TEMPLATE(matmul, Lib)->Name("BM_" #lib "_" name)->Args({m, k, n, batch, t})->Unit(benchmark::kMicrosecond);
#define CONVIS_BENCH_MEM(lib, Lib, name, w) \
  BENCHMARK_TEMPLATE(memory_bound, Lib, Work::w)->Name("BM_" #lib "_" name)->Unit(benchmark::kMicrosecond);
#define CONVIS_BENCH_KERNELS(lib, Lib)                                    \
  CONVIS_BENCH_GEMM(lib, Lib, "matmul_64", 64, 64, 64, 1, 0)              \
  CONVIS_BENCH_GEMM(lib, Lib, "matmul_256", 256, 256, 256, 1, 0)          \
  CONVIS_BENCH_GEMM(lib, Lib, "matmul_1024", 1024, 1024, 1024, 1, 0)      \
  CONVIS_BENCH_GEMM(lib, Lib, "matmul_t_1024", 1024, 1024, 1024, 1, 1)    \
  CONVIS_BENCH_GEMM(lib, Lib, "matmul_128x784x512", 128, 784, 512, 1, 0)  \
  CONVIS_BENCH_GEMM(lib, Lib, "matmul_128x512x10", 128, 512, 10, 1, 0)    \
  CONVIS_BENCH_GEMM(lib, Lib, "bmm_64x64x64x64", 64, 64, 64, 64, 0)       \
  CONVIS_BENCH_MEM(lib, Lib, "add_inplace_1e7", add_inplace)              \
  CONVIS_BENCH_MEM(lib, Lib, "add_alloc_1e7", add_alloc)                  \
  CONVIS_BENCH_MEM(lib, Lib, "exp_1e7", exp)                              \
  CONVIS_BENCH_MEM(lib, Lib, "tanh_1e7", tanh)                            \
  CONVIS_BENCH_MEM(lib, Lib, "sigmoid_1e7", sigmoid)                      \
  CONVIS_BENCH_MEM(lib, Lib, "sum_1e7", sum)                              \
  CONVIS_BENCH_MEM(lib, Lib, "sum_dim1_1000x10000", sum_dim1)             \
  CONVIS_BENCH_MEM(lib, Lib, "sum_dim0_1000x10000", sum_dim0)             \
  CONVIS_BENCH_MEM(lib, Lib, "softmax_1000x10000", softmax)               \
  CONVIS_BENCH_MEM(lib, Lib, "contiguous_transpose_1000x10000", transpose) \
  CONVIS_BENCH_MEM(lib, Lib, "add_size1", add_size1)

CONVIS_BENCH_KERNELS(convis, Convis)
// matmul_2048 for convis only: LibTorch 1.13 from Debian multiplies with reference BLAS at a
// few GFLOP/s, seconds per product (PyTorch 2.x times it in bench/torch2_kernels.py).
CONVIS_BENCH_GEMM(convis, Convis, "matmul_2048", 2048, 2048, 2048, 1, 0)
#ifdef CONVIS_BENCH_WITH_LIBTORCH
CONVIS_BENCH_KERNELS(torch, Torch)
#endif

}  // namespace

int main(int argc, char** argv) {
  convis_bench::calibrate_and_report(bench_threads(), std::string(convis::cpu_capability()));
  return convis_bench::run(argc, argv, "microseconds per iteration");
}
