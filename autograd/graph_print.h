// autograd/graph_print.h: looking at the graph behind a tensor (for learning and debugging).
//
//   Tensor a = randn({2, 3}, requires_grad(true)), b = randn({2, 3}, requires_grad(true));
//   Tensor c = (a * b).mean();
//   std::cout << autograd::print_graph(c);
//   // MeanBackward0 #0
//   //   MulBackward0 #1  saved: [2, 3] float32 v0, [2, 3] float32 v0
//   //     AccumulateGrad #2  leaf [2, 3] float32
//   //     AccumulateGrad #3  leaf [2, 3] float32
//   std::ofstream("graph.dot") << autograd::to_dot(c);   // dot -Tsvg graph.dot > graph.svg
//
// Nodes reached twice are printed once and referred to by their #number afterwards.
#pragma once

#include <string>

#include "convis/core/tensor.h"

namespace convis::autograd {

std::string print_graph(const Tensor& t);
std::string to_dot(const Tensor& t);

}  // namespace convis::autograd
