// autograd/anomaly.h: finding where a NaN in backward came from.
//
//   {
//     convis::autograd::DetectAnomalyGuard anomaly;
//     Tensor x = tensor({-1.0}, requires_grad(true));
//     x.sqrt().sum().backward();   // throws: "[backward] SqrtBackward0 returned nan values in
//   }                              //  its output 0; its forward op was called from: ..."
//
// While a guard is alive, every recorded Node also records the call stack of its forward
// op (a few microseconds per op, so only for debugging), and after each Node runs in
// backward its outputs are checked for NaN.  For function names in the stack, link the
// executable with -rdynamic (CMake: set_target_properties(app PROPERTIES ENABLE_EXPORTS ON)).
#pragma once

#include "convis/autograd/node.h"

namespace convis::autograd {

class DetectAnomalyGuard {
 public:
  DetectAnomalyGuard();
  ~DetectAnomalyGuard();
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;
  static bool is_enabled();
};

// Called by the engine after `node` ran (throws on NaN when anomaly mode is on).
void check_anomaly(const Node& node, const variable_list& outputs);
// Called when a Node is recorded (stores the stack when anomaly mode is on).
void capture_forward_trace(Node& node);

}  // namespace convis::autograd
