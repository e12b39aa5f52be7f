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
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "convis/core/tensor.h"

namespace convis {

// ---- elementwise binary: out = f(a, b), broadcast ----
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha = 1);  // a + alpha * b
Tensor add(const Tensor& a, const Scalar& b, const Scalar& alpha = 1);
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha = 1);  // a - alpha * b
Tensor sub(const Tensor& a, const Scalar& b, const Scalar& alpha = 1);
Tensor rsub(const Tensor& a, const Scalar& b);                          // b - a
Tensor mul(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Scalar& b);
Tensor div(const Tensor& a, const Tensor& b);                           // true division: ints -> float
Tensor div(const Tensor& a, const Scalar& b);
Tensor div(const Scalar& a, const Tensor& b);
Tensor pow(const Tensor& a, const Tensor& b);
Tensor pow(const Tensor& a, const Scalar& b);
Tensor pow(const Scalar& a, const Tensor& b);
Tensor remainder(const Tensor& a, const Tensor& b);                     // sign of the divisor (Python %)
Tensor remainder(const Tensor& a, const Scalar& b);
Tensor maximum(const Tensor& a, const Tensor& b);                       // NaN propagates
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor clamp(const Tensor& x, const std::optional<Scalar>& min, const std::optional<Scalar>& max = std::nullopt);
Tensor clamp_min(const Tensor& x, const Scalar& min);
Tensor clamp_max(const Tensor& x, const Scalar& max);

// ---- elementwise unary (integer inputs give float results where LibTorch's do) ----
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
Tensor floor(const Tensor& x);
Tensor ceil(const Tensor& x);
Tensor round(const Tensor& x);  // half to even, as LibTorch

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
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);  // condition ? a : b
Tensor where(const Tensor& condition, const Tensor& a, const Scalar& b);
Tensor where(const Tensor& condition, const Scalar& a, const Tensor& b);
Tensor where(const Tensor& condition, const Scalar& a, const Scalar& b);
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value);
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value);

// ---- reductions; an empty `dims` means all dims ----
Tensor sum(const Tensor& x, std::optional<DType> dtype = std::nullopt);
Tensor sum(const Tensor& x, const Shape& dims, bool keepdim = false, std::optional<DType> dtype = std::nullopt);
Tensor mean(const Tensor& x, std::optional<DType> dtype = std::nullopt);
Tensor mean(const Tensor& x, const Shape& dims, bool keepdim = false, std::optional<DType> dtype = std::nullopt);
Tensor prod(const Tensor& x, std::optional<DType> dtype = std::nullopt);
Tensor prod(const Tensor& x, int64_t dim, bool keepdim = false, std::optional<DType> dtype = std::nullopt);
Tensor amax(const Tensor& x, const Shape& dims = {}, bool keepdim = false);
Tensor amin(const Tensor& x, const Shape& dims = {}, bool keepdim = false);
Tensor max(const Tensor& x);
Tensor min(const Tensor& x);
std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim = false);  // values, indices
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor max(const Tensor& a, const Tensor& b);  // = maximum
Tensor min(const Tensor& a, const Tensor& b);  // = minimum
Tensor argmax(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor argmin(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor var(const Tensor& x, bool unbiased = true);
Tensor var(const Tensor& x, const Shape& dims, bool unbiased = true, bool keepdim = false);
Tensor std(const Tensor& x, bool unbiased = true);
Tensor std(const Tensor& x, const Shape& dims, bool unbiased = true, bool keepdim = false);
Tensor norm(const Tensor& x, const Scalar& p = 2);
Tensor norm(const Tensor& x, const std::optional<Scalar>& p, const Shape& dims, bool keepdim = false);
Tensor logsumexp(const Tensor& x, const Shape& dims, bool keepdim = false);
Tensor softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
Tensor log_softmax(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
Tensor cumsum(const Tensor& x, int64_t dim, std::optional<DType> dtype = std::nullopt);
Tensor all(const Tensor& x);
Tensor all(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor any(const Tensor& x);
Tensor any(const Tensor& x, int64_t dim, bool keepdim = false);

// ---- views (see the methods in core/tensor.h) ----
Tensor view(const Tensor& x, const Shape& shape);
Tensor reshape(const Tensor& x, const Shape& shape);
Tensor permute(const Tensor& x, const Shape& dims);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
Tensor t(const Tensor& x);
Tensor slice(const Tensor& x, int64_t dim = 0, std::optional<int64_t> start = std::nullopt,
             std::optional<int64_t> end = std::nullopt, int64_t step = 1);
Tensor select(const Tensor& x, int64_t dim, int64_t index);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
Tensor expand(const Tensor& x, const Shape& size);
Tensor squeeze(const Tensor& x);
Tensor squeeze(const Tensor& x, int64_t dim);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor unfold(const Tensor& x, int64_t dim, int64_t size, int64_t step);
Tensor as_strided(const Tensor& x, const Shape& sizes, const Shape& strides,
                  std::optional<int64_t> storage_offset = std::nullopt);
std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& tensors);

// ---- copies ----
Tensor contiguous(const Tensor& x);
Tensor clone(const Tensor& x);

// ---- joining, splitting, reordering (copies) ----
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);  // views
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);      // views
Tensor flip(const Tensor& x, const Shape& dims);
Tensor roll(const Tensor& x, const Shape& shifts, const Shape& dims = {});

// ---- indexing ----
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);  // index: 1-D int64
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);        // out[i][j] = x[index[i][j]][j] (dim 0)
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value);
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha = 1);

// ---- linear algebra ----
Tensor matmul(const Tensor& a, const Tensor& b);  // NumPy matmul: 1-D promotion, batch broadcasting
Tensor mm(const Tensor& a, const Tensor& b);      // [n,k] @ [k,m]
Tensor bmm(const Tensor& a, const Tensor& b);     // [b,n,k] @ [b,k,m]
Tensor mv(const Tensor& a, const Tensor& v);      // [n,k] @ [k]
Tensor dot(const Tensor& a, const Tensor& b);     // [k] . [k] -> 0-dim
Tensor outer(const Tensor& a, const Tensor& b);   // [n] x [m] -> [n,m]

// ---- convolution and pooling; input N,C,(T,)(H,)W; weight Cout, Cin/groups, k... ----
// `stride`, `padding`, `dilation`: one value for every spatial dim, or one per spatial dim.
Tensor conv1d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, const Shape& stride = 1,
              const Shape& padding = 0, const Shape& dilation = 1, int64_t groups = 1);
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, const Shape& stride = 1,
              const Shape& padding = 0, const Shape& dilation = 1, int64_t groups = 1);
Tensor conv3d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, const Shape& stride = 1,
              const Shape& padding = 0, const Shape& dilation = 1, int64_t groups = 1);
// Pooling: an empty stride means stride = kernel_size.
Tensor max_pool1d(const Tensor& x, const Shape& kernel_size, const Shape& stride = {}, const Shape& padding = 0,
                  const Shape& dilation = 1, bool ceil_mode = false);
Tensor max_pool2d(const Tensor& x, const Shape& kernel_size, const Shape& stride = {}, const Shape& padding = 0,
                  const Shape& dilation = 1, bool ceil_mode = false);
Tensor max_pool3d(const Tensor& x, const Shape& kernel_size, const Shape& stride = {}, const Shape& padding = 0,
                  const Shape& dilation = 1, bool ceil_mode = false);
Tensor avg_pool1d(const Tensor& x, const Shape& kernel_size, const Shape& stride = {}, const Shape& padding = 0,
                  bool ceil_mode = false, bool count_include_pad = true);
Tensor avg_pool2d(const Tensor& x, const Shape& kernel_size, const Shape& stride = {}, const Shape& padding = 0,
                  bool ceil_mode = false, bool count_include_pad = true);
Tensor avg_pool3d(const Tensor& x, const Shape& kernel_size, const Shape& stride = {}, const Shape& padding = 0,
                  bool ceil_mode = false, bool count_include_pad = true);

// ---- the gradients of convolution and pooling, as public ops (autograd records them too) ----
// These take the same arguments as their forward (the spatial rank comes from the weight's, or
// from the function's name) and accept batched and unbatched shapes alike.  Each result is what
// torch.autograd.grad gives for sum(forward(...) * grad_output).
//   Tensor gx = conv_backward_input(gy, w, x.sizes(), 2, 1, /*dilation=*/1, /*groups=*/1);
//   Tensor gw = conv_backward_weight(gy, x, w.sizes(), 2, 1, 1, 1);   // gb = gy summed over N, T, H, W
//   auto [v, idx] = max_pool2d_with_indices(x, {3, 3}, {2, 2});
//   Tensor gx2 = max_pool2d_backward(gv, x, idx);
Tensor conv_backward_input(const Tensor& grad_output, const Tensor& weight, const Shape& input_sizes,
                           const Shape& stride = 1, const Shape& padding = 0, const Shape& dilation = 1,
                           int64_t groups = 1);
Tensor conv_backward_weight(const Tensor& grad_output, const Tensor& input, const Shape& weight_sizes,
                            const Shape& stride = 1, const Shape& padding = 0, const Shape& dilation = 1,
                            int64_t groups = 1);

// Values and the flat index of each maximum inside its input plane (H*W for 2-D), as LibTorch.
std::tuple<Tensor, Tensor> max_pool1d_with_indices(const Tensor& x, const Shape& kernel_size, const Shape& stride = {},
                                                   const Shape& padding = 0, const Shape& dilation = 1,
                                                   bool ceil_mode = false);
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, const Shape& kernel_size, const Shape& stride = {},
                                                   const Shape& padding = 0, const Shape& dilation = 1,
                                                   bool ceil_mode = false);
std::tuple<Tensor, Tensor> max_pool3d_with_indices(const Tensor& x, const Shape& kernel_size, const Shape& stride = {},
                                                   const Shape& padding = 0, const Shape& dilation = 1,
                                                   bool ceil_mode = false);
Tensor max_pool1d_backward(const Tensor& grad_output, const Tensor& input, const Tensor& indices);
Tensor max_pool2d_backward(const Tensor& grad_output, const Tensor& input, const Tensor& indices);
Tensor max_pool3d_backward(const Tensor& grad_output, const Tensor& input, const Tensor& indices);
Tensor avg_pool1d_backward(const Tensor& grad_output, const Tensor& input, const Shape& kernel_size,
                           const Shape& stride = {}, const Shape& padding = 0, bool ceil_mode = false,
                           bool count_include_pad = true);
Tensor avg_pool2d_backward(const Tensor& grad_output, const Tensor& input, const Shape& kernel_size,
                           const Shape& stride = {}, const Shape& padding = 0, bool ceil_mode = false,
                           bool count_include_pad = true);
Tensor avg_pool3d_backward(const Tensor& grad_output, const Tensor& input, const Shape& kernel_size,
                           const Shape& stride = {}, const Shape& padding = 0, bool ceil_mode = false,
                           bool count_include_pad = true);

// ---- padding: pads given last dim first, {left, right, top, bottom, front, back} ----
enum class PadMode { constant, reflect, replicate, circular };
std::string_view pad_mode_name(PadMode mode);  // "constant", "reflect", "replicate", "circular"
Tensor pad(const Tensor& x, const Shape& pads, PadMode mode = PadMode::constant, double value = 0);

// ---- whole-tensor comparisons ----
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);
bool equal(const Tensor& a, const Tensor& b);  // same shape and same values
Tensor isclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);

// ---- the common dtype of an op's operands (LibTorch's result_type) ----
DType result_type(const Tensor& a, const Tensor& b);
DType result_type(const Tensor& a, const Scalar& b);

}  // namespace convis
