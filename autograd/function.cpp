// autograd/function.cpp: the non-template half of Function<T> (autograd/function.h).
#include "convis/autograd/function.h"

#include <cstdlib>

namespace convis::autograd {

double IValue::toDouble() const {
  if (std::holds_alternative<int64_t>(v_)) return double(std::get<int64_t>(v_));
  return get<double>("double");
}

variable_list AutogradContext::get_saved_variables() const {
  auto node = node_.lock();
  CONVIS_CHECK(node != nullptr, "get_saved_variables", "expected a live Function node, got none");
  variable_list out;
  for (const SavedTensor& s : node->saved()) out.push_back(s.unpack(node));
  return out;
}

void AutogradContext::mark_non_differentiable(const variable_list& outputs) {
  for (const Tensor& t : outputs) non_differentiable_.push_back(t.unsafeGetTensorImpl());
}

// "4Cube" / "N2ns4CubeE" -> "CubeBackward" (LibTorch names custom nodes after the class).
std::string function_node_name(const char* mangled) {
  int status = 0;
  char* name = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string full = status == 0 && name ? name : mangled;
  std::free(name);
  auto colon = full.rfind("::");
  return (colon == std::string::npos ? full : full.substr(colon + 2)) + "Backward";
}

// Gives the outputs of forward their history and turns ctx's tensors into SavedTensors.
void finish_function(Node& node, AutogradContext& ctx, variable_list& outputs, bool record) {
  std::vector<Tensor*> differentiable;
  for (Tensor& out : outputs) {
    if (!out.defined()) continue;
    bool non_diff = false;
    for (const TensorImpl* p : ctx.non_differentiable_) non_diff = non_diff || p == out.unsafeGetTensorImpl();
    if (!record || non_diff || !out.is_floating_point()) continue;
    // An output that is an input (or already has history) must not lose that: alias it.
    if (has_autograd(out)) out = out.detach();
    differentiable.push_back(&out);
  }
  if (record) set_history(differentiable, node.shared_from_this());
  for (const Tensor& t : ctx.to_save_) {
    // Saving an output of this very node must not create a cycle (see Note [Saved versions]).
    node.saved().emplace_back(t, grad_fn_of(t).get() == &node);
  }
  ctx.to_save_.clear();
}

variable_list select_tensor_gradients(const Node& node, const variable_list& grads, size_t num_args,
                                      const std::vector<int>& tensor_arg_index) {
  CONVIS_CHECK(grads.size() == num_args || grads.size() == tensor_arg_index.size(), "backward",
               "function {} returned an incorrect number of gradients (expected {}, got {})", node.name(), num_args,
               grads.size());
  if (grads.size() == tensor_arg_index.size()) return grads;
  variable_list out;
  for (int i : tensor_arg_index) out.push_back(grads[size_t(i)]);
  return out;
}

}  // namespace convis::autograd
