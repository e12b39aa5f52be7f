// bench/bench_autograd.cpp: per-node overhead of the autograd engine, against LibTorch.
//
//   backward_chain:      backward() through a chain of 1000 size-1 tanh nodes, per node
//   record_forward:      recording one size-1 tanh while grad mode is on, per op
//   eager_op:            one size-1 tanh under NoGradGuard, per op
//   *_mul_scalar:        the same three with y = y * 1.0001 (a plain number as operand)
// LibTorch 1.13 on the development machine (C++, measured when this bench was written): tanh 3.4 us per backward node, 1.6 us
// per recorded op, 0.8 us per eager op; scalar mul 5.0 / 3.0 / 2.5-3.1 us.
//
// Each work item is written once, as a template over the library (Convis or Torch below), so
// both sides run exactly the same loop.
#include <convis/convis.h>

#include "compare.h"

#ifdef CONVIS_BENCH_WITH_LIBTORCH
#include <torch/torch.h>
#endif

namespace {

constexpr int kChain = 1000;

struct Convis {
  using Tensor = convis::Tensor;
  using NoGrad = convis::NoGradGuard;
  static Tensor leaf(bool requires_grad) {
    return convis::ones({1}, convis::TensorOptions().requires_grad(requires_grad));
  }
};
#ifdef CONVIS_BENCH_WITH_LIBTORCH
struct Torch {
  using Tensor = torch::Tensor;
  using NoGrad = torch::NoGradGuard;
  static Tensor leaf(bool requires_grad) { return torch::ones({1}, torch::TensorOptions().requires_grad(requires_grad)); }
};
#endif

using convis_bench::Tanh;
struct MulScalarOp {
  template <typename T>
  T operator()(const T& y) const {
    return y * 1.0001;
  }
};

template <typename Lib, typename Op>
void backward_chain(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    auto x = Lib::leaf(true);
    auto y = x;
    for (int i = 0; i < kChain; ++i) y = Op()(y);
    state.ResumeTiming();
    y.sum().backward();
  }
  state.counters["per"] = kChain;
}

template <typename Lib, typename Op>
void record_forward(benchmark::State& state) {
  auto x = Lib::leaf(true);
  for (auto _ : state) {
    auto y = x;
    for (int i = 0; i < kChain; ++i) y = Op()(y);
    benchmark::DoNotOptimize(y);
  }
  state.counters["per"] = kChain;
}

template <typename Lib, typename Op>
void eager_op(benchmark::State& state) {
  typename Lib::NoGrad no_grad;
  auto x = Lib::leaf(false);
  for (auto _ : state) benchmark::DoNotOptimize(Op()(x));
}

// BM_<lib>_<work>, as compare.h pairs them.
#define CONVIS_BENCH_WORK(lib, Lib)                                                               \
  BENCHMARK_TEMPLATE(backward_chain, Lib, Tanh)->Name("BM_" #lib "_backward_chain");              \
  BENCHMARK_TEMPLATE(record_forward, Lib, Tanh)->Name("BM_" #lib "_record_forward");              \
  BENCHMARK_TEMPLATE(eager_op, Lib, Tanh)->Name("BM_" #lib "_eager_op");                          \
  BENCHMARK_TEMPLATE(backward_chain, Lib, MulScalarOp)->Name("BM_" #lib "_backward_chain_mul_scalar"); \
  BENCHMARK_TEMPLATE(record_forward, Lib, MulScalarOp)->Name("BM_" #lib "_record_forward_mul_scalar"); \
  BENCHMARK_TEMPLATE(eager_op, Lib, MulScalarOp)->Name("BM_" #lib "_eager_op_mul_scalar");

CONVIS_BENCH_WORK(convis, Convis)
#ifdef CONVIS_BENCH_WITH_LIBTORCH
CONVIS_BENCH_WORK(torch, Torch)
#endif

}  // namespace

int main(int argc, char** argv) { return convis_bench::run(argc, argv, "microseconds per node or op"); }
