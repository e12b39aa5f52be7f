// kernels/cuda/backend_recurrent.h: the CUDA entries of the kernels that run along time
// (kernels/cuda/recurrent.cuh): the temporal recursions, the spiking neurons and the bipolar cells.  Compiled by
// nvcc in kernels/cuda/recurrent.cu, without FMA contraction (Note [Exact CUDA units]), and by
// g++ in kernels/cuda/emulated_kernels.cpp; kernels/cuda/backend_kernels.h's register_kernels()
// calls register_recurrent_kernels().  The includer defines CONVIS_CUDA_NS and
// CONVIS_CUDA_GRID_CAP as for backend_kernels.h.
//
//   #define CONVIS_CUDA_NS device_kernels
//   #define CONVIS_CUDA_GRID_CAP 4096
//   #include "convis/kernels/cuda/backend_recurrent.h"
#pragma once

#include "convis/kernels/cuda/check_launch.h"
#include "convis/kernels/cuda/elementwise.cuh"
#include "convis/kernels/cuda/recurrent.cuh"
#include "convis/kernels/dispatch.h"

namespace convis::CONVIS_CUDA_NS {


namespace recurrent {

inline dim3 blocks_for(std::int64_t n) { return dim3(cuda_kernels::elementwise_blocks(n, CONVIS_CUDA_GRID_CAP)); }

template <typename T>
void linear_recursion_kernel(const LinearRecursionArgs& a) {
  if (a.outer * a.inner == 0 || a.n == 0) return;
  klaunch(cuda_kernels::linear_recursion_columns<T>, blocks_for(a.outer * a.inner),
          dim3(cuda_kernels::kElementwiseThreads), 0, a);
  check_launch("linear_recursion_columns");
}

template <typename T>
void first_order_stream_kernel(const FirstOrderStreamArgs& f) {
  if (f.outer * f.inner == 0) return;
  klaunch(cuda_kernels::first_order_columns<T>, blocks_for(f.outer * f.inner), dim3(cuda_kernels::kElementwiseThreads),
          0, f);
  check_launch("first_order_columns");
}

inline void lif_kernel(const LifArgs& a) {
  const std::int64_t pairs = (a.planes * a.pixels + 1) / 2;
  if (pairs == 0 || a.frames == 0) return;
  klaunch(cuda_kernels::lif_pairs, blocks_for(pairs), dim3(cuda_kernels::kElementwiseThreads), 0, a);
  check_launch("lif_pairs");
}

template <typename T>
void bipolar_kernel(const BipolarArgs& a) {
  if (a.planes == 0 || a.pixels == 0 || a.frames == 0) return;
  const unsigned blocks = unsigned(a.planes < CONVIS_CUDA_GRID_CAP ? a.planes : CONVIS_CUDA_GRID_CAP);
  klaunch(cuda_kernels::bipolar_planes<T>, dim3(blocks), dim3(cuda_kernels::kElementwiseThreads), 0, a);
  check_launch("bipolar_planes");
}

}  // namespace recurrent

void register_recurrent_kernels() {
  register_kernel<OpKind::linear_recursion>(kCUDA, kFloat32, &recurrent::linear_recursion_kernel<float>);
  register_kernel<OpKind::linear_recursion>(kCUDA, kFloat64, &recurrent::linear_recursion_kernel<double>);
  register_kernel<OpKind::first_order_stream>(kCUDA, kFloat32, &recurrent::first_order_stream_kernel<float>);
  register_kernel<OpKind::first_order_stream>(kCUDA, kFloat64, &recurrent::first_order_stream_kernel<double>);
  register_kernel<OpKind::lif_forward>(kCUDA, kFloat32, &recurrent::lif_kernel);
  register_kernel<OpKind::bipolar_uniform>(kCUDA, kFloat32, &recurrent::bipolar_kernel<float>);
  register_kernel<OpKind::bipolar_uniform>(kCUDA, kFloat64, &recurrent::bipolar_kernel<double>);
}

}  // namespace convis::CONVIS_CUDA_NS
