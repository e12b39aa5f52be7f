// kernels/dispatch.h: the one table that maps (op, device, dtype) to a kernel.
//
//   // kernels/cpu/register.cpp, one line per kernel:
//   register_kernel(OpKind::exp, kCPU, kFloat32, &cpu::exp_kernel<float>);
//   // core, when it runs exp on a float32 CPU tensor:
//   auto* fn = find_kernel<ElementwiseKernel>(OpKind::exp, kCPU, kFloat32);
//   fn(loop);
//
// Note [One dispatch table]
// The table is a plain array indexed by [op][device][dtype], filled once by each backend's
// register_*_kernels() function the first time any kernel is looked up.  No kernel
// registers itself through a static constructor, so the list of every kernel a backend
// has can be read in one place.  A failed lookup names what is registered
// ("no kernel for conv3d_forward on cuda/float64; registered: cpu/float32, cpu/float64"),
// and when the device is CUDA in a build without it, the CMake option that enables it.
//
// Each OpKind has one kernel signature, written next to it below; the table stores
// plain function pointers and find_kernel casts back to the signature the caller names.
#pragma once

#include <cstdint>
#include <string_view>

#include "convis/core/device.h"
#include "convis/core/dtype.h"

namespace convis {

enum class OpKind : uint16_t {
  // ElementwiseKernel (kernels/strided_loop.h), keyed by the compute dtype
  copy,  // out = cast(in): keyed by out dtype, loop.dtypes[1] says the input's
  fill,
  abs, neg, sign, exp, log, log1p, expm1, sqrt, rsqrt, reciprocal, square,
  sin, cos, tanh, sigmoid, relu, floor, ceil, round,
  logical_not, isnan, isinf, isfinite,
  add, sub, mul, div, pow, remainder, maximum, minimum, clamp,
  tanh_backward, sigmoid_backward,  // (grad, result) -> grad of the input, fused
  eq, ne, lt, le, gt, ge, logical_and, logical_or, logical_xor,
  where,
  // ReduceKernel (kernels/reduce.h)
  sum, prod, amax, amin, argmax, argmin, var, logsumexp, softmax, log_softmax, cumsum, norm, all, any,
  // IndexKernel (kernels/index.h)
  index_select, gather, scatter, scatter_add, index_add,
  // GemmKernel (kernels/gemm.h)
  gemm,
  // ConvKernel / PoolKernel (kernels/conv.h)
  conv_forward, conv_backward_input, conv_backward_weight,
  max_pool_forward, max_pool_backward, avg_pool_forward, avg_pool_backward,
  count_  // number of ops; keep last
};

std::string_view op_name(OpKind op);

using AnyKernel = void (*)();

void register_kernel_raw(OpKind op, DeviceType device, DType dtype, AnyKernel fn);
AnyKernel find_kernel_raw(OpKind op, DeviceType device, DType dtype);  // throws Error if absent
bool has_kernel(OpKind op, DeviceType device, DType dtype);
AnyKernel find_kernel_or_null(OpKind op, DeviceType device, DType dtype);

template <typename Fn>
void register_kernel(OpKind op, DeviceType device, DType dtype, Fn* fn) {
  register_kernel_raw(op, device, dtype, reinterpret_cast<AnyKernel>(fn));
}

template <typename Fn>
Fn* find_kernel(OpKind op, DeviceType device, DType dtype) {
  return reinterpret_cast<Fn*>(find_kernel_raw(op, device, dtype));
}
template <typename Fn>
Fn* find_kernel_or_null(OpKind op, DeviceType device, DType dtype) {
  return reinterpret_cast<Fn*>(find_kernel_or_null(op, device, dtype));
}

// Backends' registration lists (kernels/cpu/register.cpp, kernels/cuda/register.cpp).
void register_cpu_kernels();
void register_cuda_kernels();

}  // namespace convis
