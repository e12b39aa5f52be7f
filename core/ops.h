// core/ops.h: every tensor operation as a free function, one line each.
//
//   using namespace convis;
//   Tensor x = randn({2, 3});
//   Tensor y = exp(x) + sum(x, {1}, /*keepdim=*/true);   // [2,3] + [2,1] -> [2,3]
//   Tensor z = cat({x, y}, 0);                            // [4,3]
//   Tensor w = conv3d(randn({1, 1, 8, 9, 9}), randn({2, 1, 3, 3, 3}), {}, 1, 1);  // [1,2,8,9,9]
//
// Tensor methods (core/tensor.h) forward to these.  Shapes follow NumPy broadcasting and
// LibTorch's type promotion: bool < int64 < float32 < float64, where a 0-dim tensor or a
// plain number only raises the result's *category* (an int tensor + 2.5 is float32, a
// float32 tensor + a float64 0-dim tensor stays float32).  Layout for convolutions and
// pooling is N, C, then the spatial dims (T, H, W for 3-D).
//
// Note [One list of signatures]
// Most ops exist twice: the public op, which records its backward node (autograd/ops/<family>.cpp),
// and its compute-only twin native::op (core/native/<family>.cpp), which autograd calls to
// compute and which core code calls so that it never records.  Both have the same signature, so
// it is written once, in core/ops/<family>.inc, a plain list of declarations without an include
// guard: this header includes each list into namespace convis, and core/native/<family>.h
// includes the same list into namespace convis::native.  The ops declared directly below have no
// native twin: composites of other ops (narrow, flatten, split, max_pool2d), ops that never
// record and are defined in core itself (comparisons, argmax, all, allclose), and helpers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "convis/core/tensor.h"

namespace convis {

// ---- padding modes (pad itself is in core/ops/join.inc) ----
enum class PadMode { constant, reflect, replicate, circular };
std::string_view pad_mode_name(PadMode mode);  // "constant", "reflect", "replicate", "circular"

#include "convis/core/ops/elementwise.inc"
#include "convis/core/ops/reduce.inc"
#include "convis/core/ops/view.inc"
#include "convis/core/ops/join.inc"
#include "convis/core/ops/index.inc"
#include "convis/core/ops/linalg.inc"
#include "convis/core/ops/conv.inc"
#include "convis/core/ops/pool.inc"

// ---- comparison and logic (kBool results) ----
Tensor eq(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, const Scalar& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Scalar& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Scalar& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Scalar& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Scalar& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Scalar& b);
Tensor logical_and(const Tensor& a, const Tensor& b);
Tensor logical_or(const Tensor& a, const Tensor& b);
Tensor logical_xor(const Tensor& a, const Tensor& b);
Tensor logical_not(const Tensor& x);
Tensor isnan(const Tensor& x);
Tensor isinf(const Tensor& x);
Tensor isfinite(const Tensor& x);

// ---- reductions without a native twin ----
Tensor max(const Tensor& a, const Tensor& b);  // = maximum
Tensor min(const Tensor& a, const Tensor& b);  // = minimum
Tensor argmax(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor argmin(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor all(const Tensor& x);
Tensor all(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor any(const Tensor& x);
Tensor any(const Tensor& x, int64_t dim, bool keepdim = false);

// ---- composite views and copies ----
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& tensors);
Tensor contiguous(const Tensor& x);
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);  // views
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);      // views

// ---- max pooling (with_indices, in core/ops/pool.inc, does the work) ----
Tensor max_pool1d(const Tensor& x, const Shape& kernel_size, const Shape& stride = {}, const Shape& padding = 0,
                  const Shape& dilation = 1, bool ceil_mode = false);
Tensor max_pool2d(const Tensor& x, const Shape& kernel_size, const Shape& stride = {}, const Shape& padding = 0,
                  const Shape& dilation = 1, bool ceil_mode = false);
Tensor max_pool3d(const Tensor& x, const Shape& kernel_size, const Shape& stride = {}, const Shape& padding = 0,
                  const Shape& dilation = 1, bool ceil_mode = false);
Tensor max_pool1d_backward(const Tensor& grad_output, const Tensor& input, const Tensor& indices);
Tensor max_pool2d_backward(const Tensor& grad_output, const Tensor& input, const Tensor& indices);
Tensor max_pool3d_backward(const Tensor& grad_output, const Tensor& input, const Tensor& indices);

// ---- whole-tensor comparisons ----
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);
bool equal(const Tensor& a, const Tensor& b);  // same shape and same values
Tensor isclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);

// ---- the common dtype of an op's operands (LibTorch's result_type) ----
DType result_type(const Tensor& a, const Tensor& b);
DType result_type(const Tensor& a, const Scalar& b);

}  // namespace convis
