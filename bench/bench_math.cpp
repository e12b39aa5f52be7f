// bench/bench_math.cpp: float32 tanh, exp and sigmoid on a 1<<16-element contiguous tensor
// (kernels/cpu/fast_math.h, vectorised), and tanh on a size-1 tensor, against LibTorch.
//
//   tanh_64k:  y = x.tanh() with x of 65536 floats in [-5, 5], per op
//   exp_64k, sigmoid_64k: the same for exp and sigmoid
//   tanh_1:    y = x.tanh() with one element, per op (the fixed cost per call)
// Both libraries run single-threaded (set_num_threads(1)) so the figures compare the kernels,
// not the thread pools; everything under NoGradGuard.
#include <convis/convis.h>

#include "compare.h"

#ifdef CONVIS_BENCH_WITH_LIBTORCH
#include <torch/torch.h>
#endif

namespace {

constexpr int64_t kBig = int64_t(1) << 16;

template <typename Tensor, typename Make, typename Op>
void unary(benchmark::State& state, Make make, Op op) {
  Tensor x = make();
  for (auto _ : state) benchmark::DoNotOptimize(op(x));
}

convis::Tensor convis_input(int64_t n) {
  convis::NoGradGuard no_grad;
  return convis::linspace(-5.0, 5.0, n);
}

void BM_convis_tanh_64k(benchmark::State& state) {
  convis::set_num_threads(1);
  convis::NoGradGuard no_grad;
  unary<convis::Tensor>(state, [] { return convis_input(kBig); }, [](const convis::Tensor& x) { return x.tanh(); });
}
void BM_convis_exp_64k(benchmark::State& state) {
  convis::set_num_threads(1);
  convis::NoGradGuard no_grad;
  unary<convis::Tensor>(state, [] { return convis_input(kBig); }, [](const convis::Tensor& x) { return x.exp(); });
}
void BM_convis_sigmoid_64k(benchmark::State& state) {
  convis::set_num_threads(1);
  convis::NoGradGuard no_grad;
  unary<convis::Tensor>(state, [] { return convis_input(kBig); }, [](const convis::Tensor& x) { return x.sigmoid(); });
}
void BM_convis_tanh_1(benchmark::State& state) {
  convis::set_num_threads(1);
  convis::NoGradGuard no_grad;
  unary<convis::Tensor>(state, [] { return convis_input(1); }, [](const convis::Tensor& x) { return x.tanh(); });
}
BENCHMARK(BM_convis_tanh_64k);
BENCHMARK(BM_convis_exp_64k);
BENCHMARK(BM_convis_sigmoid_64k);
BENCHMARK(BM_convis_tanh_1);

#ifdef CONVIS_BENCH_WITH_LIBTORCH
torch::Tensor torch_input(int64_t n) { return torch::linspace(-5.0, 5.0, n); }

void BM_torch_tanh_64k(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::NoGradGuard no_grad;
  unary<torch::Tensor>(state, [] { return torch_input(kBig); }, [](const torch::Tensor& x) { return x.tanh(); });
}
void BM_torch_exp_64k(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::NoGradGuard no_grad;
  unary<torch::Tensor>(state, [] { return torch_input(kBig); }, [](const torch::Tensor& x) { return x.exp(); });
}
void BM_torch_sigmoid_64k(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::NoGradGuard no_grad;
  unary<torch::Tensor>(state, [] { return torch_input(kBig); }, [](const torch::Tensor& x) { return x.sigmoid(); });
}
void BM_torch_tanh_1(benchmark::State& state) {
  torch::set_num_threads(1);
  torch::NoGradGuard no_grad;
  unary<torch::Tensor>(state, [] { return torch_input(1); }, [](const torch::Tensor& x) { return x.tanh(); });
}
BENCHMARK(BM_torch_tanh_64k);
BENCHMARK(BM_torch_exp_64k);
BENCHMARK(BM_torch_sigmoid_64k);
BENCHMARK(BM_torch_tanh_1);
#endif

}  // namespace

int main(int argc, char** argv) { return convis_bench::run(argc, argv, "microseconds per op"); }
