// autograd/gradcheck.cpp: see autograd/gradcheck.h.
#include "convis/autograd/gradcheck.h"

#include <cmath>

#include "convis/autograd/engine.h"
#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/generator.h"
#include "convis/core/ops.h"

namespace convis::autograd {

namespace {

// The flat (row-major) outputs of fn, detached, as float64 values.
std::vector<double> flat_outputs(const DifferentiableFn& fn, const variable_list& inputs) {
  NoGradGuard no_grad;
  std::vector<double> out;
  for (const Tensor& o : fn(inputs)) {
    if (!o.defined()) continue;
    Tensor c = o.to(kFloat64).contiguous();
    const double* p = c.data_ptr<double>();
    out.insert(out.end(), p, p + c.numel());
  }
  return out;
}

// Pointer to element `flat` (row-major index) of a float64 tensor with any strides.
double* element(const Tensor& t, int64_t flat) {
  int64_t offset = 0;
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    offset += (flat % t.size(d)) * t.stride(d);
    flat /= t.size(d);
  }
  return t.data_ptr<double>() + offset;
}

std::string multi_index(const Tensor& t, int64_t flat) {
  Shape idx(size_t(t.dim()), 0);
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    idx[size_t(d)] = flat % t.size(d);
    flat /= t.size(d);
  }
  return to_string(idx);
}

// Analytic Jacobian of all outputs w.r.t. input `which`: J[out_elem][in_elem].
std::vector<std::vector<double>> analytic_jacobian(const DifferentiableFn& fn, const variable_list& inputs,
                                                   size_t which, int64_t total_out) {
  std::vector<std::vector<double>> J(size_t(total_out), std::vector<double>(size_t(inputs[which].numel()), 0.0));
  variable_list outs = fn(inputs);
  int64_t row = 0;
  for (const Tensor& o : outs) {
    if (!o.defined()) continue;
    for (int64_t j = 0; j < o.numel(); ++j, ++row) {
      if (!o.requires_grad()) continue;
      Tensor onehot = zeros_like(o);
      onehot.view({-1}).select(0, j).fill_(1);
      variable_list g = grad({o}, {inputs[which]}, {onehot}, true, false, true);
      if (!g[0].defined()) continue;
      Tensor gc = g[0].to(kFloat64).contiguous();
      for (int64_t k = 0; k < gc.numel(); ++k) J[size_t(row)][size_t(k)] = gc.data_ptr<double>()[k];
    }
  }
  return J;
}

}  // namespace

GradcheckResult gradcheck(const DifferentiableFn& fn, const variable_list& inputs, double eps, double atol,
                          double rtol) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& x = inputs[i];
    CONVIS_CHECK(!x.defined() || !x.requires_grad() || x.dtype() == kFloat64, "gradcheck",
                 "expected float64 inputs where gradients are checked, got {} for input {}", dtype_name(x.dtype()), i);
  }
  std::vector<double> base = flat_outputs(fn, inputs);
  const int64_t total_out = int64_t(base.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& x = inputs[i];
    if (!x.defined() || !x.requires_grad()) continue;
    auto J = analytic_jacobian(fn, inputs, i, total_out);
    Tensor data = x.detach();
    for (int64_t k = 0; k < x.numel(); ++k) {
      double* p = element(data, k);
      const double orig = *p;
      *p = orig + eps;
      std::vector<double> plus = flat_outputs(fn, inputs);
      *p = orig - eps;
      std::vector<double> minus = flat_outputs(fn, inputs);
      *p = orig;
      for (int64_t j = 0; j < total_out; ++j) {
        double numeric = (plus[size_t(j)] - minus[size_t(j)]) / (2 * eps);
        double analytic = J[size_t(j)][size_t(k)];
        double allowed = atol + rtol * std::abs(numeric);
        if (std::abs(analytic - numeric) <= allowed) continue;
        GradcheckResult r;
        r.ok = false;
        r.input = int(i);
        r.element = k;
        r.analytic = analytic;
        r.numeric = numeric;
        r.message = fmt::format(
            "gradcheck failed: input {}, element {}, output element {} (flat): analytic {} vs numeric {} "
            "(difference {}, allowed {})",
            i, multi_index(x, k), j, analytic, numeric, std::abs(analytic - numeric), allowed);
        return r;
      }
    }
  }
  return {};
}

GradcheckResult gradcheck(const std::function<Tensor(const variable_list&)>& fn, const variable_list& inputs,
                          double eps, double atol, double rtol) {
  return gradcheck([&](const variable_list& x) { return variable_list{fn(x)}; }, inputs, eps, atol, rtol);
}

// Second derivatives: check the function x -> grad(fn(x), x, v) (recorded with
// create_graph) for fixed random v.
GradcheckResult gradgradcheck(const DifferentiableFn& fn, const variable_list& inputs, double eps, double atol,
                              double rtol) {
  variable_list outs;
  {
    NoGradGuard no_grad;
    outs = fn(inputs);
  }
  Generator gen(12345);
  variable_list v;
  for (const Tensor& o : outs) {
    Tensor r = empty(o.sizes(), TensorOptions(kFloat64));
    Tensor rc = r;
    for (int64_t k = 0; k < r.numel(); ++k) rc.data_ptr<double>()[k] = gen.uniform(gen.reserve(1)) - 0.5;
    v.push_back(r.to(o.dtype()));
  }
  variable_list wrt;
  std::vector<size_t> positions;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].defined() && inputs[i].requires_grad()) wrt.push_back(inputs[i]), positions.push_back(i);
  DifferentiableFn first = [&](const variable_list& x) {
    AutoGradMode enable_grad(true);  // gradcheck evaluates fn under NoGradGuard; this grad must record
    variable_list sel;
    for (size_t p : positions) sel.push_back(x[p]);
    variable_list g = grad(fn(x), sel, v, true, true, true);
    for (size_t k = 0; k < g.size(); ++k)
      if (!g[k].defined()) g[k] = zeros_like(sel[k]);
    return g;
  };
  return gradcheck(first, inputs, eps, atol, rtol);
}

GradcheckResult gradgradcheck(const std::function<Tensor(const variable_list&)>& fn, const variable_list& inputs,
                              double eps, double atol, double rtol) {
  return gradgradcheck([&](const variable_list& x) { return variable_list{fn(x)}; }, inputs, eps, atol, rtol);
}

}  // namespace convis::autograd
