// kernels/cuda/backend_kernels.h: the CUDA entries of the dispatch table (kernels/dispatch.h)
// and their launches, written once and compiled twice (Note [Two CUDA runtimes] in
// kernels/cuda/runtime.h): by nvcc in kernels/cuda/kernels.cu, where klaunch is <<<...>>> on
// the device, and by g++ in kernels/cuda/emulated_kernels.cpp, where klaunch runs the same
// kernel on the CPU emulator.  The includer defines CONVIS_CUDA_NS, the namespace that keeps the
// two copies apart, and CONVIS_CUDA_GRID_CAP, the most blocks an elementwise launch takes (the
// kernels stride over the rest, so any cap gives the same result; the emulator takes a small
// one, since each of its threads is a fiber), and CONVIS_CUDA_REDUCE_THREADS, the threads of a
// reduction block (kernels/cuda/backend_reduce.h).
//
//   #define CONVIS_CUDA_NS device_kernels
//   #define CONVIS_CUDA_REDUCE_THREADS 256
//   #define CONVIS_CUDA_GRID_CAP 4096
//   #include "convis/kernels/cuda/backend_kernels.h"
//   convis::device_kernels::register_kernels();
#pragma once

#include <cstdio>
#include <cstring>

#include "convis/kernels/cuda/check_launch.h"
#include "convis/kernels/cuda/elementwise.cuh"
#include "convis/kernels/cuda/gemm.cuh"
#include "convis/kernels/cuda/pool_ops.cuh"
#include "convis/kernels/cuda/strided.cuh"
#include "convis/kernels/elementwise_list.h"
#include "convis/kernels/gemm.h"
#include "convis/kernels/strided_loop.h"

namespace convis::CONVIS_CUDA_NS {

inline cuda_kernels::Loop device_loop(const StridedLoop& s) {
  cuda_kernels::Loop L;
  L.ntensors = s.ntensors;
  L.ndim = s.ndim;
  for (int d = 0; d < s.ndim; ++d) L.sizes[d] = s.sizes[d];
  for (int k = 0; k < s.ntensors; ++k) {
    L.data[k] = s.data[k];
    for (int d = 0; d < s.ndim; ++d) L.strides[k][d] = s.strides[k][d];
    if ((s.host_scalars >> k) & 1u) {  // a plain number in a host buffer: into the parameters
      L.scalar_mask |= 1u << k;
      std::memcpy(&L.scalars[k], s.data[k], std::size_t(dtype_size(s.dtypes[k])));
    }
  }
  return L;
}

inline unsigned grid_for(std::int64_t n) { return cuda_kernels::elementwise_blocks(n, CONVIS_CUDA_GRID_CAP); }

// out = f(in...) over the loop.
template <typename Out, typename... In, typename F>
void launch_map(const StridedLoop& s, const F& f) {
  const std::int64_t n = s.numel();
  if (n == 0) return;
  klaunch(cuda_kernels::map_strided<Out, F, In...>, dim3(grid_for(n)), dim3(cuda_kernels::kElementwiseThreads), 0,
          device_loop(s), n, f);
  check_launch("map_strided");
}

// copy, keyed by the output's dtype; the input's is s.dtypes[1].
template <typename Out>
void copy_kernel(const StridedLoop& s) {
  switch (s.dtypes[1]) {
    case DType::Bool: return launch_map<Out, bool>(s, cuda_kernels::Convert<Out, bool>{});
    case DType::Int64: return launch_map<Out, std::int64_t>(s, cuda_kernels::Convert<Out, std::int64_t>{});
    case DType::Float32: return launch_map<Out, float>(s, cuda_kernels::Convert<Out, float>{});
    case DType::Float64: return launch_map<Out, double>(s, cuda_kernels::Convert<Out, double>{});
  }
}

template <typename T>
void fill_kernel(const StridedLoop& s) {
  const std::int64_t n = s.numel();
  if (n == 0) return;
  klaunch(cuda_kernels::fill_strided<T>, dim3(grid_for(n)), dim3(cuda_kernels::kElementwiseThreads), 0,
          device_loop(s), n, s.params.value.as<T>());
  check_launch("fill_strided");
}

// The CUDA loops over the shared functors (kernels/elementwise_list.h registers them).
template <template <class> class Op, typename T>
struct CudaKernels {
  static void unary(const StridedLoop& s) { launch_map<T, T>(s, functors::make_op<Op, T>(s.params)); }
  static void predicate(const StridedLoop& s) { launch_map<bool, T>(s, functors::make_op<Op, T>(s.params)); }
  static void binary(const StridedLoop& s) { launch_map<T, T, T>(s, functors::make_op<Op, T>(s.params)); }
  static void compare(const StridedLoop& s) { launch_map<bool, T, T>(s, functors::make_op<Op, T>(s.params)); }
  static void select(const StridedLoop& s) { launch_map<T, bool, T, T>(s, functors::make_op<Op, T>(s.params)); }
};

inline cuda_kernels::GemmMatrix gemm_matrix(const void* data, const StridedMatrix<const void*>& m, int dims) {
  cuda_kernels::GemmMatrix x;
  x.data = static_cast<const char*>(data);
  x.row_stride = m.row_stride;
  x.col_stride = m.col_stride;
  for (int d = 0; d < dims; ++d) x.batch_strides[d] = m.batch_strides[d];
  return x;
}

// C = alpha * A @ B + beta * C (Note [CUDA GEMM tiles]).
template <typename T>
void gemm_kernel(const GemmArgs& a) {
  cuda_kernels::GemmLoop g;
  g.m = a.m, g.n = a.n, g.k = a.k, g.batch_ndim = a.batch_ndim;
  for (int d = 0; d < a.batch_ndim; ++d) g.batches *= (g.batch_sizes[d] = a.batch_sizes[d]);
  if (g.m == 0 || g.n == 0 || g.batches == 0) return;
  g.a = gemm_matrix(a.a.data, a.a, a.batch_ndim);
  g.b = gemm_matrix(a.b.data, a.b, a.batch_ndim);
  const StridedMatrix<const void*> c{a.c.data, a.c.row_stride, a.c.col_stride, {}};
  g.c = gemm_matrix(a.c.data, c, 0);
  for (int d = 0; d < a.batch_ndim; ++d) g.c.batch_strides[d] = a.c.batch_strides[d];
  const auto tiles = [](std::int64_t n) { return unsigned((n + cuda_kernels::kGemmTile - 1) / cuda_kernels::kGemmTile); };
  const unsigned batches = unsigned(g.batches < 65535 ? g.batches : 65535);  // the grid's z limit; blocks stride
  klaunch(cuda_kernels::gemm_tiled<T>, dim3(tiles(g.n), tiles(g.m), batches),
          dim3(cuda_kernels::kGemmThreads, cuda_kernels::kGemmThreads), 0, g, T(a.alpha), T(a.beta));
  check_launch("gemm_tiled");
}

// Pooling (Note [CUDA pooling order]).
template <typename T, bool kMax>
void pool_forward_kernel(const PoolForwardArgs& a) {
  const std::int64_t n = a.geometry.planes * pool_volume(a.geometry.out_size);
  if (n == 0) return;
  klaunch(cuda_kernels::pool_forward<T, kMax>, dim3(grid_for(n)), dim3(cuda_kernels::kElementwiseThreads), 0,
          a.geometry, static_cast<const T*>(a.input), static_cast<T*>(a.output), a.indices);
  check_launch("pool_forward");
}

template <typename T, bool kMax>
void pool_backward_kernel(const PoolBackwardArgs& a) {
  const std::int64_t n = a.geometry.planes * pool_volume(a.geometry.in_size);
  if (n == 0) return;
  klaunch(cuda_kernels::pool_backward_gather<T, kMax>, dim3(grid_for(n)), dim3(cuda_kernels::kElementwiseThreads), 0,
          a.geometry, static_cast<const T*>(a.grad_output), a.indices, static_cast<T*>(a.grad_input));
  check_launch("pool_backward_gather");
}

// Note [Trigonometry in local memory]
// CUDA's sin and cos reduce a huge argument (|x| beyond ~1e5) with a small array in local
// memory (Payne-Hanek), so every kernel that calls them has a stack frame, which the build
// treats as an error elsewhere (-warn-lmem-usage).  Their instances live in kernels/cuda/trig.cu,
// compiled without that one check (cmake/cuda.cmake); the emulator compiles them here.
template <typename T>
struct CudaKernels<functors::Sin, T> {
  static void unary(const StridedLoop& s);
};
template <typename T>
struct CudaKernels<functors::Cos, T> {
  static void unary(const StridedLoop& s);
};
#if !defined(__CUDACC__) || defined(CONVIS_CUDA_TRIG_UNIT)
template <typename T>
void CudaKernels<functors::Sin, T>::unary(const StridedLoop& s) {
  launch_map<T, T>(s, functors::Sin<T>{});
}
template <typename T>
void CudaKernels<functors::Cos, T>::unary(const StridedLoop& s) {
  launch_map<T, T>(s, functors::Cos<T>{});
}
#endif

}  // namespace convis::CONVIS_CUDA_NS

#include "convis/kernels/cuda/backend_reduce.h"
// after backend_reduce.h: the weight gradient is a reduction
#include "convis/kernels/cuda/backend_conv.h"
#include "convis/kernels/cuda/backend_index.h"

namespace convis::CONVIS_CUDA_NS {

void register_recurrent_kernels();  // kernels/cuda/backend_recurrent.h, in its own unit on the device

// One line per kernel: the list of what this backend has.
inline void register_kernels() {
  register_kernel<OpKind::copy>(kCUDA, kBool, &copy_kernel<bool>);
  register_kernel<OpKind::copy>(kCUDA, kInt64, &copy_kernel<std::int64_t>);
  register_kernel<OpKind::copy>(kCUDA, kFloat32, &copy_kernel<float>);
  register_kernel<OpKind::copy>(kCUDA, kFloat64, &copy_kernel<double>);
  register_kernel<OpKind::fill>(kCUDA, kBool, &fill_kernel<bool>);
  register_kernel<OpKind::fill>(kCUDA, kInt64, &fill_kernel<std::int64_t>);
  register_kernel<OpKind::fill>(kCUDA, kFloat32, &fill_kernel<float>);
  register_kernel<OpKind::fill>(kCUDA, kFloat64, &fill_kernel<double>);
  register_elementwise_ops<Registrar<kCUDA, CudaKernels>>();
  register_reduce_ops<ReduceRegistrar<kCUDA, CudaReduce>>();
  register_kernel<OpKind::gemm>(kCUDA, kFloat32, &gemm_kernel<float>);
  register_kernel<OpKind::gemm>(kCUDA, kFloat64, &gemm_kernel<double>);
  register_kernel<OpKind::gemm>(kCUDA, kInt64, &gemm_kernel<std::int64_t>);
  register_conv_kernels();
  register_index_kernels();
  register_kernel<OpKind::max_pool_forward>(kCUDA, kFloat32, &pool_forward_kernel<float, true>);
  register_kernel<OpKind::max_pool_forward>(kCUDA, kFloat64, &pool_forward_kernel<double, true>);
  register_kernel<OpKind::max_pool_backward>(kCUDA, kFloat32, &pool_backward_kernel<float, true>);
  register_kernel<OpKind::max_pool_backward>(kCUDA, kFloat64, &pool_backward_kernel<double, true>);
  register_kernel<OpKind::avg_pool_forward>(kCUDA, kFloat32, &pool_forward_kernel<float, false>);
  register_kernel<OpKind::avg_pool_forward>(kCUDA, kFloat64, &pool_forward_kernel<double, false>);
  register_kernel<OpKind::avg_pool_backward>(kCUDA, kFloat32, &pool_backward_kernel<float, false>);
  register_kernel<OpKind::avg_pool_backward>(kCUDA, kFloat64, &pool_backward_kernel<double, false>);
  register_recurrent_kernels();  // kernels/cuda/backend_recurrent.h
}

}  // namespace convis::CONVIS_CUDA_NS
