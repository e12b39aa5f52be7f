// core/factory.cpp: the deterministic factories (the random ones are in core/random.cpp).
#include "convis/core/factory.h"

#include <cmath>

#include "convis/core/ops.h"
#include "convis/core/native/view.h"

namespace convis {

namespace {

void check_sizes(const Shape& size, const char* op) {
  for (int64_t s : size)
    CONVIS_CHECK(s >= 0, op, "expected non-negative sizes, got {}", size);
}

// Applies options.requires_grad() (a leaf that requires grad; see autograd/).
Tensor finish(Tensor t, const TensorOptions& options) {
  if (options.requires_grad()) detail::set_leaf_requires_grad(t, true);
  return t;
}

}  // namespace

Tensor empty_strided(const Shape& size, const Shape& strides, const TensorOptions& options) {
  check_sizes(size, "empty_strided");
  CONVIS_CHECK(size.size() == strides.size(), "empty_strided", "expected {} strides for shape {}, got {}",
               size.size(), size, strides);
  int64_t span = 1;  // elements from the first to one past the last reachable element
  bool any_zero = false;
  for (size_t i = 0; i < size.size(); ++i) {
    CONVIS_CHECK(strides[i] >= 0, "empty_strided", "expected non-negative strides, got {}", strides);
    any_zero = any_zero || size[i] == 0;
    span += (size[i] - 1) * strides[i];
  }
  if (any_zero) span = 0;
  DType dt = options.dtype();
  auto storage = detail::make_pooled<Storage>(size_t(span * dtype_size(dt)), options.device());
  return finish(Tensor(TensorImpl::make(std::move(storage), size, strides, 0, dt)), options);
}

Tensor empty(const Shape& size, const TensorOptions& options) {  // empty_strided's work, minus its checks
  check_sizes(size, "empty");
  const DType dt = options.dtype();
  auto storage = detail::make_pooled<Storage>(size_t(numel(size) * dtype_size(dt)), options.device());
  return finish(Tensor(TensorImpl::make(std::move(storage), size, contiguous_strides(size), 0, dt)), options);
}

Tensor full(const Shape& size, const Scalar& value, const TensorOptions& options) {
  TensorOptions o = options.requires_grad(false);
  if (!options.has_dtype()) o = o.dtype(value.is_floating_point() ? get_default_dtype() : value.type());
  Tensor t = empty(size, o);
  native::fill_(t, value);
  return finish(t, options);
}

Tensor zeros(const Shape& size, const TensorOptions& options) { return full(size, 0.0, options); }
Tensor ones(const Shape& size, const TensorOptions& options) { return full(size, 1.0, options); }

namespace {
TensorOptions like(const Tensor& x, const TensorOptions& options) {
  TensorOptions o = TensorOptions(options.has_dtype() ? options.dtype() : x.scalar_type()).device(x.device());
  return o.requires_grad(options.requires_grad());
}
}  // namespace

Tensor empty_like(const Tensor& x, const TensorOptions& options) { return empty(x.sizes(), like(x, options)); }
Tensor zeros_like(const Tensor& x, const TensorOptions& options) { return zeros(x.sizes(), like(x, options)); }
Tensor ones_like(const Tensor& x, const TensorOptions& options) { return ones(x.sizes(), like(x, options)); }
Tensor full_like(const Tensor& x, const Scalar& value, const TensorOptions& options) {
  return full(x.sizes(), value, like(x, options));
}

Tensor arange(const Scalar& end, const TensorOptions& options) { return arange(0, end, 1, options); }
Tensor arange(const Scalar& start, const Scalar& end, const TensorOptions& options) {
  return arange(start, end, 1, options);
}

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, const TensorOptions& options) {
  double s = start.toDouble(), e = end.toDouble(), st = step.toDouble();
  CONVIS_CHECK(st != 0, "arange", "expected a non-zero step, got {}", st);
  CONVIS_CHECK(std::isfinite(s) && std::isfinite(e), "arange", "expected finite bounds, got {} and {}", s, e);
  CONVIS_CHECK((st > 0 && e >= s) || (st < 0 && e <= s), "arange",
               "expected the step's sign to be consistent with start {} and end {}, got step {}", s, e, st);
  bool all_int = start.is_integral(true) && end.is_integral(true) && step.is_integral(true);
  DType dt = options.has_dtype() ? options.dtype() : (all_int ? kInt64 : get_default_dtype());
  int64_t n = int64_t(std::ceil((e - s) / st));
  Tensor out = empty({n}, options.dtype(dt));
  visit_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(out.data_ptr());
    for (int64_t i = 0; i < n; ++i) {
      if constexpr (std::is_same_v<T, int64_t>) {
        p[i] = all_int ? start.toLong() + i * step.toLong() : T(s + double(i) * st);
      } else {
        p[i] = T(s + double(i) * st);
      }
    }
  });
  return out;
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& options) {
  CONVIS_CHECK(steps >= 0, "linspace", "expected a non-negative number of steps, got {}", steps);
  DType dt = options.dtype();
  Tensor out = empty({steps}, options.dtype(dt));
  double s = start.toDouble(), e = end.toDouble();
  double step = steps > 1 ? (e - s) / double(steps - 1) : 0.0;
  visit_dtype(dt, [&](auto tag) {
    using T = decltype(tag);
    T* p = static_cast<T*>(out.data_ptr());
    // As LibTorch: the first half counts up from start, the second half down from end.
    int64_t half = steps / 2;
    for (int64_t i = 0; i < steps; ++i)
      p[i] = i < half ? T(s + step * double(i)) : T(e - step * double(steps - i - 1));
  });
  return out;
}

Tensor eye(int64_t n, const TensorOptions& options) { return eye(n, n, options); }

Tensor eye(int64_t n, int64_t m, const TensorOptions& options) {
  CONVIS_CHECK(n >= 0 && m >= 0, "eye", "expected non-negative sizes, got n={} m={}", n, m);
  Tensor out = zeros({n, m}, options.requires_grad(false));
  Tensor diag = native::as_strided(out, {std::min(n, m)}, {m + 1}, 0);
  native::fill_(diag, 1);
  return finish(out, options);
}

namespace {
template <typename T>
Tensor from_values(const T* data, size_t n, DType natural, const TensorOptions& options) {
  DType dt = options.has_dtype() ? options.dtype() : natural;
  Tensor src = empty({int64_t(n)}, TensorOptions(dtype_of_v<T>));
  std::copy(data, data + n, static_cast<T*>(src.data_ptr()));
  return finish(dt == dtype_of_v<T> ? src : native::to(src, dt), options);
}
template <typename T>
Tensor from_list(const std::vector<T>& v, DType natural, const TensorOptions& o) {
  return from_values(v.data(), v.size(), natural, o);
}
}  // namespace

Tensor tensor(std::initializer_list<double> v, const TensorOptions& o) {
  return from_values(v.begin(), v.size(), get_default_dtype(), o);
}
Tensor tensor(std::initializer_list<float> v, const TensorOptions& o) {
  return from_values(v.begin(), v.size(), get_default_dtype(), o);
}
Tensor tensor(std::initializer_list<int> v, const TensorOptions& o) {
  return from_list(std::vector<int64_t>(v.begin(), v.end()), kInt64, o);
}
Tensor tensor(std::initializer_list<int64_t> v, const TensorOptions& o) {
  return from_values(v.begin(), v.size(), kInt64, o);
}
Tensor tensor(std::initializer_list<bool> v, const TensorOptions& o) {
  return from_values(v.begin(), v.size(), kBool, o);
}
Tensor tensor(const std::vector<double>& v, const TensorOptions& o) { return from_list(v, get_default_dtype(), o); }
Tensor tensor(const std::vector<float>& v, const TensorOptions& o) { return from_list(v, get_default_dtype(), o); }
Tensor tensor(const std::vector<int>& v, const TensorOptions& o) {
  return from_list(std::vector<int64_t>(v.begin(), v.end()), kInt64, o);
}
Tensor tensor(const std::vector<int64_t>& v, const TensorOptions& o) { return from_list(v, kInt64, o); }
Tensor tensor(const std::vector<bool>& v, const TensorOptions& o) {
  std::vector<char> bytes(v.begin(), v.end());  // vector<bool> has no data()
  DType dt = o.has_dtype() ? o.dtype() : kBool;
  Tensor src = empty({int64_t(v.size())}, TensorOptions(kBool));
  bool* p = static_cast<bool*>(src.data_ptr());
  for (size_t i = 0; i < v.size(); ++i) p[i] = bytes[i] != 0;
  return finish(dt == kBool ? src : native::to(src, dt), o);
}

Tensor scalar_tensor(const Scalar& value, const TensorOptions& options) {
  TensorOptions o = options;
  if (!options.has_dtype()) o = o.dtype(value.is_floating_point() ? get_default_dtype() : value.type());
  return full({}, value, o);
}
Tensor tensor(double v, const TensorOptions& o) { return scalar_tensor(v, o); }
Tensor tensor(float v, const TensorOptions& o) { return scalar_tensor(double(v), o); }
Tensor tensor(int v, const TensorOptions& o) { return scalar_tensor(int64_t(v), o); }
Tensor tensor(int64_t v, const TensorOptions& o) { return scalar_tensor(v, o); }
Tensor tensor(bool v, const TensorOptions& o) { return scalar_tensor(v, o); }

Tensor from_blob(void* data, const Shape& sizes, const Shape& strides, const std::function<void(void*)>& deleter,
                 const TensorOptions& options) {
  check_sizes(sizes, "from_blob");
  CONVIS_CHECK(sizes.size() == strides.size(), "from_blob", "expected {} strides for shape {}, got {}",
               sizes.size(), sizes, strides);
  CONVIS_CHECK(data != nullptr || numel(sizes) == 0, "from_blob", "expected a non-null pointer for shape {}",
               sizes);
  DType dt = options.dtype();
  int64_t span = 1;
  for (size_t i = 0; i < sizes.size(); ++i) span += (sizes[i] - 1) * strides[i];
  if (numel(sizes) == 0) span = 0;
  auto storage = Storage::borrow(data, size_t(span * dtype_size(dt)), options.device(), deleter);
  return finish(Tensor(TensorImpl::make(std::move(storage), sizes, strides, 0, dt)), options);
}
Tensor from_blob(void* data, const Shape& sizes, const TensorOptions& options) {
  return from_blob(data, sizes, contiguous_strides(sizes), nullptr, options);
}
Tensor from_blob(void* data, const Shape& sizes, const Shape& strides, const TensorOptions& options) {
  return from_blob(data, sizes, strides, nullptr, options);
}
Tensor from_blob(void* data, const Shape& sizes, const std::function<void(void*)>& deleter,
                 const TensorOptions& options) {
  return from_blob(data, sizes, contiguous_strides(sizes), deleter, options);
}

}  // namespace convis
