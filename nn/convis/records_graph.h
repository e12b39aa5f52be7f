// nn/convis/records_graph.h: whether a convis layer's forward must record a graph, or may take
// its no-grad path (Note [State buffers] in layer.cpp).
//
//   if (!records_graph(input, {tau, k})) return forward_no_grad(input);
#pragma once

#include <initializer_list>

#include "convis/autograd/grad_mode.h"
#include "convis/core/tensor.h"

namespace convis {

// Grad mode is on and the input or one of the layer's parameters requires grad.
inline bool records_graph(const Tensor& input, std::initializer_list<Tensor> parameters) {
  if (!GradMode::is_enabled()) return false;
  bool any = input.requires_grad();
  for (const Tensor& p : parameters) any = any || p.requires_grad();
  return any;
}

}  // namespace convis
