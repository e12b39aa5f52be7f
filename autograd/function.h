// autograd/function.h: differentiable functions written by the user, as in LibTorch.
//
//   struct Cube : convis::autograd::Function<Cube> {
//     static Tensor forward(AutogradContext* ctx, Tensor x) {
//       ctx->save_for_backward({x});
//       return x * x * x;
//     }
//     static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
//       Tensor x = ctx->get_saved_variables()[0];
//       return {grad_outputs[0] * 3 * x * x};          // one gradient per forward argument
//     }
//   };
//   Tensor y = Cube::apply(x);                          // y.grad_fn()->name() == "CubeBackward"
//
// forward runs with grad mode off; its tensor outputs get a Node whose backward calls
// T::backward.  backward returns one entry per argument of forward (an undefined Tensor for
// arguments that are not tensors or need no gradient).  Check a Function with
// autograd::gradcheck (autograd/gradcheck.h).
#pragma once

#include <cxxabi.h>

#include <map>
#include <string>
#include <typeinfo>
#include <variant>
#include <vector>

#include "convis/autograd/autograd_meta.h"
#include "convis/autograd/grad_mode.h"

namespace convis::autograd {

// A value kept in ctx->saved_data: int64, double, bool, string, a shape, or a Tensor.
class IValue {
 public:
  IValue() = default;
  IValue(int v) : v_(int64_t(v)) {}  // NOLINT: implicit like LibTorch's IValue
  IValue(int64_t v) : v_(v) {}       // NOLINT
  IValue(double v) : v_(v) {}        // NOLINT
  IValue(bool v) : v_(v) {}          // NOLINT
  IValue(std::string v) : v_(std::move(v)) {}  // NOLINT
  IValue(const char* v) : v_(std::string(v)) {}  // NOLINT
  IValue(Shape v) : v_(std::move(v)) {}  // NOLINT
  IValue(Tensor v) : v_(std::move(v)) {}  // NOLINT
  int64_t toInt() const { return get<int64_t>("int"); }
  double toDouble() const;
  bool toBool() const { return get<bool>("bool"); }
  const std::string& toStringRef() const { return get<std::string>("string"); }
  const Shape& toIntList() const { return get<Shape>("int list"); }
  const Tensor& toTensor() const { return get<Tensor>("Tensor"); }

 private:
  template <typename T>
  const T& get(const char* what) const {
    CONVIS_CHECK(std::holds_alternative<T>(v_), "IValue", "expected a saved value of type {}, got another type",
                 what);
    return std::get<T>(v_);
  }
  std::variant<std::monostate, int64_t, double, bool, std::string, Shape, Tensor> v_;
};

class AutogradContext {
 public:
  void save_for_backward(variable_list to_save) { to_save_ = std::move(to_save); }
  // The saved tensors (checked against in-place modification, see Note [Saved versions]).
  variable_list get_saved_variables() const;
  void mark_non_differentiable(const variable_list& outputs);
  void mark_dirty(const variable_list&) {}  // accepted for LibTorch compatibility
  // Whether input `i` (counting every argument of forward) needs a gradient.
  bool needs_input_grad(size_t i) const { return i < needs_input_grad_.size() && needs_input_grad_[i]; }
  std::map<std::string, IValue> saved_data;

  // Used by Function<T>::apply.
  variable_list to_save_;
  std::vector<const TensorImpl*> non_differentiable_;
  std::vector<bool> needs_input_grad_;
  std::weak_ptr<Node> node_;
};

// The Node a Function<T> records; its backward calls T::backward.
template <typename T>
class CppNode : public Node {
 public:
  explicit CppNode(std::string name) : Node(std::move(name)) {}
  variable_list apply(variable_list&& grad_outputs) override;
  AutogradContext ctx;
  size_t num_args = 0;
  std::vector<int> tensor_arg_index;  // edge i <- forward argument tensor_arg_index[i]
};

std::string function_node_name(const char* mangled);
void finish_function(Node& node, AutogradContext& ctx, variable_list& outputs, bool record);
variable_list select_tensor_gradients(const Node& node, const variable_list& grads, size_t num_args,
                                      const std::vector<int>& tensor_arg_index);

template <typename T>
struct Function {
  template <typename... Args>
  static auto apply(Args&&... args);
};

template <typename T>
variable_list CppNode<T>::apply(variable_list&& grad_outputs) {
  variable_list grads = T::backward(&ctx, std::move(grad_outputs));
  return select_tensor_gradients(*this, grads, num_args, tensor_arg_index);
}

template <typename T>
template <typename... Args>
auto Function<T>::apply(Args&&... args) {
  auto node = detail::make_pooled<CppNode<T>>(function_node_name(typeid(T).name()));
  node->num_args = sizeof...(Args);
  variable_list inputs;
  int index = 0;
  auto collect = [&](const auto& a) {
    if constexpr (std::is_convertible_v<decltype(a), const Tensor&>) {
      const Tensor& t = a;
      inputs.push_back(t);
      node->tensor_arg_index.push_back(index);
      node->ctx.needs_input_grad_.push_back(t.defined() && t.requires_grad());
    } else {
      node->ctx.needs_input_grad_.push_back(false);
    }
    ++index;
  };
  (collect(args), ...);
  bool record = any_requires_grad(inputs);
  node->ctx.node_ = node;
  using Result = decltype(T::forward(&node->ctx, std::forward<Args>(args)...));
  Result result;
  {
    NoGradGuard no_grad;
    result = T::forward(&node->ctx, std::forward<Args>(args)...);
  }
  for (const Tensor& t : inputs) node->mutable_next_edges().push_back(record ? gradient_edge(t) : Edge{});
  if constexpr (std::is_same_v<Result, Tensor>) {
    variable_list outs{result};
    finish_function(*node, node->ctx, outs, record);
    return outs[0];
  } else {
    finish_function(*node, node->ctx, result, record);
    return result;
  }
}

}  // namespace convis::autograd
