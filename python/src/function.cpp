// python/src/function.cpp: differentiable functions written in Python, as torch.autograd.Function.
//
//   class Cube(convis.autograd.Function):
//       @staticmethod
//       def forward(ctx, x):
//           ctx.save_for_backward(x)
//           return x * x * x
//       @staticmethod
//       def backward(ctx, grad):
//           (x,) = ctx.saved_tensors
//           return grad * 3 * x * x
//   y = Cube.apply(x)              # y.grad_fn == "CubeBackward"
//
// Note [Python functions in the graph]
// apply records a PythonFunctionNode, the Python twin of autograd::CppNode (autograd/function.h),
// with the same helpers: forward runs under no_grad, finish_function attaches the outputs and
// keeps ctx.save_for_backward's tensors as the node's saved variables (so saving an output makes
// no reference cycle, and in-place changes are caught as in C++).  The node holds the class's
// backward and the ctx object; ctx holds only a weak reference to the node.  backward takes the
// GIL (Tensor.backward released it), and the node's destructor takes it to let go of the Python
// objects, wherever the graph is freed.
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/vector.h>

#include "convis/autograd/gradcheck.h"

#include "bindings.h"

namespace convis::python {

namespace {

class PythonFunctionNode : public autograd::Node {
 public:
  explicit PythonFunctionNode(std::string name) : Node(std::move(name)) {}
  ~PythonFunctionNode() override {
    if (!Py_IsInitialized()) {  // the interpreter is gone: nothing left to release
      backward.release();
      ctx_object.release();
      return;
    }
    nb::gil_scoped_acquire gil;
    backward.reset();
    ctx_object.reset();
  }
  autograd::variable_list apply(autograd::variable_list&& grad_outputs) override;

  autograd::AutogradContext ctx;
  nb::object backward, ctx_object;
  size_t num_args = 0;
  std::vector<int> tensor_arg_index;  // edge i <- forward argument tensor_arg_index[i]
};

// What a Python forward and backward get as ctx (attributes may be set on it freely).
struct FunctionContext {
  std::weak_ptr<PythonFunctionNode> node;

  std::shared_ptr<PythonFunctionNode> get() const {
    std::shared_ptr<PythonFunctionNode> n = node.lock();
    if (!n) throw Error("[FunctionCtx] expected a ctx of a function still in the graph, got one whose node is gone");
    return n;
  }
};

autograd::variable_list tensors_of(nb::handle result, const char* what) {
  autograd::variable_list out;
  auto one = [&](nb::handle h) {
    if (h.is_none()) return out.push_back(Tensor());
    if (!nb::isinstance<Tensor>(h))
      throw Error(std::string("[Function] expected ") + what + " to be tensors (or None), got " +
                  nb::cast<std::string>(nb::str(h.type())));
    out.push_back(nb::cast<Tensor>(h));
  };
  if (nb::isinstance<nb::tuple>(result) || nb::isinstance<nb::list>(result)) {
    for (nb::handle h : result) one(h);
  } else {
    one(result);
  }
  return out;
}

autograd::variable_list PythonFunctionNode::apply(autograd::variable_list&& grad_outputs) {
  nb::gil_scoped_acquire gil;
  nb::list grads;
  for (const Tensor& g : grad_outputs) grads.append(g.defined() ? nb::cast(g) : nb::none());
  nb::object result = backward(ctx_object, *grads);
  return autograd::select_tensor_gradients(*this, tensors_of(result, "backward's results"), num_args,
                                           tensor_arg_index);
}

nb::object apply_function(nb::handle cls, const nb::args& args) {
  auto node = std::make_shared<PythonFunctionNode>(nb::cast<std::string>(cls.attr("__name__")) + "Backward");
  node->num_args = args.size();
  autograd::variable_list inputs;
  for (size_t i = 0; i < args.size(); ++i) {
    const bool is_tensor = nb::isinstance<Tensor>(args[i]);
    if (is_tensor) {
      inputs.push_back(nb::cast<Tensor>(args[i]));
      node->tensor_arg_index.push_back(int(i));
    }
    node->ctx.needs_input_grad_.push_back(is_tensor && inputs.back().defined() && inputs.back().requires_grad());
  }
  const bool record = autograd::any_requires_grad(inputs);
  node->ctx.node_ = node;
  node->ctx_object = nb::cast(FunctionContext{node});
  node->backward = cls.attr("backward");
  nb::object result;
  {
    NoGradGuard no_grad;
    result = cls.attr("forward")(node->ctx_object, *args);
  }
  const bool single = nb::isinstance<Tensor>(result);
  autograd::variable_list outputs = tensors_of(result, "forward's results");
  for (const Tensor& t : inputs) node->mutable_next_edges().push_back(record ? autograd::gradient_edge(t) : autograd::Edge{});
  autograd::finish_function(*node, node->ctx, outputs, record);
  if (single) return nb::cast(outputs[0]);
  nb::list out;
  for (const Tensor& t : outputs) out.append(t.defined() ? nb::cast(t) : nb::none());
  return nb::tuple(out);
}

}  // namespace

void bind_function(nb::module_& m) {
  nb::module_ autograd = m.def_submodule("autograd", "Differentiable functions written in Python");
  nb::class_<FunctionContext>(autograd, "FunctionCtx", nb::dynamic_attr())
      .def("save_for_backward", [](const FunctionContext& c, const nb::args& tensors) {
        c.get()->ctx.save_for_backward(tensors_of(tensors, "saved values"));
      })
      .def_prop_ro("saved_tensors", [](const FunctionContext& c) {
        nb::list out;
        for (const Tensor& t : c.get()->ctx.get_saved_variables()) out.append(t);
        return nb::tuple(out);
      })
      .def_prop_ro("needs_input_grad", [](const FunctionContext& c) {
        nb::list out;
        for (size_t i = 0; i < c.get()->num_args; ++i) out.append(c.get()->ctx.needs_input_grad(i));
        return nb::tuple(out);
      })
      .def("mark_non_differentiable", [](const FunctionContext& c, const nb::args& tensors) {
        c.get()->ctx.mark_non_differentiable(tensors_of(tensors, "non-differentiable outputs"));
      });
  autograd.def("_apply", &apply_function);
  // gradcheck(fn, inputs) / gradgradcheck: fn(*inputs) -> Tensor against finite differences
  // (float64 inputs), as torch.autograd.gradcheck: True, or a convis.Error naming the element.
  auto check = [](auto checker) {
    return [checker](nb::callable fn, nb::handle inputs, double eps, double atol, double rtol, bool raise) {
      autograd::variable_list in = tensors_of(inputs, "gradcheck's inputs");
      auto call = [&fn](const autograd::variable_list& args) {
        nb::list list;
        for (const Tensor& t : args) list.append(t);
        return nb::cast<Tensor>(fn(*list));
      };
      const autograd::GradcheckResult r = checker(call, in, eps, atol, rtol);
      if (!r.ok && raise) throw Error("[gradcheck] " + r.message);
      return r.ok;
    };
  };
  auto gradcheck = [](const std::function<Tensor(const autograd::variable_list&)>& f, const autograd::variable_list& in,
                      double eps, double atol, double rtol) { return autograd::gradcheck(f, in, eps, atol, rtol); };
  auto gradgradcheck = [](const std::function<Tensor(const autograd::variable_list&)>& f,
                          const autograd::variable_list& in, double eps, double atol, double rtol) {
    return autograd::gradgradcheck(f, in, eps, atol, rtol);
  };
  autograd.def("gradcheck", check(gradcheck), nb::arg("fn"), nb::arg("inputs"), nb::arg("eps") = 1e-6,
               nb::arg("atol") = 1e-5, nb::arg("rtol") = 1e-3, nb::arg("raise_exception") = true);
  autograd.def("gradgradcheck", check(gradgradcheck), nb::arg("fn"), nb::arg("inputs"), nb::arg("eps") = 1e-6,
               nb::arg("atol") = 1e-5, nb::arg("rtol") = 1e-3, nb::arg("raise_exception") = true);
}

}  // namespace convis::python
