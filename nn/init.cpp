// nn/init.cpp: see init.h.
#include "convis/nn/init.h"

#include <cmath>

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"

namespace convis::nn::init {

double calculate_gain(Nonlinearity nonlinearity, double param) {
  switch (nonlinearity) {
    case Nonlinearity::kTanh: return 5.0 / 3;
    case Nonlinearity::kReLU: return std::sqrt(2.0);
    case Nonlinearity::kLeakyReLU: return std::sqrt(2.0 / (1 + param * param));
    case Nonlinearity::kSELU: return 3.0 / 4;
    default: return 1.0;  // linear, conv, sigmoid
  }
}

std::tuple<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor) {
  CONVIS_CHECK(tensor.dim() >= 2, "calculate_fan_in_and_fan_out",
               "expected a tensor with at least 2 dims, got shape {}", tensor.sizes());
  int64_t receptive = 1;
  for (int64_t d = 2; d < tensor.dim(); ++d) receptive *= tensor.sizes()[d];
  return {tensor.sizes()[1] * receptive, tensor.sizes()[0] * receptive};
}

namespace {
void check_floating(const Tensor& t, const char* op) {
  CONVIS_CHECK(t.defined() && t.is_floating_point(), op, "expected a defined floating-point tensor, got {}",
               t.defined() ? "another dtype" : "an undefined Tensor()");
}
int64_t fan(const Tensor& t, FanMode mode) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return mode == FanMode::kFanIn ? fan_in : fan_out;
}
}  // namespace

Tensor zeros_(Tensor tensor) {
  NoGradGuard no_grad;
  tensor.zero_();
  return tensor;
}

Tensor ones_(Tensor tensor) { return constant_(tensor, 1); }

Tensor constant_(Tensor tensor, const Scalar& value) {
  NoGradGuard no_grad;
  tensor.fill_(value);
  return tensor;
}

Tensor normal_(Tensor tensor, double mean, double std) {
  check_floating(tensor, "normal_");
  CONVIS_CHECK(std >= 0, "normal_", "expected std >= 0, got {}", std);
  NoGradGuard no_grad;
  tensor.copy_(randn(tensor.sizes(), tensor.options()) * std + mean);
  return tensor;
}

Tensor uniform_(Tensor tensor, double low, double high) {
  check_floating(tensor, "uniform_");
  CONVIS_CHECK(low <= high, "uniform_", "expected low <= high, got [{}, {})", low, high);
  NoGradGuard no_grad;
  tensor.copy_(rand(tensor.sizes(), tensor.options()) * (high - low) + low);
  return tensor;
}

Tensor xavier_uniform_(Tensor tensor, double gain) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  double bound = gain * std::sqrt(6.0 / double(fan_in + fan_out));
  return uniform_(tensor, -bound, bound);
}

Tensor xavier_normal_(Tensor tensor, double gain) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  return normal_(tensor, 0, gain * std::sqrt(2.0 / double(fan_in + fan_out)));
}

Tensor kaiming_uniform_(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity) {
  double bound = calculate_gain(nonlinearity, a) * std::sqrt(3.0 / double(fan(tensor, mode)));
  return uniform_(tensor, -bound, bound);
}

Tensor kaiming_normal_(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity) {
  return normal_(tensor, 0, calculate_gain(nonlinearity, a) / std::sqrt(double(fan(tensor, mode))));
}

}  // namespace convis::nn::init
