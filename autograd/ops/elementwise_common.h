// autograd/ops/elementwise_common.h: what the elementwise ops share (internal to
// autograd/ops/elementwise*.cpp): the table of unary ops and two small helpers.  How an op
// records is Note [Recording an op] in autograd/record.h.
//
//   constexpr Unary kExp{"ExpBackward0", Saves::result, [](const Tensor& g, const Tensor& y) { return g * y; }};
//   Tensor exp(const Tensor& x) { return unary(kExp, x, native::exp(x)); }
//   Tensor& Tensor::exp_() const { return unary_(kExp, *this, "exp_", native::exp_); }
#pragma once

#include "convis/autograd/record.h"
#include "convis/core/factory.h"
#include "convis/core/native/elementwise.h"
#include "convis/core/ops.h"

namespace convis::autograd::elementwise {

// ---- unary ops: a node name, what backward reads, and grad -> grad of x ----
enum class Saves { nothing, input, result };
using UnaryFormula = Tensor (*)(const Tensor& grad, const Tensor& saved);
struct Unary {
  const char* name;
  Saves saves;
  UnaryFormula formula;
};
OpRecord unary_record(const Unary& u, const Tensor& x);
// Records `u` on y = op(x) when x requires grad; returns y.
Tensor unary(const Unary& u, const Tensor& x, Tensor y);
// self.op_(), recorded as `u`.
Tensor& unary_(const Unary& u, const Tensor& self, const char* op, const Tensor& (*write)(const Tensor&));

// g * s, or g itself when s is 1.
Tensor scaled(const Tensor& g, const Scalar& s);

// Gradient slot i: f() when input i wants a gradient, else undefined.
template <typename F>
Tensor grad_if(FunctionNode& n, size_t i, F f) {
  return n.needs_input_grad(i) ? f() : Tensor();
}

}  // namespace convis::autograd::elementwise
