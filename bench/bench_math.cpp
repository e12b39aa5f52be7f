// bench/bench_math.cpp: float32 tanh, exp and sigmoid on a 1<<16-element contiguous tensor
// (kernels/cpu/fast_math.h, vectorised), and tanh on a size-1 tensor, against LibTorch.
//
//   tanh_64k:  y = x.tanh() with x of 65536 floats in [-5, 5], per op
//   exp_64k, sigmoid_64k: the same for exp and sigmoid
//   tanh_1:    y = x.tanh() with one element, per op (the fixed cost per call)
// Both libraries run single-threaded (set_num_threads(1)) so the figures compare the kernels,
// not the thread pools; everything under NoGradGuard.  Each work item is one template over
// the library (Convis or Torch below), so both sides run the same loop.
#include <convis/convis.h>

#include "compare.h"

#ifdef CONVIS_BENCH_WITH_LIBTORCH
#include <torch/torch.h>
#endif

namespace {

constexpr int64_t kBig = int64_t(1) << 16;

struct Convis {
  using NoGrad = convis::NoGradGuard;
  static void single_thread() { convis::set_num_threads(1); }
  static convis::Tensor input(int64_t n) { return convis::linspace(-5.0, 5.0, n); }
};
#ifdef CONVIS_BENCH_WITH_LIBTORCH
struct Torch {
  using NoGrad = torch::NoGradGuard;
  static void single_thread() { torch::set_num_threads(1); }
  static torch::Tensor input(int64_t n) { return torch::linspace(-5.0, 5.0, n); }
};
#endif

using convis_bench::Tanh;
struct Exp {
  template <typename T>
  T operator()(const T& x) const {
    return x.exp();
  }
};
struct Sigmoid {
  template <typename T>
  T operator()(const T& x) const {
    return x.sigmoid();
  }
};

template <typename Lib, typename Op, int64_t N>
void unary(benchmark::State& state) {
  Lib::single_thread();
  typename Lib::NoGrad no_grad;
  auto x = Lib::input(N);
  for (auto _ : state) benchmark::DoNotOptimize(Op()(x));
}

// BM_<lib>_<work>, as compare.h pairs them.
#define CONVIS_BENCH_MATH(lib, Lib)                                                          \
  BENCHMARK_TEMPLATE(unary, Lib, Tanh, kBig)->Name("BM_" #lib "_tanh_64k");                  \
  BENCHMARK_TEMPLATE(unary, Lib, Exp, kBig)->Name("BM_" #lib "_exp_64k");                    \
  BENCHMARK_TEMPLATE(unary, Lib, Sigmoid, kBig)->Name("BM_" #lib "_sigmoid_64k");            \
  BENCHMARK_TEMPLATE(unary, Lib, Tanh, 1)->Name("BM_" #lib "_tanh_1");

CONVIS_BENCH_MATH(convis, Convis)
#ifdef CONVIS_BENCH_WITH_LIBTORCH
CONVIS_BENCH_MATH(torch, Torch)
#endif

}  // namespace

int main(int argc, char** argv) { return convis_bench::run(argc, argv, "microseconds per op"); }
