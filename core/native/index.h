// core/native/index.h: the compute-only indexing ops (no autograd recording).
//
//   Tensor y = native::gather(x, 1, idx);          // as convis::gather, never records
//   native::IndexedView v = native::index_slicing(x, {Slice(1, None), idx}, "index");
//   Tensor z = native::index_advanced(v.view, v.indices);   // == x.index({Slice(1, None), idx})
//
// The public ops (core/ops.h, and the methods Tensor::index, index_put_, scatter_,
// scatter_add_, index_add_) are defined in autograd/ops/index.cpp: each calls the native
// version here and records its backward.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "convis/core/indexing.h"
#include "convis/core/native/view.h"
#include "convis/core/ops.h"  // the public twins, and the types the lists in core/ops/ use
#include "convis/core/tensor.h"

namespace convis::native {

// The ops of core/ops/index.inc, compute-only (Note [One list of signatures] in core/ops.h).
#include "convis/core/ops/index.inc"
const Tensor& scatter_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src);
const Tensor& scatter_(const Tensor& self, int64_t dim, const Tensor& index, const Scalar& value);
const Tensor& scatter_add_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& src);
const Tensor& index_add_(const Tensor& self, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha = 1);

// Tensor::index in its two stages (Note [Basic then advanced indexing] in core/native/indexing.cpp).
struct IndexedView {
  Tensor view;                  // self after the basic indices: made by the public view ops
  std::vector<Tensor> indices;  // per dim of view: an int64 index (masks expanded), or undefined
  bool any_advanced() const {
    return std::any_of(indices.begin(), indices.end(), [](const Tensor& t) { return t.defined(); });
  }
};
// The view ops that index_slicing applies for the basic indices (integers, slices, None,
// booleans).  Core uses the native ones; the autograd layer passes the public ones, so that the
// view it gets back carries its history (autograd/ops/index.cpp).
struct ViewOps {
  Tensor (*unsqueeze)(const Tensor& x, int64_t dim);
  Tensor (*select)(const Tensor& x, int64_t dim, int64_t index);
  Tensor (*slice)(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step);
};
inline constexpr ViewOps kNativeViewOps{&native::unsqueeze, &native::select, &native::slice};
IndexedView index_slicing(const Tensor& self, const std::vector<indexing::TensorIndex>& indices, const char* op,
                          const ViewOps& views = kNativeViewOps);
// The gathered copy view[indices...]; needs any_advanced().
Tensor index_advanced(const Tensor& view, const std::vector<Tensor>& indices);
// Both stages; a result that is self's own handle becomes a fresh alias.
Tensor index(const Tensor& self, const std::vector<indexing::TensorIndex>& indices);
const Tensor& index_put_(const Tensor& self, const std::vector<indexing::TensorIndex>& indices, const Tensor& value);
// A new handle on self's storage, sizes and strides.
Tensor alias(const Tensor& self);

}  // namespace convis::native
