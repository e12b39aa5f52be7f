// bench/bench_conv.cpp: conv3d on the convis shapes against LibTorch, side by side in one run,
// with GFLOP/s and the machine's FMA peak (bench/calibrate.h) for the % of peak.
//
//   ./build/bench/bench_conv --benchmark_filter=fwd_a
//   CONVIS_CONV_ALGO=gemm ./build/bench/bench_conv     # the im2col + GEMM algorithm instead
//
// Shapes (input N,C,T,H,W ; weight Cout,Cin,kt,kh,kw), stride 1, no padding, float32:
//   a 1,1,200,64,64 ; 1,1,10,7,7      b 1,1,100,128,128 ; 1,1,20,9,9
//   c 1,1,500,32,32 ; 1,1,50,1,1      d 1,1,100,128,128 ; 1,1,1,15,15
//   e 2,4,64,64,64 ; 8,4,3,3,3
// Works: conv3d_fwd_<s> (no grad), conv3d_fwdbwd_<s> (input and weight require grad; forward,
// then backward of the sum of output * a fixed gradient), conv3d_stream50_<s> (50 calls of one
// output frame each, given the kt - 1 frames before it: a stateful filter frame by frame).
// bench/torch2_conv.py times PyTorch 2.x on the same names.
#include <convis/convis.h>

#include <array>
#include <cstdlib>
#include <string>

#include "calibrate.h"
#include "compare.h"

#ifdef CONVIS_BENCH_WITH_LIBTORCH
#include <torch/torch.h>
#endif

namespace {

using convis_bench::bench_threads;

struct Shape5 {
  std::array<int64_t, 5> x, w;
};
constexpr Shape5 kShapes[] = {
    {{1, 1, 200, 64, 64}, {1, 1, 10, 7, 7}},   {{1, 1, 100, 128, 128}, {1, 1, 20, 9, 9}},
    {{1, 1, 500, 32, 32}, {1, 1, 50, 1, 1}},   {{1, 1, 100, 128, 128}, {1, 1, 1, 15, 15}},
    {{2, 4, 64, 64, 64}, {8, 4, 3, 3, 3}},
};

double flops(const Shape5& s, int64_t out_frames) {
  const int64_t oh = s.x[3] - s.w[3] + 1, ow = s.x[4] - s.w[4] + 1;
  return 2.0 * double(s.x[0] * s.w[0] * out_frames * oh * ow * s.w[1] * s.w[2] * s.w[3] * s.w[4]);
}

struct Convis {
  using Tensor = convis::Tensor;
  using NoGrad = convis::NoGradGuard;
  static void threads(int n) { convis::set_num_threads(n); }
  static Tensor randn(const std::array<int64_t, 5>& s) { return convis::randn(convis::Shape(s.begin(), s.end())); }
  static Tensor conv(const Tensor& x, const Tensor& w) { return convis::conv3d(x, w); }
  static Tensor frames(const Tensor& x, int64_t t, int64_t n) { return x.slice(2, t, t + n); }
};
#ifdef CONVIS_BENCH_WITH_LIBTORCH
struct Torch {
  using Tensor = torch::Tensor;
  using NoGrad = torch::NoGradGuard;
  static void threads(int n) { torch::set_num_threads(n); }
  static Tensor randn(const std::array<int64_t, 5>& s) { return torch::randn({s[0], s[1], s[2], s[3], s[4]}); }
  static Tensor conv(const Tensor& x, const Tensor& w) { return torch::conv3d(x, w); }
  static Tensor frames(const Tensor& x, int64_t t, int64_t n) { return x.slice(2, t, t + n); }
};
#endif

enum class Mode { fwd, fwdbwd, stream50 };

template <typename Lib, Mode M>
void conv(benchmark::State& state) {
  Lib::threads(bench_threads());
  const Shape5& s = kShapes[state.range(0)];
  auto x = Lib::randn(s.x), w = Lib::randn(s.w);
  const int64_t kt = s.w[2], out_frames = s.x[2] - kt + 1;
  if constexpr (M == Mode::fwdbwd) {
    x.requires_grad_(true);
    w.requires_grad_(true);
    auto g = Lib::conv(x.detach(), w.detach());
    g = g * 0 + 1;
    for (auto _ : state) {
      Lib::conv(x, w).backward(g);
      benchmark::DoNotOptimize(w.grad());
    }
    state.counters["GFLOP/s"] = benchmark::Counter(3e-9 * flops(s, out_frames), benchmark::Counter::kIsIterationInvariantRate);
    return;
  }
  typename Lib::NoGrad no_grad;
  if constexpr (M == Mode::fwd) {
    for (auto _ : state) benchmark::DoNotOptimize(Lib::conv(x, w));
    state.counters["GFLOP/s"] = benchmark::Counter(1e-9 * flops(s, out_frames), benchmark::Counter::kIsIterationInvariantRate);
  } else {
    for (auto _ : state)
      for (int64_t t = 0; t < 50; ++t) benchmark::DoNotOptimize(Lib::conv(Lib::frames(x, t, kt), w));
    state.counters["GFLOP/s"] = benchmark::Counter(1e-9 * flops(s, 50), benchmark::Counter::kIsIterationInvariantRate);
  }
}

#define CONVIS_BENCH_CONV_SHAPE(lib, Lib, s, i)                                                                       \
  BENCHMARK_TEMPLATE(conv, Lib, Mode::fwd)->Name("BM_" #lib "_conv3d_fwd_" #s)->Arg(i)->Unit(benchmark::kMillisecond); \
  BENCHMARK_TEMPLATE(conv, Lib, Mode::fwdbwd)->Name("BM_" #lib "_conv3d_fwdbwd_" #s)->Arg(i)->Unit(benchmark::kMillisecond); \
  BENCHMARK_TEMPLATE(conv, Lib, Mode::stream50)->Name("BM_" #lib "_conv3d_stream50_" #s)->Arg(i)->Unit(benchmark::kMillisecond);
#define CONVIS_BENCH_CONV(lib, Lib)         \
  CONVIS_BENCH_CONV_SHAPE(lib, Lib, a, 0)   \
  CONVIS_BENCH_CONV_SHAPE(lib, Lib, b, 1)   \
  CONVIS_BENCH_CONV_SHAPE(lib, Lib, c, 2)   \
  CONVIS_BENCH_CONV_SHAPE(lib, Lib, d, 3)   \
  CONVIS_BENCH_CONV_SHAPE(lib, Lib, e, 4)

CONVIS_BENCH_CONV(convis, Convis)
#ifdef CONVIS_BENCH_WITH_LIBTORCH
CONVIS_BENCH_CONV(torch, Torch)
#endif

}  // namespace

int main(int argc, char** argv) {
  convis_bench::calibrate_and_report(bench_threads(), std::string(convis::cpu_capability()));
  const std::string algorithm(convis::conv_algorithm_name(convis::conv_algorithm()));
  benchmark::AddCustomContext("conv_algorithm", algorithm);
  std::printf("conv algorithm: %s\n", algorithm.c_str());
  return convis_bench::run(argc, argv, "microseconds per iteration");
}
