// tests/cuda/device_compare.h: what the CUDA tensor tests share: sample values, and the
// comparison of a device result with the CPU's.
//
//   REQUIRE_DEVICE_OR_RETURN();                          // without a device the case returns
//   CHECK(difference(exp(x.cuda()), exp(x), true).empty());
#pragma once

#include <string>

#include "helpers.h"

namespace convis_test {

using convis::DType;
using convis::Shape;
using convis::Tensor;
using namespace convis;

#define REQUIRE_DEVICE_OR_RETURN()                                                      \
  if (!cuda::is_available()) {                                                          \
    SUCCEED("no CUDA device here: the _emulated CTest runs this case"); \
    return;                                                                             \
  }

// Whether the device may differ from the CPU by rounding: a real GPU, or the CPU's own fast
// float32 exp, tanh and sigmoid (the emulator computes them with the shared functors).
inline bool fast_math(DType result, const std::string& name) {
  return (result == kFloat32 && (name == "exp" || name == "tanh" || name == "sigmoid")) || !cuda::is_emulated();
}

// Values with both signs, zeros, halves (rounding), NaN and infinities, in `dtype`.
inline Tensor values(DType dtype, const Shape& shape, double shift = 0) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  Tensor x = (arange(0, n, 1, TensorOptions(kFloat64)) * 0.5 - double(n) / 4 + shift).reshape(shape);
  if (dtype == kBool) return x.gt(0);
  if (dtype == kInt64) return x.round().to(kInt64);
  Tensor flat = x.reshape({-1});
  if (n > 7) {
    flat[3].fill_(std::nan(""));
    flat[5].fill_(INFINITY);
    flat[7].fill_(-INFINITY);
  }
  return x.to(dtype);
}

// The difference of a device result (brought back) and the CPU's, "" when they agree: exactly,
// or within a relative 1e-6 (float32 3e-7 ulps) when `close`; NaNs agree with NaNs.
inline std::string difference(const Tensor& device, const Tensor& host, bool close) {
  if (!device.is_cuda()) return "the result is not on the device";
  const Tensor d = device.cpu();
  if (d.dtype() != host.dtype() || d.sizes() != host.sizes()) return "dtype or shape differ";
  const Tensor a = d.to(kFloat64), b = host.to(kFloat64);
  const Tensor both_nan = logical_and(isnan(a), isnan(b));
  const Tensor same = close ? logical_or(abs(a - b).le(abs(b) * 1e-6 + 1e-12), a.eq(b)) : a.eq(b);
  const Tensor agree = logical_or(same, both_nan);
  if (agree.all().item<bool>()) return "";
  const int64_t i = logical_not(agree).reshape({-1}).to(kInt64).argmax().item<int64_t>();
  return fmt::format("first difference at flat index {}: device {:.17g}, cpu {:.17g}", i,
                     a.reshape({-1})[i].item<double>(), b.reshape({-1})[i].item<double>());
}

// x with its NaNs and infinities replaced by `fill`.
inline Tensor finite(const Tensor& x, double fill) { return where(isfinite(x), x, fill); }

// Finite values (NaN and infinities replaced) times `scale` in a floating dtype; in int64 the
// rounded unscaled values.
inline Tensor finite_sample(DType dtype, const Shape& shape, double shift, double scale) {
  const Tensor x = finite(values(kFloat64, shape, shift), 0.25);
  return dtype == kInt64 ? x.round().to(kInt64) : (x * scale).to(dtype);
}

// CHECK that a device result agrees with the CPU's (difference() above), saying where not.
inline void check_device(const Tensor& device, const Tensor& host, bool close) {
  const std::string diff = difference(device, host, close);
  INFO(diff);
  CHECK(diff.empty());
}

}  // namespace convis_test
