// autograd/gradcheck.h: checking analytic gradients against finite differences, in float64.
//
//   auto f = [](const variable_list& x) { return variable_list{(x[0] * x[1]).sum()}; };
//   auto r = autograd::gradcheck(f, {randn({3}, dtype(kFloat64).requires_grad(true)),
//                                    randn({3}, dtype(kFloat64).requires_grad(true))});
//   if (!r) std::cout << r.message;   // "input 1, element [2], output 0 element [0]: analytic
//                                     //  0.51 vs numeric 0.49 (difference 0.02, allowed 0.0005)"
//   autograd::gradgradcheck(f, inputs);  // the same for the gradient of the gradient
//
// For every input that requires grad and every output element, the analytic Jacobian row
// comes from autograd::grad with a one-hot grad_output; the numeric column from central
// differences (f(x + eps) - f(x - eps)) / 2eps, perturbing one element at a time in place.
// Every pair must satisfy |analytic - numeric| <= atol + rtol * |numeric|.
#pragma once

#include <functional>
#include <string>

#include "convis/autograd/node.h"

namespace convis::autograd {

struct GradcheckResult {
  bool ok = true;
  std::string message;  // which input and element differ, and by how much
  int input = -1;
  int64_t element = -1;  // flat index into that input
  double analytic = 0, numeric = 0;
  explicit operator bool() const { return ok; }
};

using DifferentiableFn = std::function<variable_list(const variable_list&)>;

GradcheckResult gradcheck(const DifferentiableFn& fn, const variable_list& inputs, double eps = 1e-6,
                          double atol = 1e-5, double rtol = 1e-3);
GradcheckResult gradcheck(const std::function<Tensor(const variable_list&)>& fn, const variable_list& inputs,
                          double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3);

GradcheckResult gradgradcheck(const DifferentiableFn& fn, const variable_list& inputs, double eps = 1e-6,
                              double atol = 1e-5, double rtol = 1e-3);
GradcheckResult gradgradcheck(const std::function<Tensor(const variable_list&)>& fn, const variable_list& inputs,
                              double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3);

}  // namespace convis::autograd
