// kernels/cuda/backend_conv.h: the CUDA convolution entries of the dispatch table and their
// launches (kernels/cuda/conv_direct.cuh), compiled twice as kernels/cuda/backend_kernels.h,
// which includes this file after its includer's choices (CONVIS_CUDA_NS, ...).
#pragma once

#include <cstdint>

#include "convis/kernels/conv.h"
#include "convis/kernels/cuda/conv_direct.cuh"

namespace convis::CONVIS_CUDA_NS {

inline cuda_kernels::ConvLoop conv_loop(const ConvGeometry& g, std::array<std::int64_t, 2> input_strides) {
  cuda_kernels::ConvLoop L{g.batch, g.groups, g.in_channels, g.out_channels, {}, {}, {}, {}, {}, {},
                           input_strides[0], input_strides[1]};
  for (int d = 0; d < 3; ++d) {
    L.in[d] = g.in_size[size_t(d)], L.out[d] = g.out_size[size_t(d)], L.kernel[d] = g.kernel[size_t(d)];
    L.stride[d] = g.stride[size_t(d)], L.padding[d] = g.padding[size_t(d)], L.dilation[d] = g.dilation[size_t(d)];
  }
  return L;
}

inline std::int64_t volume(const Dims3& d) { return d[0] * d[1] * d[2]; }

template <typename T>
void conv_forward_kernel(const ConvForwardArgs& a) {
  const ConvGeometry& g = a.geometry;
  const std::int64_t n = g.batch * g.out_channels * volume(g.out_size);
  if (n == 0) return;
  klaunch(cuda_kernels::conv_forward_direct<T>, dim3(grid_for(n)), dim3(cuda_kernels::kElementwiseThreads), 0,
          conv_loop(g, a.input_strides()), static_cast<const T*>(a.input), static_cast<const T*>(a.weight),
          static_cast<const T*>(a.bias), static_cast<T*>(a.output));
  check_launch("conv_forward_direct");
}

template <typename T>
void conv_backward_input_kernel(const ConvBackwardInputArgs& a) {
  const ConvGeometry& g = a.geometry;
  const std::int64_t n = g.batch * g.in_channels * volume(g.in_size);
  if (n == 0) return;
  const std::int64_t block = volume(g.in_size);
  klaunch(cuda_kernels::conv_backward_input_direct<T>, dim3(grid_for(n)), dim3(cuda_kernels::kElementwiseThreads), 0,
          conv_loop(g, {g.in_channels * block, block}), static_cast<const T*>(a.grad_output),
          static_cast<const T*>(a.weight), static_cast<T*>(a.grad_input));
  check_launch("conv_backward_input_direct");
}

template <typename T>
void conv_backward_weight_kernel(const ConvBackwardWeightArgs& a) {
  const ConvGeometry& g = a.geometry;
  const std::int64_t weights = g.out_channels * (g.in_channels / g.groups) * volume(g.kernel);
  if (weights == 0) return;
  const std::int64_t block = volume(g.in_size);
  klaunch(cuda_kernels::conv_backward_weight_direct<T>, dim3(reduce_grid(weights)), dim3(kReduceBlock),
          kReduceBlock * sizeof(T), conv_loop(g, {g.in_channels * block, block}), static_cast<const T*>(a.grad_output),
          static_cast<const T*>(a.input), static_cast<T*>(a.grad_weight));
  check_launch("conv_backward_weight_direct");
}

// The dtypes the CPU has: float32, float64 and int64 forward; floating backward.
inline void register_conv_kernels() {
  register_kernel<OpKind::conv_forward>(kCUDA, kFloat32, &conv_forward_kernel<float>);
  register_kernel<OpKind::conv_forward>(kCUDA, kFloat64, &conv_forward_kernel<double>);
  register_kernel<OpKind::conv_forward>(kCUDA, kInt64, &conv_forward_kernel<std::int64_t>);
  register_kernel<OpKind::conv_backward_input>(kCUDA, kFloat32, &conv_backward_input_kernel<float>);
  register_kernel<OpKind::conv_backward_input>(kCUDA, kFloat64, &conv_backward_input_kernel<double>);
  register_kernel<OpKind::conv_backward_weight>(kCUDA, kFloat32, &conv_backward_weight_kernel<float>);
  register_kernel<OpKind::conv_backward_weight>(kCUDA, kFloat64, &conv_backward_weight_kernel<double>);
}

}  // namespace convis::CONVIS_CUDA_NS
