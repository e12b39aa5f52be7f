// nn/init.h: filling parameters in place, as LibTorch's torch::nn::init.
//
//   Tensor w = empty({64, 32, 3, 3, 3});
//   nn::init::kaiming_uniform_(w, std::sqrt(5.0));          // Conv3d's default
//   nn::init::xavier_normal_(w, nn::init::calculate_gain(nn::init::Nonlinearity::kTanh));
//   auto [fan_in, fan_out] = nn::init::calculate_fan_in_and_fan_out(w);   // 864, 1728
//
// Every function runs under NoGradGuard, writes into `tensor` (a parameter keeps being a
// leaf), draws from the default generator (core/generator.h), and returns `tensor`.
#pragma once

#include <cstdint>
#include <tuple>

#include "convis/core/scalar.h"
#include "convis/core/tensor.h"

namespace convis::nn::init {

enum class FanMode { kFanIn, kFanOut };
inline constexpr FanMode kFanIn = FanMode::kFanIn;
inline constexpr FanMode kFanOut = FanMode::kFanOut;

enum class Nonlinearity { kLinear, kConv1D, kConv2D, kConv3D, kSigmoid, kTanh, kReLU, kLeakyReLU, kSELU };

// The recommended gain for a nonlinearity; `param` is leaky_relu's negative slope.
double calculate_gain(Nonlinearity nonlinearity, double param = 0.01);
// fan_in = size(1) * receptive field, fan_out = size(0) * receptive field (needs >= 2 dims).
std::tuple<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor);

Tensor zeros_(Tensor tensor);
Tensor ones_(Tensor tensor);
Tensor constant_(Tensor tensor, const Scalar& value);
Tensor normal_(Tensor tensor, double mean = 0, double std = 1);
Tensor uniform_(Tensor tensor, double low = 0, double high = 1);  // [low, high)
// U(-b, b) with b = gain sqrt(6 / (fan_in + fan_out)); N(0, gain^2 2 / (fan_in + fan_out)).
Tensor xavier_uniform_(Tensor tensor, double gain = 1.0);
Tensor xavier_normal_(Tensor tensor, double gain = 1.0);
// U(-b, b) with b = gain(a) sqrt(3 / fan); N(0, gain(a)^2 / fan).
Tensor kaiming_uniform_(Tensor tensor, double a = 0, FanMode mode = kFanIn,
                        Nonlinearity nonlinearity = Nonlinearity::kLeakyReLU);
Tensor kaiming_normal_(Tensor tensor, double a = 0, FanMode mode = kFanIn,
                       Nonlinearity nonlinearity = Nonlinearity::kLeakyReLU);

}  // namespace convis::nn::init
