// bench/bench_autograd.cpp: per-node overhead of the autograd engine, against LibTorch.
//
//   backward_chain:  backward() through a chain of 1000 size-1 tanh nodes, per node
//   record_forward:  recording one size-1 tanh while grad mode is on, per op
//   eager_op:        one size-1 tanh under NoGradGuard, per op
// LibTorch 1.13 on this machine (perf-anchors.md): 3.4-8.5 us per backward node,
// 3-5 us per recorded op, 0.8-1.4 us per eager op.
#include <convis/convis.h>

#include "compare.h"

#ifdef CONVIS_BENCH_WITH_LIBTORCH
#include <torch/torch.h>
#endif

namespace {

constexpr int kChain = 1000;

template <typename Make, typename Tanh, typename Backward>
void chain_backward(benchmark::State& state, Make make_leaf, Tanh tanh, Backward backward) {
  for (auto _ : state) {
    state.PauseTiming();
    auto x = make_leaf();
    auto y = x;
    for (int i = 0; i < kChain; ++i) y = tanh(y);
    state.ResumeTiming();
    backward(y);
  }
  state.counters["per"] = kChain;
}

void BM_convis_backward_chain(benchmark::State& state) {
  chain_backward(
      state, [] { return convis::ones({1}, convis::TensorOptions().requires_grad(true)); },
      [](const convis::Tensor& t) { return t.tanh(); }, [](const convis::Tensor& y) { y.sum().backward(); });
}
BENCHMARK(BM_convis_backward_chain);

void BM_convis_record_forward(benchmark::State& state) {
  convis::Tensor x = convis::ones({1}, convis::TensorOptions().requires_grad(true));
  for (auto _ : state) {
    convis::Tensor y = x;
    for (int i = 0; i < kChain; ++i) y = y.tanh();
    benchmark::DoNotOptimize(y);
  }
  state.counters["per"] = kChain;
}
BENCHMARK(BM_convis_record_forward);

void BM_convis_eager_op(benchmark::State& state) {
  convis::NoGradGuard no_grad;
  convis::Tensor x = convis::ones({1});
  for (auto _ : state) benchmark::DoNotOptimize(x.tanh());
}
BENCHMARK(BM_convis_eager_op);

#ifdef CONVIS_BENCH_WITH_LIBTORCH
void BM_torch_backward_chain(benchmark::State& state) {
  chain_backward(
      state, [] { return torch::ones({1}, torch::TensorOptions().requires_grad(true)); },
      [](const torch::Tensor& t) { return t.tanh(); }, [](const torch::Tensor& y) { y.sum().backward(); });
}
BENCHMARK(BM_torch_backward_chain);

void BM_torch_record_forward(benchmark::State& state) {
  torch::Tensor x = torch::ones({1}, torch::TensorOptions().requires_grad(true));
  for (auto _ : state) {
    torch::Tensor y = x;
    for (int i = 0; i < kChain; ++i) y = y.tanh();
    benchmark::DoNotOptimize(y);
  }
  state.counters["per"] = kChain;
}
BENCHMARK(BM_torch_record_forward);

void BM_torch_eager_op(benchmark::State& state) {
  torch::NoGradGuard no_grad;
  torch::Tensor x = torch::ones({1});
  for (auto _ : state) benchmark::DoNotOptimize(x.tanh());
}
BENCHMARK(BM_torch_eager_op);
#endif

}  // namespace

int main(int argc, char** argv) { return convis_bench::run(argc, argv, "microseconds per node or op"); }
