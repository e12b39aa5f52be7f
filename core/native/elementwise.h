// core/native/elementwise.h: the elementwise ops as computation only, without autograd.
//
//   Tensor y = native::exp(x);         // never records, whatever x.requires_grad()
//   native::add_(y, 1, /*alpha=*/1);   // writes y in place, bumps its version, records nothing
//
// The public ops of core/ops.h (defined in autograd/ops/elementwise*.cpp) call these and
// then record the backward graph; the definitions are in core/native/elementwise.cpp,
// core/native/compare.cpp and core/native/elementwise_inplace.cpp (the in-place forms).
// Comparisons and logic need no native version: their kBool results never require grad.
//
// Note [Native ops record nothing]
// A native op adds nothing to the autograd graph, even for inputs that require grad: its
// result has no grad_fn, and the internal steps it takes on its operands (casting one to
// the compute dtype, expanding it to the broadcast shape) are taken on a detached alias,
// so they do not leave nodes behind either (core/native/elementwise.cpp, run_op).
#pragma once

#include <optional>

#include "convis/core/ops.h"  // the public twins, and the types the lists in core/ops/ use
#include "convis/core/tensor.h"

namespace convis::native {

// ---- binary ----
// The ops of core/ops/elementwise.inc, compute-only (Note [One list of signatures] in core/ops.h).
#include "convis/core/ops/elementwise.inc"

// ---- unary ----
// grad * (1 - y * y) and grad * (y * (1 - y)) in one pass, y = tanh(x) or sigmoid(x): the
// backward of tanh and sigmoid when no graph is recorded (see Note [Fused backward kernels]).
// On a device without the fused kernel they compose public ops: call them with grad mode off.
Tensor tanh_backward(const Tensor& grad, const Tensor& y);
Tensor sigmoid_backward(const Tensor& grad, const Tensor& y);

// ---- selection ----

// ---- in place: the Tensor methods of the same names, without autograd ----
const Tensor& add_(const Tensor& self, const Tensor& other, const Scalar& alpha);
const Tensor& add_(const Tensor& self, const Scalar& other, const Scalar& alpha);
const Tensor& sub_(const Tensor& self, const Tensor& other, const Scalar& alpha);
const Tensor& sub_(const Tensor& self, const Scalar& other, const Scalar& alpha);
const Tensor& mul_(const Tensor& self, const Tensor& other);
const Tensor& mul_(const Tensor& self, const Scalar& other);
const Tensor& div_(const Tensor& self, const Tensor& other);
const Tensor& div_(const Tensor& self, const Scalar& other);
const Tensor& pow_(const Tensor& self, const Tensor& exponent);
const Tensor& pow_(const Tensor& self, const Scalar& exponent);
const Tensor& remainder_(const Tensor& self, const Tensor& other);
const Tensor& remainder_(const Tensor& self, const Scalar& other);
const Tensor& clamp_(const Tensor& self, const std::optional<Scalar>& min, const std::optional<Scalar>& max);
const Tensor& clamp_min_(const Tensor& self, const Scalar& min);
const Tensor& clamp_max_(const Tensor& self, const Scalar& max);
const Tensor& abs_(const Tensor& self);
const Tensor& neg_(const Tensor& self);
const Tensor& sign_(const Tensor& self);
const Tensor& exp_(const Tensor& self);
const Tensor& log_(const Tensor& self);
const Tensor& log1p_(const Tensor& self);
const Tensor& expm1_(const Tensor& self);
const Tensor& sqrt_(const Tensor& self);
const Tensor& rsqrt_(const Tensor& self);
const Tensor& reciprocal_(const Tensor& self);
const Tensor& square_(const Tensor& self);
const Tensor& sin_(const Tensor& self);
const Tensor& cos_(const Tensor& self);
const Tensor& tanh_(const Tensor& self);
const Tensor& sigmoid_(const Tensor& self);
const Tensor& relu_(const Tensor& self);
const Tensor& floor_(const Tensor& self);
const Tensor& ceil_(const Tensor& self);
const Tensor& round_(const Tensor& self);
const Tensor& masked_fill_(const Tensor& self, const Tensor& mask, const Scalar& value);
const Tensor& masked_fill_(const Tensor& self, const Tensor& mask, const Tensor& value);  // a 0-dim value

}  // namespace convis::native
