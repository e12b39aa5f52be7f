// nn/convis/filters/recursion.cpp: linear_recursion, the differentiable second-order IIR
// along one dim behind every recursive filter (Note [Linear recursion] in recursive.h).
#include "convis/autograd/function.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/recursion.h"
#include "convis/nn/convis/filters/recursive.h"

namespace convis::filters {
namespace {

struct Coefficients {
  double b0, b1, a1, a2;
};

// The forward computation, by the recursion kernel of x's device (kernels/recursion.h).
Tensor run_recursion(const Tensor& x_in, const Tensor& y0_in, int64_t dim, Coefficients c) {
  Tensor x = x_in.contiguous();
  Tensor y0 = y0_in.defined() ? y0_in.to(x.device(), x.dtype()).contiguous() : Tensor();
  Tensor y = empty(x.sizes(), x.options());
  LinearRecursionArgs a;
  a.x = x.data_ptr(), a.y0 = y0.defined() ? y0.data_ptr() : nullptr, a.y = y.data_ptr();
  a.outer = 1, a.inner = 1, a.n = x.size(dim);
  for (int64_t d = 0; d < dim; ++d) a.outer *= x.size(d);
  for (int64_t d = dim + 1; d < x.dim(); ++d) a.inner *= x.size(d);
  a.b0 = c.b0, a.b1 = c.b1, a.a1 = c.a1, a.a2 = c.a2;
  find_kernel<OpKind::linear_recursion>(x.device().type(), x.dtype())(a);
  return y;
}

double value_of(const Tensor& t) { return t.detach().cpu().to(kFloat64).item<double>(); }

// t[n - 1] along dim, with `first` (or zeros) at n = 0.
Tensor delayed(const Tensor& t, int64_t dim, const Tensor& first) {
  int64_t n = t.size(dim);
  Shape slice = t.sizes();
  slice[size_t(dim)] = 1;
  Tensor head = first.defined() ? first.to(t.dtype()) : zeros(slice, t.options());
  return n == 1 ? head : cat({head, t.narrow(dim, 0, n - 1)}, dim);
}

// t[n + 1] along dim, zeros at the end.
Tensor advanced(const Tensor& t, int64_t dim) {
  int64_t n = t.size(dim);
  Shape slice = t.sizes();
  slice[size_t(dim)] = 1;
  Tensor tail = zeros(slice, t.options());
  return n == 1 ? tail : cat({t.narrow(dim, 1, n - 1), tail}, dim);
}

Tensor grad_of_coefficient(const Tensor& lambda, const Tensor& signal, const Tensor& coefficient) {
  return (lambda * signal).sum().reshape(coefficient.sizes()).to(coefficient.dtype());
}

struct LinearRecursion : autograd::Function<LinearRecursion> {
  static Tensor forward(autograd::AutogradContext* ctx, Tensor x, Tensor b0, Tensor b1, Tensor a1, Tensor a2,
                        Tensor y0, int64_t dim) {
    Tensor y = run_recursion(x, y0, dim, {value_of(b0), value_of(b1), value_of(a1), value_of(a2)});
    ctx->save_for_backward({x, y, b0, b1, a1, a2, y0});
    ctx->saved_data["dim"] = dim;
    return y;
  }

  static autograd::variable_list backward(autograd::AutogradContext* ctx, autograd::variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const Tensor &x = saved[0], &y = saved[1], &b0 = saved[2], &b1 = saved[3], &a1 = saved[4], &a2 = saved[5],
                 &y0 = saved[6];
    int64_t dim = ctx->saved_data["dim"].toInt();
    const Tensor& g = grads[0];
    Tensor one = ones({}, a1.options()), zero = zeros({}, a1.options());
    // The adjoint of the autoregressive part: the same recursion, backwards along dim.
    Tensor lambda = linear_recursion(g.flip({dim}), one, zero, a1, a2, Tensor(), dim).flip({dim});
    autograd::variable_list out(7);
    if (ctx->needs_input_grad(0)) out[0] = lambda * b0 + advanced(lambda, dim) * b1;
    if (ctx->needs_input_grad(1)) out[1] = grad_of_coefficient(lambda, x, b0);
    if (ctx->needs_input_grad(2)) out[2] = grad_of_coefficient(lambda, delayed(x, dim, Tensor()), b1);
    Tensor y_prev = ctx->needs_input_grad(3) || ctx->needs_input_grad(4) ? delayed(y, dim, y0) : Tensor();
    if (ctx->needs_input_grad(3)) out[3] = grad_of_coefficient(lambda, y_prev, a1);
    if (ctx->needs_input_grad(4)) out[4] = grad_of_coefficient(lambda, delayed(y_prev, dim, Tensor()), a2);
    if (ctx->needs_input_grad(5)) {
      Tensor first = lambda.narrow(dim, 0, 1) * a1;
      out[5] = y.size(dim) > 1 ? first + lambda.narrow(dim, 1, 1) * a2 : first;
      out[5] = out[5].to(y0.dtype());
    }
    return out;
  }
};

void check_coefficient(const Tensor& c, const char* name) {
  CONVIS_CHECK(c.defined() && c.numel() == 1, "linear_recursion", "expected a one-element coefficient {}, got {}",
               name, c.defined() ? fmt::format("shape {}", c.sizes()) : std::string("an undefined tensor"));
}

}  // namespace

Tensor linear_recursion(const Tensor& x, const Tensor& b0, const Tensor& b1, const Tensor& a1, const Tensor& a2,
                        const Tensor& y0, int64_t dim) {
  CONVIS_CHECK(x.defined() && (x.dtype() == kFloat32 || x.dtype() == kFloat64), "linear_recursion",
               "expected a float32 or float64 input, got {}",
               x.defined() ? std::string(dtype_name(x.dtype())) : std::string("an undefined tensor"));
  CONVIS_CHECK(x.dim() >= 1 && dim >= -x.dim() && dim < x.dim(), "linear_recursion",
               "expected a dim in [{}, {}), got {}", -x.dim(), x.dim(), dim);
  if (dim < 0) dim += x.dim();
  check_coefficient(b0, "b0");
  check_coefficient(b1, "b1");
  check_coefficient(a1, "a1");
  check_coefficient(a2, "a2");
  if (y0.defined()) {
    Shape slice = x.sizes();
    slice[size_t(dim)] = 1;
    CONVIS_CHECK(y0.sizes() == slice, "linear_recursion", "expected an initial value y0 of shape {}, got shape {}",
                 slice, y0.sizes());
  }
  if (x.size(dim) == 0) return x * b0;
  return LinearRecursion::apply(x, b0, b1, a1, a2, y0, dim);
}

Tensor first_order_stream(const Tensor& x_in, Tensor& state, bool fresh, const Tensor& previous_in,
                          const FirstOrderStream& f) {
  CONVIS_CHECK(x_in.defined() && x_in.dim() == 5 && x_in.is_floating_point(), "first_order_recursion",
               "expected a floating 5-D [B, C, T, X, Y] input, got {}",
               x_in.defined() ? fmt::format("shape {}", x_in.sizes()) : std::string("an undefined tensor"));
  Shape frame = x_in.sizes();
  frame[2] = 1;
  CONVIS_CHECK(state.defined() && state.sizes() == frame && state.dtype() == x_in.dtype() && state.is_contiguous() &&
                   state.device() == x_in.device(),
               "first_order_recursion", "expected a contiguous state frame of shape {} and dtype {} on {}, got {}", frame,
               dtype_name(x_in.dtype()), x_in.device().str(),
               state.defined() ? fmt::format("shape {} of dtype {} on {}", state.sizes(), dtype_name(state.dtype()), state.device().str())
                               : std::string("none"));
  const Tensor x = x_in.contiguous();
  const Tensor previous = previous_in.defined() ? previous_in.to(x.device(), x.dtype()).contiguous() : Tensor();
  Tensor out = empty(x.sizes(), x.options());
  FirstOrderStreamArgs a;
  a.x = x.data_ptr(), a.previous = previous.defined() ? previous.data_ptr() : nullptr;
  a.state = state.data_ptr(), a.out = out.data_ptr();
  a.fresh = fresh, a.highpass = f.highpass;
  a.outer = x.size(0) * x.size(1), a.n = x.size(2), a.inner = x.size(3) * x.size(4);
  a.a = f.a, a.e = f.e, a.scale = f.scale, a.tau = f.tau, a.k = f.k;
  find_kernel<OpKind::first_order_stream>(x.device().type(), x.dtype())(a);
  return out;
}

Tensor first_order_recursion(const Tensor& x, const Tensor& a, const Tensor& e, const Tensor& y0) {
  CONVIS_CHECK(x.defined() && x.dim() == 5, "first_order_recursion", "expected a 5-D [B, C, T, X, Y] input, got {}",
               x.defined() ? fmt::format("shape {}", x.sizes()) : std::string("an undefined tensor"));
  Tensor zero = zeros({}, e.defined() ? e.options() : x.options());
  return linear_recursion(x, a, zero, e, zero, y0, 2);
}

}  // namespace convis::filters
