// examples/autograd_tour.cpp: the seed document's autograd example in C++, then a look
// inside the engine: the graph as text and as Graphviz, and a backward run step by step.
// Run: ./build/examples/autograd_tour [graph.dot]
#include <convis/convis.h>

#include <fstream>
#include <iostream>

#include "convis/autograd/engine.h"
#include "convis/autograd/graph_print.h"

using namespace convis;

int main(int argc, char** argv) {
  manual_seed(0);
  std::cout << "== c = (a + b).mean() over 10x10x10x10 float64 tensors ==\n";
  Tensor a = randn({10, 10, 10, 10}, dtype(kFloat64).requires_grad(true));
  Tensor b = randn({10, 10, 10, 10}, dtype(kFloat64).requires_grad(true));
  Tensor c = (a + b).mean();
  std::cout << "c = " << c.item<double>() << ", c.grad_fn() = " << c.grad_fn()->name() << "\n";
  std::cout << autograd::print_graph(c);
  c.backward({}, /*retain_graph=*/true);
  // The gradient of a mean over N elements is 1/N per element (not 1, which is sum's).
  std::cout << "a.grad()[0][0][0][0] = " << a.grad()[0][0][0][0].item<double>() << " (1/N with N = "
            << a.numel() << ")\n";

  std::cout << "\n== A small MLP, its graph, and a backward run one node at a time ==\n";
  Tensor x = randn({4, 3});
  Tensor w1 = randn({3, 5}, requires_grad(true)), b1 = zeros({5}, requires_grad(true));
  Tensor w2 = randn({5, 1}, requires_grad(true));
  Tensor loss = (x.matmul(w1).add(b1).tanh().matmul(w2)).square().mean();
  std::cout << autograd::print_graph(loss);
  if (argc > 1) {
    std::ofstream(argv[1]) << autograd::to_dot(loss);
    std::cout << "wrote " << argv[1] << " (render: dot -Tsvg " << argv[1] << " -o graph.svg)\n";
  }
  autograd::BackwardStepper stepper(loss);
  while (stepper.step()) {
    std::cout << "ran " << stepper.node()->name() << ": received gradient of shape "
              << stepper.grad_inputs()[0].sizes() << ", produced " << stepper.grad_outputs().size()
              << " gradient(s)\n";
  }
  std::cout << "w2.grad() =\n" << w2.grad() << "\n";
  return 0;
}
