// autograd/autograd_meta.h: what autograd attaches to a TensorImpl.
//
//   A leaf made with requires_grad(true):  {requires_grad = true, grad_fn = null}
//   y = f(x) recorded:                     {grad_fn = the node of f, output_nr = which output}
//   core never looks inside; it only carries the shared_ptr (core/tensor_impl.h).
#pragma once

#include <memory>
#include <vector>

#include "convis/autograd/node.h"

namespace convis::autograd {

struct AutogradMeta {
  bool requires_grad = false;  // for leaves; a non-leaf requires grad because it has a grad_fn
  Tensor grad;
  std::shared_ptr<Node> grad_fn;
  uint32_t output_nr = 0;
  std::weak_ptr<Node> grad_accumulator;  // a leaf's AccumulateGrad, created on demand
  bool retains_grad = false;
  std::vector<Node::PreHook> leaf_hooks;  // hooks on a leaf (run by its AccumulateGrad)
};

// The meta of `t`, created if absent.
AutogradMeta& meta(const Tensor& t);
// The meta of `t` or null.
AutogradMeta* meta_or_null(const Tensor& t);

// Whether an op on these inputs must be recorded (grad mode on and any input requires grad).
bool any_requires_grad(std::initializer_list<const Tensor*> inputs);
bool any_requires_grad(const std::vector<Tensor>& inputs);

// The edge a gradient for `t` flows into: its grad_fn, or its leaf AccumulateGrad, or none.
Edge gradient_edge(const Tensor& t);

// Makes `node` the grad_fn of `outputs` (output i gets output_nr i) and records their metadata.
void set_history(const std::vector<Tensor*>& outputs, const std::shared_ptr<Node>& node);

// Creates a FunctionNode with edges to `inputs`, attaches it to `outputs`, and returns it
// so the caller can save tensors.  Call only when any_requires_grad(inputs).
std::shared_ptr<FunctionNode> record(const char* name, std::initializer_list<const Tensor*> inputs,
                                     std::initializer_list<Tensor*> outputs, FunctionNode::BackwardFn backward);
std::shared_ptr<FunctionNode> record(const char* name, const std::vector<Tensor>& inputs,
                                     std::initializer_list<Tensor*> outputs, FunctionNode::BackwardFn backward);

}  // namespace convis::autograd
