// kernels/dispatch.h: the one table that maps (op, device, dtype) to a kernel.
//
//   // kernels/cpu/register.cpp, one line per kernel:
//   register_kernel<OpKind::exp>(kCPU, kFloat32, &exp_kernel<float>);
//   // core, when it runs exp on a float32 CPU tensor:
//   auto* fn = find_kernel<OpKind::exp>(kCPU, kFloat32);   // an ElementwiseKernel*
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
// Each OpKind has one kernel signature, listed with it (Note [One list of ops]) and checked
// at compile time where the op is a constant, at run time where it is a variable.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "convis/core/device.h"
#include "convis/core/dtype.h"

namespace convis {

// The argument structs of the kernel families (kernels/strided_loop.h, reduce.h, index.h,
// gemm.h, conv.h) and each family's one signature.
struct StridedLoop;
struct ReduceArgs;
struct IndexLoop;
struct IndexCheck;
struct GemmArgs;
struct ConvForwardArgs;
struct ConvBackwardInputArgs;
struct ConvBackwardWeightArgs;
struct PoolForwardArgs;
struct PoolBackwardArgs;
struct LifArgs;
struct LinearRecursionArgs;
struct FirstOrderStreamArgs;
struct BipolarArgs;
using ElementwiseKernel = void(const StridedLoop&);  // keyed by the compute dtype
using ReduceKernel = void(const ReduceArgs&);        // keyed by the input's dtype
using IndexKernel = IndexCheck(const IndexLoop&);
using GemmKernel = void(const GemmArgs&);
using ConvForwardKernel = void(const ConvForwardArgs&);
using ConvBackwardInputKernel = void(const ConvBackwardInputArgs&);
using ConvBackwardWeightKernel = void(const ConvBackwardWeightArgs&);
using PoolForwardKernel = void(const PoolForwardArgs&);
using PoolBackwardKernel = void(const PoolBackwardArgs&);
using LifKernel = void(const LifArgs&);  // keyed by the input's dtype (float32)
using LinearRecursionKernel = void(const LinearRecursionArgs&);
using FirstOrderStreamKernel = void(const FirstOrderStreamArgs&);
using BipolarKernel = void(const BipolarArgs&);

// Note [One list of ops]
// Every op is one line here, with its kernel signature; the enum, the names op_name prints
// and the signature check are all generated from this list, so none can drift from another.
//   copy: out = cast(in), keyed by out dtype; loop.dtypes[1] says the input's
//   tanh_backward, sigmoid_backward: (grad, result) -> grad of the input, fused
#define CONVIS_OPS(X)                                                                          \
  X(copy, ElementwiseKernel) X(fill, ElementwiseKernel) X(abs, ElementwiseKernel)              \
  X(neg, ElementwiseKernel) X(sign, ElementwiseKernel) X(exp, ElementwiseKernel)               \
  X(log, ElementwiseKernel) X(log1p, ElementwiseKernel) X(expm1, ElementwiseKernel)            \
  X(sqrt, ElementwiseKernel) X(rsqrt, ElementwiseKernel) X(reciprocal, ElementwiseKernel)      \
  X(square, ElementwiseKernel) X(sin, ElementwiseKernel) X(cos, ElementwiseKernel)             \
  X(tanh, ElementwiseKernel) X(sigmoid, ElementwiseKernel) X(relu, ElementwiseKernel)          \
  X(floor, ElementwiseKernel) X(ceil, ElementwiseKernel) X(round, ElementwiseKernel)           \
  X(logical_not, ElementwiseKernel) X(isnan, ElementwiseKernel) X(isinf, ElementwiseKernel)    \
  X(isfinite, ElementwiseKernel) X(add, ElementwiseKernel) X(sub, ElementwiseKernel)           \
  X(mul, ElementwiseKernel) X(div, ElementwiseKernel) X(pow, ElementwiseKernel)                \
  X(remainder, ElementwiseKernel) X(maximum, ElementwiseKernel) X(minimum, ElementwiseKernel)  \
  X(clamp, ElementwiseKernel) X(tanh_backward, ElementwiseKernel)                              \
  X(sigmoid_backward, ElementwiseKernel) X(eq, ElementwiseKernel) X(ne, ElementwiseKernel)     \
  X(lt, ElementwiseKernel) X(le, ElementwiseKernel) X(gt, ElementwiseKernel)                   \
  X(ge, ElementwiseKernel) X(logical_and, ElementwiseKernel) X(logical_or, ElementwiseKernel)  \
  X(logical_xor, ElementwiseKernel) X(where, ElementwiseKernel)                                \
  X(sum, ReduceKernel) X(prod, ReduceKernel) X(amax, ReduceKernel) X(amin, ReduceKernel)       \
  X(argmax, ReduceKernel) X(argmin, ReduceKernel) X(var, ReduceKernel)                         \
  X(logsumexp, ReduceKernel) X(softmax, ReduceKernel) X(log_softmax, ReduceKernel)             \
  X(cumsum, ReduceKernel) X(norm, ReduceKernel) X(all, ReduceKernel) X(any, ReduceKernel)      \
  X(index_select, IndexKernel) X(gather, IndexKernel) X(scatter, IndexKernel)                  \
  X(scatter_add, IndexKernel) X(index_add, IndexKernel)                                        \
  X(gemm, GemmKernel)                                                                          \
  X(conv_forward, ConvForwardKernel) X(conv_backward_input, ConvBackwardInputKernel)           \
  X(conv_backward_weight, ConvBackwardWeightKernel)                                            \
  X(max_pool_forward, PoolForwardKernel) X(max_pool_backward, PoolBackwardKernel)              \
  X(avg_pool_forward, PoolForwardKernel) X(avg_pool_backward, PoolBackwardKernel)              \
  X(lif_forward, LifKernel) X(linear_recursion, LinearRecursionKernel)                          \
  X(first_order_stream, FirstOrderStreamKernel) X(bipolar_uniform, BipolarKernel)

enum class OpKind : uint16_t {
#define CONVIS_OP_ENUM(name, signature) name,
  CONVIS_OPS(CONVIS_OP_ENUM)
#undef CONVIS_OP_ENUM
  count_  // number of ops; keep last
};

std::string_view op_name(OpKind op);

// OpSignature<op>::type is op's kernel signature.
template <OpKind op>
struct OpSignature;
#define CONVIS_OP_SIGNATURE(name, signature) \
  template <>                                \
  struct OpSignature<OpKind::name> {         \
    using type = signature;                  \
  };
CONVIS_OPS(CONVIS_OP_SIGNATURE)
#undef CONVIS_OP_SIGNATURE

// Whether Fn is op's signature, for lookups whose op is only known at run time: one byte
// per op in a constant table.
template <typename Fn>
inline constexpr bool kOpHasSignature[] = {
#define CONVIS_OP_IS(name, signature) std::is_same_v<Fn, signature>,
    CONVIS_OPS(CONVIS_OP_IS)
#undef CONVIS_OP_IS
};
template <typename Fn>
constexpr bool has_signature(OpKind op) {
  return kOpHasSignature<Fn>[int(op)];
}

using AnyKernel = void (*)();

void register_kernel_raw(OpKind op, DeviceType device, DType dtype, AnyKernel fn);
AnyKernel find_kernel_raw(OpKind op, DeviceType device, DType dtype);  // throws Error if absent
bool has_kernel(OpKind op, DeviceType device, DType dtype);
AnyKernel find_kernel_or_null(OpKind op, DeviceType device, DType dtype);
[[noreturn]] void throw_wrong_signature(OpKind op);

// register_kernel<OpKind::exp>(kCPU, kFloat32, &fn): a kernel of another signature does not
// compile.  The table stores plain function pointers; the casts below go back to the type
// they came from, which the signature check guarantees.
template <OpKind op>
void register_kernel(DeviceType device, DType dtype, typename OpSignature<op>::type* fn) {
  register_kernel_raw(op, device, dtype, reinterpret_cast<AnyKernel>(fn));
}

template <OpKind op>
typename OpSignature<op>::type* find_kernel(DeviceType device, DType dtype) {
  return reinterpret_cast<typename OpSignature<op>::type*>(find_kernel_raw(op, device, dtype));
}

// The same for an op known only at run time (core's elementwise, reduction and indexing
// plans).  Debug builds check that Fn is op's signature and throw if not; release builds
// trust the caller, because the check measured 15 ns on a 100 ns eager op (bench_autograd)
// and every registration is already checked at compile time.
template <typename Fn>
Fn* find_kernel(OpKind op, DeviceType device, DType dtype) {
#ifndef NDEBUG
  if (!has_signature<Fn>(op)) throw_wrong_signature(op);
#endif
  return reinterpret_cast<Fn*>(find_kernel_raw(op, device, dtype));
}
template <typename Fn>
Fn* find_kernel_or_null(OpKind op, DeviceType device, DType dtype) {
#ifndef NDEBUG
  if (!has_signature<Fn>(op)) throw_wrong_signature(op);
#endif
  return reinterpret_cast<Fn*>(find_kernel_or_null(op, device, dtype));
}

// Backends' registration lists (kernels/cpu/register.cpp, kernels/cuda/register.cpp).
void register_cpu_kernels();
void register_cuda_kernels();

}  // namespace convis
