// kernels/cuda/backend_index.h: the CUDA indexing entries of the dispatch table (gather,
// index_select, scatter, scatter_add, index_add) and their launches (kernels/cuda/index_ops.cuh),
// compiled twice as kernels/cuda/backend_kernels.h, which includes this file after its
// includer's choices (CONVIS_CUDA_NS, ...).
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "convis/core/cuda_memory.h"
#include "convis/kernels/cuda/index_ops.cuh"

namespace convis::CONVIS_CUDA_NS {

// Runs the check on the device and brings back the first bad value, if any.  (Device 0: the
// kernels do not know their device yet; one device is what the emulator and the tests have.)
inline IndexCheck check_indices(const IndexLoop& L) {
  if (L.nindices == 0) return IndexCheck{};
  const Device device(kCUDA, 0);
  long long first_bad[IndexLoop::kMaxIndices];
  for (int k = 0; k < L.nindices; ++k) first_bad[k] = std::numeric_limits<long long>::max();
  const std::size_t bytes = sizeof(long long) * std::size_t(L.nindices);
  void* scratch = cuda_memory::allocate(device, bytes);
  std::int64_t values = 0;
  for (int k = 0; k < L.nindices; ++k) values = values > L.indices[k].numel ? values : L.indices[k].numel;
  try {
    cuda_memory::copy_to_device(device, scratch, first_bad, bytes);
    klaunch(cuda_kernels::index_check<long long>, dim3(grid_for(values)), dim3(cuda_kernels::kElementwiseThreads), 0, L,
            static_cast<long long*>(scratch));
    check_launch("index_check");
    cuda_memory::copy_to_host(device, first_bad, scratch, bytes);
  } catch (...) {
    cuda_memory::free(device, scratch, bytes);
    throw;
  }
  cuda_memory::free(device, scratch, bytes);
  for (int k = 0; k < L.nindices; ++k) {
    if (first_bad[k] == std::numeric_limits<long long>::max()) continue;
    std::int64_t value = 0;
    cuda_memory::copy_to_host(device, &value, L.indices[k].data + first_bad[k], sizeof value);
    return IndexCheck{false, k, value};
  }
  return IndexCheck{};
}

inline std::int64_t loop_size(const IndexLoop& L) {
  std::int64_t n = 1;
  for (int d = 0; d < L.ndim; ++d) n *= L.sizes[d];
  return n;
}

template <typename T>
IndexCheck gather_kernel(const IndexLoop& L) {
  const IndexCheck check = check_indices(L);
  const std::int64_t n = loop_size(L);
  if (!check.ok || n == 0) return check;
  klaunch(cuda_kernels::index_gather<T>, dim3(grid_for(n)), dim3(cuda_kernels::kElementwiseThreads), 0, L, n);
  check_launch("index_gather");
  return check;
}

template <typename T, bool kAccumulate>
IndexCheck scatter_kernel(const IndexLoop& L) {
  const IndexCheck check = check_indices(L);
  const std::int64_t n = loop_size(L);
  if (!check.ok || n == 0) return check;
  const T alpha = std::is_floating_point<T>::value ? T(L.alpha_f) : T(L.alpha_i);
  klaunch(cuda_kernels::index_scatter_in_order<T, kAccumulate>, dim3(1), dim3(1), 0, L, n, alpha);
  check_launch("index_scatter_in_order");
  return check;
}

// The dtypes the CPU has.
inline void register_index_kernels() {
  register_kernel<OpKind::gather>(kCUDA, kBool, &gather_kernel<bool>);
  register_kernel<OpKind::gather>(kCUDA, kInt64, &gather_kernel<std::int64_t>);
  register_kernel<OpKind::gather>(kCUDA, kFloat32, &gather_kernel<float>);
  register_kernel<OpKind::gather>(kCUDA, kFloat64, &gather_kernel<double>);
  register_kernel<OpKind::index_select>(kCUDA, kBool, &gather_kernel<bool>);
  register_kernel<OpKind::index_select>(kCUDA, kInt64, &gather_kernel<std::int64_t>);
  register_kernel<OpKind::index_select>(kCUDA, kFloat32, &gather_kernel<float>);
  register_kernel<OpKind::index_select>(kCUDA, kFloat64, &gather_kernel<double>);
  register_kernel<OpKind::scatter>(kCUDA, kBool, &scatter_kernel<bool, false>);
  register_kernel<OpKind::scatter>(kCUDA, kInt64, &scatter_kernel<std::int64_t, false>);
  register_kernel<OpKind::scatter>(kCUDA, kFloat32, &scatter_kernel<float, false>);
  register_kernel<OpKind::scatter>(kCUDA, kFloat64, &scatter_kernel<double, false>);
  register_kernel<OpKind::scatter_add>(kCUDA, kInt64, &scatter_kernel<std::int64_t, true>);
  register_kernel<OpKind::scatter_add>(kCUDA, kFloat32, &scatter_kernel<float, true>);
  register_kernel<OpKind::scatter_add>(kCUDA, kFloat64, &scatter_kernel<double, true>);
  register_kernel<OpKind::index_add>(kCUDA, kInt64, &scatter_kernel<std::int64_t, true>);
  register_kernel<OpKind::index_add>(kCUDA, kFloat32, &scatter_kernel<float, true>);
  register_kernel<OpKind::index_add>(kCUDA, kFloat64, &scatter_kernel<double, true>);
}

}  // namespace convis::CONVIS_CUDA_NS
