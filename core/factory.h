// core/factory.h: making tensors.
//
//   using namespace convis;
//   zeros({2, 3});                         // float32 (the default dtype)
//   full({2}, 7);                          // int64, as LibTorch: an integer fill value
//   arange(5);                             // int64 [0, 1, 2, 3, 4]
//   arange(0.0, 1.0, 0.25);                // float32 [0, 0.25, 0.5, 0.75]
//   linspace(0, 1, 5);  eye(3);
//   tensor({1.0, 2.0});  tensor({1, 2});  tensor({true, false});
//   manual_seed(0);  randn({2, 2});        // the same numbers on every run and thread count
//   float buf[6] = {...};
//   from_blob(buf, {2, 3});                // no copy: the tensor reads and writes buf
//
// Every factory takes an optional TensorOptions last (dtype, device, requires_grad).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <vector>

#include "convis/core/tensor.h"

namespace convis {

Tensor empty(const Shape& size, const TensorOptions& options = {});
Tensor zeros(const Shape& size, const TensorOptions& options = {});
Tensor ones(const Shape& size, const TensorOptions& options = {});
// An unset dtype follows the value: bool -> kBool, integer -> kInt64, floating -> default dtype.
Tensor full(const Shape& size, const Scalar& value, const TensorOptions& options = {});
Tensor empty_strided(const Shape& size, const Shape& strides, const TensorOptions& options = {});

Tensor empty_like(const Tensor& x, const TensorOptions& options = {});
Tensor zeros_like(const Tensor& x, const TensorOptions& options = {});
Tensor ones_like(const Tensor& x, const TensorOptions& options = {});
Tensor full_like(const Tensor& x, const Scalar& value, const TensorOptions& options = {});
Tensor rand_like(const Tensor& x, const TensorOptions& options = {});
Tensor randn_like(const Tensor& x, const TensorOptions& options = {});

// int64 when every argument is an integer, else the default dtype (as LibTorch).
Tensor arange(const Scalar& end, const TensorOptions& options = {});
Tensor arange(const Scalar& start, const Scalar& end, const TensorOptions& options = {});
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, const TensorOptions& options = {});
Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& options = {});
Tensor eye(int64_t n, const TensorOptions& options = {});
Tensor eye(int64_t n, int64_t m, const TensorOptions& options = {});

// Random numbers from the default generator (see core/generator.h).
Tensor rand(const Shape& size, const TensorOptions& options = {});    // uniform [0, 1)
Tensor randn(const Shape& size, const TensorOptions& options = {});   // standard normal
Tensor randint(int64_t low, int64_t high, const Shape& size, const TensorOptions& options = kInt64);
Tensor randint(int64_t high, const Shape& size, const TensorOptions& options = kInt64);
Tensor randperm(int64_t n, const TensorOptions& options = kInt64);
Tensor bernoulli(const Tensor& p);  // 1 with probability p, elementwise; same dtype as p

// 1-D tensors from data.  Floating values give the default dtype, integers kInt64, bools kBool.
Tensor tensor(std::initializer_list<double> values, const TensorOptions& options = {});
Tensor tensor(std::initializer_list<float> values, const TensorOptions& options = {});
Tensor tensor(std::initializer_list<int> values, const TensorOptions& options = {});
Tensor tensor(std::initializer_list<int64_t> values, const TensorOptions& options = {});
Tensor tensor(std::initializer_list<bool> values, const TensorOptions& options = {});
Tensor tensor(const std::vector<double>& values, const TensorOptions& options = {});
Tensor tensor(const std::vector<float>& values, const TensorOptions& options = {});
Tensor tensor(const std::vector<int>& values, const TensorOptions& options = {});
Tensor tensor(const std::vector<int64_t>& values, const TensorOptions& options = {});
Tensor tensor(const std::vector<bool>& values, const TensorOptions& options = {});
// 0-dim tensors from one value.
Tensor scalar_tensor(const Scalar& value, const TensorOptions& options = {});
Tensor tensor(double value, const TensorOptions& options = {});
Tensor tensor(float value, const TensorOptions& options = {});
Tensor tensor(int value, const TensorOptions& options = {});
Tensor tensor(int64_t value, const TensorOptions& options = {});
Tensor tensor(bool value, const TensorOptions& options = {});

// Wraps memory the caller owns (no copy).  Strides default to row-major.  The dtype comes
// from `options` (default float32).  The deleter, if given, runs when the last view dies.
Tensor from_blob(void* data, const Shape& sizes, const TensorOptions& options = {});
Tensor from_blob(void* data, const Shape& sizes, const Shape& strides, const TensorOptions& options = {});
Tensor from_blob(void* data, const Shape& sizes, const std::function<void(void*)>& deleter,
                 const TensorOptions& options = {});
Tensor from_blob(void* data, const Shape& sizes, const Shape& strides, const std::function<void(void*)>& deleter,
                 const TensorOptions& options = {});

}  // namespace convis
