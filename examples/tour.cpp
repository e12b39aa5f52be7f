// examples/tour.cpp: a short tour of convis tensors, after the seed document's examples.
// Run: ./build/examples/tour
#include <convis/convis.h>

#include <iostream>

using namespace convis;

int main() {
  manual_seed(0);

  std::cout << "== Tensors from raw data (no copy) ==\n";
  double raw[6] = {1, 2, 3, 4, 5, 6};
  Tensor m = from_blob(raw, {2, 3}, kFloat64);
  std::cout << m << "\n";
  std::cout << "transposed view, strides " << m.t().strides() << ":\n" << m.t() << "\n";

  std::cout << "\n== (a + b).mean() on 10x10x10x10 float64 tensors ==\n";
  Tensor a = randn({10, 10, 10, 10}, kFloat64);
  Tensor b = randn({10, 10, 10, 10}, kFloat64);
  Tensor c = (a + b).mean();
  std::cout << c << "\n";

  std::cout << "\n== Broadcasting and type promotion ==\n";
  Tensor ints = arange(3).view({3, 1});  // int64 [3, 1]
  Tensor floats = tensor({0.5, 1.5});    // float32 [2]
  std::cout << ints + floats << "\n";    // float32 [3, 2]

  std::cout << "\n== Indexing views ==\n";
  using namespace indexing;
  Tensor x = arange(12).view({3, 4});
  std::cout << x.index({Slice(1, None), Slice(None, None, 2)}) << "\n";

  std::cout << "\n== Reductions ==\n";
  std::cout << "sum over dim 1:\n" << x.sum({1}) << "\n";
  auto [values, indices] = x.to(kFloat32).max(0);
  std::cout << "max over dim 0:\n" << values << "\nat rows\n" << indices << "\n";

  std::cout << "\n== A 3-D convolution over a short video [N=1, C=1, T=5, H=6, W=6] ==\n";
  Tensor video = rand({1, 1, 5, 6, 6});
  Tensor kernel = ones({1, 1, 3, 3, 3}) / 27.0;
  Tensor smoothed = conv3d(video, kernel, {}, 1, 1);
  std::cout << "output shape " << smoothed.sizes() << ", mean " << smoothed.mean().item<float>() << "\n";

  std::cout << "\n== Autograd: c = (a + b).mean(), then c.backward() ==\n";
  a.requires_grad_(true);
  b.requires_grad_(true);
  Tensor c2 = (a + b).mean();
  c2.backward();
  std::cout << "c.grad_fn() = " << c2.grad_fn()->name() << ", a.grad() has shape " << a.grad().sizes()
            << " and every element is " << a.grad()[0][0][0][0].item<double>() << " = 1/" << a.numel()
            << " (the gradient of a mean; a sum would give 1)\n";
  std::cout << "(more in examples/autograd_tour.cpp and docs/autograd.md)\n";

  MemoryStats stats = cpu_memory_stats();
  std::cout << "\nCPU memory: " << stats.live_bytes << " bytes live, peak " << stats.peak_bytes << ", "
            << stats.allocations << " allocations\n";
  return 0;
}
