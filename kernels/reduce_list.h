// kernels/reduce_list.h: the one list of reductions each backend registers and their dtypes,
// expanded by the CPU backend (kernels/cpu/reduce.cpp) and the CUDA one
// (kernels/cuda/backend_reduce.h).  C++17: nvcc includes it.
//
//   template <OpKind op, typename T>
//   struct MyReduce {   // a backend's kernel for op on inputs of dtype T
//     static void run(const ReduceArgs&);
//   };
//   register_reduce_ops<ReduceRegistrar<kCUDA, MyReduce>>();
#pragma once

#include <cstdint>

#include "convis/core/dtype.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/reduce.h"

namespace convis {

template <DeviceType device, template <OpKind, typename> class Kernels>
struct ReduceRegistrar {
  template <OpKind op, typename... Ts>
  static void add() {
    (register_kernel<op>(device, dtype_of_v<Ts>, &Kernels<op, Ts>::run), ...);
  }
};

template <typename B>
void register_reduce_ops() {
  using i64 = std::int64_t;
  using f32 = float;
  using f64 = double;
  B::template add<OpKind::sum, bool, i64, f32, f64>();
  B::template add<OpKind::prod, bool, i64, f32, f64>();
  B::template add<OpKind::amax, bool, i64, f32, f64>();
  B::template add<OpKind::amin, bool, i64, f32, f64>();
  B::template add<OpKind::argmax, bool, i64, f32, f64>();
  B::template add<OpKind::argmin, bool, i64, f32, f64>();
  B::template add<OpKind::var, f32, f64>();
  B::template add<OpKind::norm, f32, f64>();
  B::template add<OpKind::logsumexp, f32, f64>();
  B::template add<OpKind::softmax, f32, f64>();
  B::template add<OpKind::log_softmax, f32, f64>();
  B::template add<OpKind::cumsum, i64, f32, f64>();
  B::template add<OpKind::all, bool, i64, f32, f64>();
  B::template add<OpKind::any, bool, i64, f32, f64>();
}

}  // namespace convis
