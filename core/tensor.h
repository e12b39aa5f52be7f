// core/tensor.h: the Tensor handle and its methods.
//
//   using namespace convis;
//   Tensor a = tensor({1.0, 2.0, 3.0});          // float32, shape [3]
//   Tensor b = arange(6).view({2, 3});           // int64, shape [2, 3]
//   Tensor c = (a + b).mean();                   // broadcasting + promotion -> float32 0-dim
//   float v = c.item<float>();                   // 3.5
//   Tensor row = b.index({1, indexing::Slice()});  // a view: [3, 4, 5]
//   std::cout << b.t();                          // printed as LibTorch prints
//
// A Tensor is a cheap handle (one shared_ptr) to a TensorImpl; copying a Tensor never
// copies data.  Every method here is also a free function in core/ops.h; the method just
// forwards, so the logic lives in exactly one place.  Where each is defined follows the layers
// (docs/ARCHITECTURE.md): the data-model methods (sizes, item, requires_grad, detach, ...) in
// core/tensor.cpp; the differentiable ops in autograd/ops/<family>.cpp, next to their backward;
// the comparisons, which never record, in core/native/compare.cpp.  Code in core itself calls
// only the compute-only ops of core/native (tests/layers/check_layers.sh checks it).  Shapes, dtypes and broadcasting
// follow LibTorch (see docs/API.md); misuse throws convis::Error.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <type_traits>
#include <iosfwd>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "convis/core/error.h"
#include "convis/core/scalar.h"
#include "convis/core/shape.h"
#include "convis/core/tensor_impl.h"
#include "convis/core/tensor_options.h"

namespace convis {

class Tensor;
namespace indexing {
class TensorIndex;
}
namespace autograd {
class Node;
}

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- metadata ----
  bool defined() const { return impl_ != nullptr; }
  const Shape& sizes() const { return checked_impl()->sizes; }
  int64_t size(int64_t d) const;
  int64_t dim() const { return checked_impl()->dim(); }
  int64_t ndimension() const { return dim(); }
  int64_t numel() const { return checked_impl()->numel(); }
  const Shape& strides() const { return checked_impl()->strides; }
  int64_t stride(int64_t d) const;
  int64_t storage_offset() const { return checked_impl()->offset; }
  DType scalar_type() const { return checked_impl()->dtype; }
  TypeMeta dtype() const { return scalar_type(); }  // prints "float"; scalar_type() prints "Float"
  Device device() const { return checked_impl()->device(); }
  TensorOptions options() const { return TensorOptions(dtype()).device(device()); }
  bool is_contiguous() const { return checked_impl()->is_contiguous(); }
  bool is_floating_point() const { return convis::is_floating_point(dtype()); }
  bool is_cpu() const { return device().is_cpu(); }
  bool is_cuda() const { return device().is_cuda(); }
  int64_t element_size() const { return dtype_size(dtype()); }
  int64_t nbytes() const { return numel() * element_size(); }
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }
  long use_count() const { return impl_.use_count(); }

  // Pointer to the first element.  data_ptr<T>() checks that T matches the dtype.
  void* data_ptr() const { return checked_impl()->data(); }
  template <typename T>
  T* data_ptr() const;
  // The value of a one-element tensor, converted to T (as LibTorch's item<T>()).
  template <typename T>
  T item() const;
  Scalar item() const;

  TensorImpl* unsafeGetTensorImpl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl() const { return impl_; }
  const std::shared_ptr<Storage>& storage() const { return checked_impl()->storage; }

  // ---- views: share storage, never copy (autograd/ops/view.cpp) ----
  Tensor view(const Shape& shape) const;
  Tensor reshape(const Shape& shape) const;  // a view when strides allow, else a copy
  Tensor view_as(const Tensor& other) const;
  Tensor reshape_as(const Tensor& other) const;
  Tensor permute(const Shape& dims) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor t() const;
  Tensor slice(int64_t dim = 0, std::optional<int64_t> start = std::nullopt,
               std::optional<int64_t> end = std::nullopt, int64_t step = 1) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor expand(const Shape& size) const;
  Tensor expand_as(const Tensor& other) const;
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor unfold(int64_t dim, int64_t size, int64_t step) const;
  Tensor as_strided(const Shape& sizes, const Shape& strides,
                    std::optional<int64_t> storage_offset = std::nullopt) const;
  Tensor index(std::initializer_list<indexing::TensorIndex> indices) const;
  Tensor index(const std::vector<indexing::TensorIndex>& indices) const;
  Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Tensor& value) const;
  Tensor& index_put_(std::initializer_list<indexing::TensorIndex> indices, const Scalar& value) const;
  Tensor& index_put_(const std::vector<indexing::TensorIndex>& indices, const Tensor& value) const;
  Tensor& index_put_(const std::vector<indexing::TensorIndex>& indices, const Scalar& value) const;

  // ---- copies and conversion (autograd/ops/view.cpp) ----
  Tensor contiguous() const;
  Tensor clone() const;
  Tensor to(DType dtype, bool non_blocking = false, bool copy = false) const;
  Tensor to(TypeMeta dtype, bool non_blocking = false, bool copy = false) const {
    return to(DType(dtype), non_blocking, copy);
  }
  Tensor to(Device device, bool non_blocking = false, bool copy = false) const;
  // t.to(kCUDA) as in LibTorch (without it, Device and TensorOptions both convert: ambiguous).
  Tensor to(DeviceType device, bool non_blocking = false, bool copy = false) const {
    return to(Device(device), non_blocking, copy);
  }
  Tensor to(Device device, DType dtype, bool non_blocking = false, bool copy = false) const;
  Tensor to(const TensorOptions& options, bool non_blocking = false, bool copy = false) const;
  Tensor to(const Tensor& other) const;  // other's dtype and device
  Tensor cpu() const;
  Tensor cuda() const;  // to(kCUDA): the current CUDA device
  // A copy in page-locked host memory, from which to(kCUDA, non_blocking = true) copies without
  // waiting (Note [CUDA streams] in core/cuda_stream.h); itself when pinned already.
  Tensor pin_memory() const;
  bool is_pinned() const { return defined() && storage()->is_pinned(); }
  Tensor& copy_(const Tensor& src, bool non_blocking = false) const;
  Tensor& fill_(const Scalar& value) const;
  Tensor& fill_(const Tensor& value) const;  // a 0-dim tensor
  Tensor& zero_() const;

  // ---- elementwise arithmetic (autograd/ops/elementwise*.cpp) ----
  Tensor add(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor add(const Scalar& other, const Scalar& alpha = 1) const;
  Tensor sub(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor sub(const Scalar& other, const Scalar& alpha = 1) const;
  Tensor mul(const Tensor& other) const;
  Tensor mul(const Scalar& other) const;
  Tensor div(const Tensor& other) const;
  Tensor div(const Scalar& other) const;
  Tensor pow(const Tensor& exponent) const;
  Tensor pow(const Scalar& exponent) const;
  Tensor remainder(const Tensor& other) const;
  Tensor remainder(const Scalar& other) const;
  Tensor maximum(const Tensor& other) const;
  Tensor minimum(const Tensor& other) const;
  Tensor clamp(const std::optional<Scalar>& min, const std::optional<Scalar>& max = std::nullopt) const;
  Tensor clamp_min(const Scalar& min) const;
  Tensor clamp_max(const Scalar& max) const;
  Tensor abs() const;
  Tensor neg() const;
  Tensor sign() const;
  Tensor exp() const;
  Tensor log() const;
  Tensor log1p() const;
  Tensor expm1() const;
  Tensor sqrt() const;
  Tensor rsqrt() const;
  Tensor reciprocal() const;
  Tensor square() const;
  Tensor sin() const;
  Tensor cos() const;
  Tensor tanh() const;
  Tensor sigmoid() const;
  Tensor relu() const;
  Tensor floor() const;
  Tensor ceil() const;
  Tensor round() const;

  // Note [In-place methods are const]
  // As in LibTorch, a Tensor is a handle: an in-place method changes the values (and the
  // autograd history) of the TensorImpl it points at, never which one it points at.  So the
  // in-place methods are const, callable through a const Tensor& (x.grad().zero_()), and
  // return a reference to the same handle for chaining.
  Tensor& add_(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor& add_(const Scalar& other, const Scalar& alpha = 1) const;
  Tensor& sub_(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor& sub_(const Scalar& other, const Scalar& alpha = 1) const;
  Tensor& mul_(const Tensor& other) const;
  Tensor& mul_(const Scalar& other) const;
  Tensor& div_(const Tensor& other) const;
  Tensor& div_(const Scalar& other) const;
  Tensor& pow_(const Tensor& exponent) const;
  Tensor& pow_(const Scalar& exponent) const;
  Tensor& remainder_(const Tensor& other) const;
  Tensor& remainder_(const Scalar& other) const;
  Tensor& clamp_(const std::optional<Scalar>& min, const std::optional<Scalar>& max = std::nullopt) const;
  Tensor& clamp_min_(const Scalar& min) const;
  Tensor& clamp_max_(const Scalar& max) const;
  Tensor& abs_() const;
  Tensor& neg_() const;
  Tensor& sign_() const;
  Tensor& exp_() const;
  Tensor& log_() const;
  Tensor& log1p_() const;
  Tensor& expm1_() const;
  Tensor& sqrt_() const;
  Tensor& rsqrt_() const;
  Tensor& reciprocal_() const;
  Tensor& square_() const;
  Tensor& sin_() const;
  Tensor& cos_() const;
  Tensor& tanh_() const;
  Tensor& sigmoid_() const;
  Tensor& relu_() const;
  Tensor& floor_() const;
  Tensor& ceil_() const;
  Tensor& round_() const;

  // ---- comparison and logic, results are kBool (core/native/compare.cpp; never recorded) ----
  Tensor eq(const Tensor& other) const;
  Tensor eq(const Scalar& other) const;
  Tensor ne(const Tensor& other) const;
  Tensor ne(const Scalar& other) const;
  Tensor lt(const Tensor& other) const;
  Tensor lt(const Scalar& other) const;
  Tensor le(const Tensor& other) const;
  Tensor le(const Scalar& other) const;
  Tensor gt(const Tensor& other) const;
  Tensor gt(const Scalar& other) const;
  Tensor ge(const Tensor& other) const;
  Tensor ge(const Scalar& other) const;
  Tensor logical_and(const Tensor& other) const;
  Tensor logical_or(const Tensor& other) const;
  Tensor logical_xor(const Tensor& other) const;
  Tensor logical_not() const;
  Tensor isnan() const;
  Tensor isinf() const;
  Tensor isfinite() const;
  Tensor where(const Tensor& condition, const Tensor& other) const;  // condition ? self : other
  Tensor masked_fill(const Tensor& mask, const Scalar& value) const;
  Tensor masked_fill(const Tensor& mask, const Tensor& value) const;  // value: 0-dim
  Tensor& masked_fill_(const Tensor& mask, const Scalar& value) const;
  Tensor& masked_fill_(const Tensor& mask, const Tensor& value) const;

  // ---- reductions (autograd/ops/reduce.cpp; argmax, argmin, all, any: core/native/reduce.cpp) ----
  Tensor sum(std::optional<DType> dtype = std::nullopt) const;
  Tensor sum(const Shape& dims, bool keepdim = false, std::optional<DType> dtype = std::nullopt) const;
  Tensor mean(std::optional<DType> dtype = std::nullopt) const;
  Tensor mean(const Shape& dims, bool keepdim = false, std::optional<DType> dtype = std::nullopt) const;
  Tensor prod(std::optional<DType> dtype = std::nullopt) const;
  Tensor prod(int64_t dim, bool keepdim = false, std::optional<DType> dtype = std::nullopt) const;
  Tensor amax(const Shape& dims = {}, bool keepdim = false) const;
  Tensor amin(const Shape& dims = {}, bool keepdim = false) const;
  Tensor max() const;
  Tensor min() const;
  std::tuple<Tensor, Tensor> max(int64_t dim, bool keepdim = false) const;
  std::tuple<Tensor, Tensor> min(int64_t dim, bool keepdim = false) const;
  Tensor max(const Tensor& other) const;  // = maximum
  Tensor min(const Tensor& other) const;  // = minimum
  Tensor argmax(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor argmin(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor var(bool unbiased = true) const;
  Tensor var(const Shape& dims, bool unbiased = true, bool keepdim = false) const;
  Tensor std(bool unbiased = true) const;
  Tensor std(const Shape& dims, bool unbiased = true, bool keepdim = false) const;
  Tensor norm(const Scalar& p = 2) const;
  Tensor norm(const std::optional<Scalar>& p, const Shape& dims, bool keepdim = false) const;
  Tensor logsumexp(const Shape& dims, bool keepdim = false) const;
  Tensor softmax(int64_t dim, std::optional<DType> dtype = std::nullopt) const;
  Tensor log_softmax(int64_t dim, std::optional<DType> dtype = std::nullopt) const;
  Tensor cumsum(int64_t dim, std::optional<DType> dtype = std::nullopt) const;
  Tensor all() const;
  Tensor all(int64_t dim, bool keepdim = false) const;
  Tensor any() const;
  Tensor any(int64_t dim, bool keepdim = false) const;

  // ---- indexing (autograd/ops/index.cpp) ----
  Tensor index_select(int64_t dim, const Tensor& index) const;
  Tensor gather(int64_t dim, const Tensor& index) const;
  Tensor scatter(int64_t dim, const Tensor& index, const Tensor& src) const;
  Tensor scatter(int64_t dim, const Tensor& index, const Scalar& value) const;
  Tensor scatter_add(int64_t dim, const Tensor& index, const Tensor& src) const;
  Tensor index_add(int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha = 1) const;
  Tensor& scatter_(int64_t dim, const Tensor& index, const Tensor& src) const;
  Tensor& scatter_(int64_t dim, const Tensor& index, const Scalar& value) const;
  Tensor& scatter_add_(int64_t dim, const Tensor& index, const Tensor& src) const;
  Tensor& index_add_(int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha = 1) const;

  // ---- linear algebra (autograd/ops/linalg.cpp) ----
  Tensor matmul(const Tensor& other) const;
  Tensor mm(const Tensor& other) const;
  Tensor bmm(const Tensor& other) const;
  Tensor mv(const Tensor& vec) const;
  Tensor dot(const Tensor& other) const;
  Tensor outer(const Tensor& other) const;

  // ---- shape-changing copies (autograd/ops/join.cpp) ----
  Tensor flip(const Shape& dims) const;
  Tensor roll(const Shape& shifts, const Shape& dims = {}) const;
  std::vector<Tensor> split(int64_t split_size, int64_t dim = 0) const;
  std::vector<Tensor> chunk(int64_t chunks, int64_t dim = 0) const;

  // ---- comparisons of whole tensors ----
  bool allclose(const Tensor& other, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false) const;
  bool equal(const Tensor& other) const;
  Tensor isclose(const Tensor& other, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false) const;

  // ---- autograd (autograd/tensor_autograd.cpp; see autograd/engine.h) ----
  bool requires_grad() const;
  Tensor& requires_grad_(bool requires_grad = true) const;
  void set_requires_grad(bool requires_grad) { requires_grad_(requires_grad); }
  const Tensor& grad() const;  // undefined until a backward reaches this leaf
  Tensor& mutable_grad();
  std::shared_ptr<autograd::Node> grad_fn() const;
  bool is_leaf() const;
  uint32_t output_nr() const;
  Tensor detach() const;  // shares storage, no history
  Tensor& detach_() const;
  // Points this tensor (every handle to it) at new_data's storage, shape and dtype, keeping
  // its identity and autograd state (LibTorch's set_data; what Module::to and loaders use).
  void set_data(const Tensor& new_data) const;
  void retain_grad();
  bool retains_grad() const;
  void backward(const Tensor& gradient = {}, std::optional<bool> retain_graph = std::nullopt,
                bool create_graph = false) const;
  // fn: Tensor(const Tensor&) returning a replacement gradient, or void(const Tensor&).
  template <typename F>
  void register_hook(F&& fn);
  // fn(leaf) runs after a backward has added this leaf's gradient into .grad (PyTorch's
  // register_post_accumulate_grad_hook; what DistributedDataParallel listens to).
  void register_post_accumulate_grad_hook(std::function<void(const Tensor&)> fn) const;
  uint32_t _version() const { return storage()->version(); }

  // In-place operators, as in LibTorch.
  Tensor& operator+=(const Tensor& o) { return add_(o); }
  Tensor& operator+=(const Scalar& o) { return add_(o); }
  Tensor& operator-=(const Tensor& o) { return sub_(o); }
  Tensor& operator-=(const Scalar& o) { return sub_(o); }
  Tensor& operator*=(const Tensor& o) { return mul_(o); }
  Tensor& operator*=(const Scalar& o) { return mul_(o); }
  Tensor& operator/=(const Tensor& o) { return div_(o); }
  Tensor& operator/=(const Scalar& o) { return div_(o); }
  Tensor operator[](int64_t i) const { return select(0, i); }

 private:
  void register_hook_impl(std::function<Tensor(const Tensor&)> hook);
  TensorImpl* checked_impl() const {
    CONVIS_CHECK(impl_ != nullptr, "Tensor", "expected a defined tensor, got an undefined Tensor()");
    return impl_.get();
  }
  std::shared_ptr<TensorImpl> impl_;
};

namespace detail {
// Marks a leaf as requiring grad (or not), after checking that its dtype is floating point:
// what requires_grad_ and the factories' requires_grad(true) option do (core/tensor.cpp).
void set_leaf_requires_grad(const Tensor& t, bool requires_grad);
}  // namespace detail

// Arithmetic and comparison operators, with tensors or scalars on either side.
Tensor operator-(const Tensor& a);
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, const Scalar& b);
Tensor operator+(const Scalar& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Scalar& b);
Tensor operator-(const Scalar& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Scalar& b);
Tensor operator*(const Scalar& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Scalar& b);
Tensor operator/(const Scalar& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Scalar& b);
Tensor operator!=(const Tensor& a, const Tensor& b);
Tensor operator!=(const Tensor& a, const Scalar& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Scalar& b);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Scalar& b);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Scalar& b);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Scalar& b);
Tensor operator~(const Tensor& a);  // logical_not for kBool, as LibTorch's bitwise_not
Tensor operator&(const Tensor& a, const Tensor& b);  // logical_and on kBool
Tensor operator|(const Tensor& a, const Tensor& b);  // logical_or on kBool

std::ostream& operator<<(std::ostream& os, const Tensor& t);  // core/format.cpp

// ---- template definitions ----

template <typename T>
T* Tensor::data_ptr() const {
  CONVIS_CHECK(dtype() == dtype_of_v<T>, "data_ptr", "expected a tensor of dtype {}, got dtype {}",
               dtype_name(dtype_of_v<T>), dtype_name(dtype()));
  return static_cast<T*>(data_ptr());
}

template <typename T>
T Tensor::item() const {
  return item().to<T>();
}

template <typename F>
void Tensor::register_hook(F&& fn) {
  if constexpr (std::is_void_v<std::invoke_result_t<F&, const Tensor&>>) {
    register_hook_impl([f = std::forward<F>(fn)](const Tensor& g) mutable {
      f(g);
      return Tensor();
    });
  } else {
    register_hook_impl(std::function<Tensor(const Tensor&)>(std::forward<F>(fn)));
  }
}

}  // namespace convis
