// nn/convis/filters/recursion.cpp: linear_recursion, the differentiable second-order IIR
// along one dim behind every recursive filter (Note [Linear recursion] in recursive.h).
#include "convis/autograd/function.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/nn/convis/filters/recursive.h"

namespace convis::filters {
namespace {

struct Coefficients {
  double b0, b1, a1, a2;
};

}  // namespace

namespace {

// y[n] = b0 x[n] + b1 x[n-1] + a1 y[n-1] + a2 y[n-2] over [outer, n, inner] contiguous data.
template <typename T>
void recursion_kernel(const T* x, const T* y0, T* y, int64_t outer, int64_t n, int64_t inner, Coefficients c) {
  const T b0 = T(c.b0), b1 = T(c.b1), a1 = T(c.a1), a2 = T(c.a2);
  for (int64_t o = 0; o < outer; ++o) {
    const T* xo = x + o * n * inner;
    T* yo = y + o * n * inner;
    const T* start = y0 ? y0 + o * inner : nullptr;
    for (int64_t i = 0; i < n; ++i) {
      const T* xi = xo + i * inner;
      const T* x1 = i >= 1 ? xi - inner : nullptr;
      const T* y1 = i >= 1 ? yo + (i - 1) * inner : start;
      const T* y2 = i >= 2 ? yo + (i - 2) * inner : (i == 1 ? start : nullptr);
      T* yi = yo + i * inner;
      for (int64_t j = 0; j < inner; ++j) yi[j] = b0 * xi[j];
      if (x1 && b1 != T(0))
        for (int64_t j = 0; j < inner; ++j) yi[j] += b1 * x1[j];
      if (y1)
        for (int64_t j = 0; j < inner; ++j) yi[j] += a1 * y1[j];
      if (y2 && a2 != T(0))
        for (int64_t j = 0; j < inner; ++j) yi[j] += a2 * y2[j];
    }
  }
}

// recursion_kernel's arithmetic for b1 = a2 = 0, streamed (Note [Streamed recursion]): the
// raw y of each frame lives in `state` ([outer, inner], y[-1] unless `fresh`) and is written
// back there; the output gets (y * scale) / tau, or x - ((y * scale) / tau) * k for the
// high-pass, where xp is x delayed by one frame (xp[0] = previous) when `previous` is given.
template <typename T>
void first_order_stream_kernel(const T* x, const T* previous, T* state, bool fresh, T* out, int64_t outer, int64_t n,
                               int64_t inner, const FirstOrderStream& f) {
  const T b0 = T(f.a), a1 = T(f.e), scale = T(f.scale), tau = T(f.tau), k = T(f.k);
  for (int64_t o = 0; o < outer; ++o) {
    const T* xo = x + o * n * inner;
    T* so = state + o * inner;
    T* oo = out + o * n * inner;
    for (int64_t i = 0; i < n; ++i) {
      const T* xi = xo + i * inner;
      const T* xp = !previous ? xi : i == 0 ? previous + o * inner : xi - inner;
      T* oi = oo + i * inner;
      const bool has_y1 = i > 0 || !fresh;
      for (int64_t j = 0; j < inner; ++j) {
        T y = b0 * xp[j];
        if (has_y1) y += a1 * so[j];
        so[j] = y;
        const T low = (y * scale) / tau;
        oi[j] = f.highpass ? xi[j] - low * k : low;
      }
    }
  }
}

// The forward computation on CPU (other devices round-trip through the CPU).
Tensor run_recursion(const Tensor& x_in, const Tensor& y0_in, int64_t dim, Coefficients c) {
  Tensor x = x_in.cpu().contiguous();
  Tensor y0 = y0_in.defined() ? y0_in.to(x.dtype()).cpu().contiguous() : Tensor();
  Tensor y = empty(x.sizes(), x.options());
  int64_t outer = 1, inner = 1, n = x.size(dim);
  for (int64_t d = 0; d < dim; ++d) outer *= x.size(d);
  for (int64_t d = dim + 1; d < x.dim(); ++d) inner *= x.size(d);
  if (x.dtype() == kFloat64)
    recursion_kernel(x.data_ptr<double>(), y0.defined() ? y0.data_ptr<double>() : nullptr, y.data_ptr<double>(),
                     outer, n, inner, c);
  else
    recursion_kernel(x.data_ptr<float>(), y0.defined() ? y0.data_ptr<float>() : nullptr, y.data_ptr<float>(), outer,
                     n, inner, c);
  return x_in.is_cpu() ? y : y.to(x_in.device());
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
  if (!x_in.is_cpu()) {  // a round trip through the CPU until the recursion has a device kernel
    Tensor host_state = state.cpu();
    const Tensor out = first_order_stream(x_in.cpu(), host_state, fresh, previous_in.defined() ? previous_in.cpu() : Tensor(), f);
    state.copy_(host_state);
    return out.to(x_in.device());
  }
  Shape frame = x_in.sizes();
  frame[2] = 1;
  CONVIS_CHECK(state.defined() && state.sizes() == frame && state.dtype() == x_in.dtype() && state.is_contiguous(),
               "first_order_recursion", "expected a contiguous state frame of shape {} and dtype {}, got {}", frame,
               dtype_name(x_in.dtype()), state.defined() ? fmt::format("shape {}", state.sizes()) : std::string("none"));
  const Tensor x = x_in.contiguous();
  const Tensor previous = previous_in.defined() ? previous_in.to(x.dtype()).contiguous() : Tensor();
  Tensor out = empty(x.sizes(), x.options());
  const int64_t outer = x.size(0) * x.size(1), n = x.size(2), inner = x.size(3) * x.size(4);
  if (x.dtype() == kFloat64)
    first_order_stream_kernel(x.data_ptr<double>(), previous.defined() ? previous.data_ptr<double>() : nullptr,
                              state.data_ptr<double>(), fresh, out.data_ptr<double>(), outer, n, inner, f);
  else
    first_order_stream_kernel(x.data_ptr<float>(), previous.defined() ? previous.data_ptr<float>() : nullptr,
                              state.data_ptr<float>(), fresh, out.data_ptr<float>(), outer, n, inner, f);
  return out;
}

Tensor first_order_recursion(const Tensor& x, const Tensor& a, const Tensor& e, const Tensor& y0) {
  CONVIS_CHECK(x.defined() && x.dim() == 5, "first_order_recursion", "expected a 5-D [B, C, T, X, Y] input, got {}",
               x.defined() ? fmt::format("shape {}", x.sizes()) : std::string("an undefined tensor"));
  Tensor zero = zeros({}, e.defined() ? e.options() : x.options());
  return linear_recursion(x, a, zero, e, zero, y0, 2);
}

}  // namespace convis::filters
