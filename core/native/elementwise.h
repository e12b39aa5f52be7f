// core/native/elementwise.h: the elementwise ops as computation only, without autograd.
//
//   Tensor y = native::exp(x);         // never records, whatever x.requires_grad()
//   native::add_(y, 1, /*alpha=*/1);   // writes y in place, bumps its version, records nothing
//
// The public ops of core/ops.h (defined in autograd/ops/elementwise*.cpp) call these and
// then record the backward graph; the definitions are in core/native/elementwise.cpp,
// core/native/compare.cpp and core/native/elementwise_methods.cpp (the in-place forms).
// Comparisons and logic need no native version: their kBool results never require grad.
//
// Note [Native ops record nothing]
// A native op adds nothing to the autograd graph, even for inputs that require grad: its
// result has no grad_fn, and the internal steps it takes on its operands (casting one to
// the compute dtype, expanding it to the broadcast shape) are taken on a detached alias,
// so they do not leave nodes behind either (core/native/elementwise.cpp, run_op).
#pragma once

#include <optional>

#include "convis/core/tensor.h"

namespace convis::native {

// ---- binary ----
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha);
Tensor add(const Tensor& a, const Scalar& b, const Scalar& alpha);
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha);
Tensor sub(const Tensor& a, const Scalar& b, const Scalar& alpha);
Tensor rsub(const Tensor& a, const Scalar& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Scalar& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Scalar& b);
Tensor div(const Scalar& a, const Tensor& b);
Tensor pow(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, const Scalar& b);
Tensor pow(const Scalar& a, const Tensor& b);
Tensor remainder(const Tensor& a, const Tensor& b);
Tensor remainder(const Tensor& a, const Scalar& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor clamp(const Tensor& x, const std::optional<Scalar>& min, const std::optional<Scalar>& max);
Tensor clamp_min(const Tensor& x, const Scalar& min);
Tensor clamp_max(const Tensor& x, const Scalar& max);

// ---- unary ----
Tensor abs(const Tensor& x);
Tensor neg(const Tensor& x);
Tensor sign(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor expm1(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor reciprocal(const Tensor& x);
Tensor square(const Tensor& x);
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);
// grad * (1 - y * y) and grad * (y * (1 - y)) in one pass, y = tanh(x) or sigmoid(x): the
// backward of tanh and sigmoid when no graph is recorded (see Note [Fused backward kernels]).
// On a device without the fused kernel they compose public ops: call them with grad mode off.
Tensor tanh_backward(const Tensor& grad, const Tensor& y);
Tensor sigmoid_backward(const Tensor& grad, const Tensor& y);
Tensor floor(const Tensor& x);
Tensor ceil(const Tensor& x);
Tensor round(const Tensor& x);

// ---- selection ----
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
Tensor where(const Tensor& condition, const Tensor& a, const Scalar& b);
Tensor where(const Tensor& condition, const Scalar& a, const Tensor& b);
Tensor where(const Tensor& condition, const Scalar& a, const Scalar& b);
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value);
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value);  // a 0-dim value

// ---- in place: the Tensor methods of the same names, without autograd ----
Tensor& add_(Tensor& self, const Tensor& other, const Scalar& alpha);
Tensor& add_(Tensor& self, const Scalar& other, const Scalar& alpha);
Tensor& sub_(Tensor& self, const Tensor& other, const Scalar& alpha);
Tensor& sub_(Tensor& self, const Scalar& other, const Scalar& alpha);
Tensor& mul_(Tensor& self, const Tensor& other);
Tensor& mul_(Tensor& self, const Scalar& other);
Tensor& div_(Tensor& self, const Tensor& other);
Tensor& div_(Tensor& self, const Scalar& other);
Tensor& pow_(Tensor& self, const Tensor& exponent);
Tensor& pow_(Tensor& self, const Scalar& exponent);
Tensor& remainder_(Tensor& self, const Tensor& other);
Tensor& remainder_(Tensor& self, const Scalar& other);
Tensor& clamp_(Tensor& self, const std::optional<Scalar>& min, const std::optional<Scalar>& max);
Tensor& clamp_min_(Tensor& self, const Scalar& min);
Tensor& clamp_max_(Tensor& self, const Scalar& max);
Tensor& abs_(Tensor& self);
Tensor& neg_(Tensor& self);
Tensor& sign_(Tensor& self);
Tensor& exp_(Tensor& self);
Tensor& log_(Tensor& self);
Tensor& log1p_(Tensor& self);
Tensor& expm1_(Tensor& self);
Tensor& sqrt_(Tensor& self);
Tensor& rsqrt_(Tensor& self);
Tensor& reciprocal_(Tensor& self);
Tensor& square_(Tensor& self);
Tensor& sin_(Tensor& self);
Tensor& cos_(Tensor& self);
Tensor& tanh_(Tensor& self);
Tensor& sigmoid_(Tensor& self);
Tensor& relu_(Tensor& self);
Tensor& floor_(Tensor& self);
Tensor& ceil_(Tensor& self);
Tensor& round_(Tensor& self);
Tensor& masked_fill_(Tensor& self, const Tensor& mask, const Scalar& value);
Tensor& masked_fill_(Tensor& self, const Tensor& mask, const Tensor& value);  // a 0-dim value

}  // namespace convis::native
