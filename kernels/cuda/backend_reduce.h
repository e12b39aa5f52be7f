// kernels/cuda/backend_reduce.h: the CUDA reductions of the dispatch table and their launches
// (kernels/cuda/reduce_ops.cuh), compiled twice as kernels/cuda/backend_kernels.h, which
// includes this file after its includer's choices (CONVIS_CUDA_NS, CONVIS_CUDA_GRID_CAP,
// CONVIS_CUDA_REDUCE_THREADS: a power of two).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "convis/core/cuda_memory.h"
#include "convis/kernels/cuda/reduce_ops.cuh"
#include "convis/kernels/cuda/runtime.h"
#include "convis/kernels/reduce_list.h"

namespace convis::CONVIS_CUDA_NS {

inline cuda_kernels::ReduceLoop reduce_loop(const ReduceArgs& a) {
  cuda_kernels::ReduceLoop L;
  L.outer_ndim = a.outer_ndim;
  L.inner_ndim = a.inner_ndim;
  for (int d = 0; d < a.outer_ndim; ++d) {
    L.outer_sizes[d] = a.outer_sizes[d];
    L.in_outer_strides[d] = a.in_outer_strides[d];
    L.out_outer_strides[d] = a.out_outer_strides[d];
  }
  for (int d = 0; d < a.inner_ndim; ++d) {
    L.inner_sizes[d] = a.inner_sizes[d];
    L.in_inner_strides[d] = a.in_inner_strides[d];
  }
  L.out_inner_stride = a.out_inner_stride;
  L.num_outputs = a.num_outputs();
  L.reduce_size = a.reduce_size();
  return L;
}

// The CPU's accumulators (Note [Reduction accuracy]): float32 in double, integers in uint64.
template <typename T> struct Accumulator { using type = T; };
template <> struct Accumulator<float> { using type = double; };
template <> struct Accumulator<std::int64_t> { using type = std::uint64_t; };
template <> struct Accumulator<bool> { using type = std::uint64_t; };
template <typename T> using accumulator_t = typename Accumulator<T>::type;

inline unsigned reduce_grid(std::int64_t outputs) {
  return unsigned(outputs < CONVIS_CUDA_GRID_CAP ? outputs : CONVIS_CUDA_GRID_CAP);
}
// Threads per reduction block: 256 on the device; the emulator takes 32 (each of its threads
// is a fiber, and a switch costs two system calls), which runs the same tree with fewer levels.
constexpr unsigned kReduceBlock = CONVIS_CUDA_REDUCE_THREADS;

// The partials of a split reduction, on the current device (Note [Split reductions]).
class Partials {
 public:
  explicit Partials(std::size_t bytes)
      : device_(kCUDA, cuda_runtime::active()->current_device()), bytes_(bytes), data_(cuda_memory::allocate(device_, bytes)) {}
  ~Partials() { cuda_memory::free(device_, data_, bytes_); }
  Partials(const Partials&) = delete;
  Partials& operator=(const Partials&) = delete;
  void* data() const { return data_; }

 private:
  Device device_;
  std::size_t bytes_;
  void* data_;
};

// out[o] = R's fold of output o's inputs, one block per output, or per slice of it and then
// one per output (Note [Split reductions]).
template <typename T, typename Out, typename R>
void launch_fold(const ReduceArgs& a, const R& r) {
  using Acc = typename R::Acc;
  const cuda_kernels::ReduceLoop L = reduce_loop(a);
  if (L.num_outputs == 0) return;
  const std::int64_t slices = cuda_kernels::fold_slices(L.num_outputs, L.reduce_size);
  if (slices > 1) {
    const Partials partials(std::size_t(L.num_outputs * slices) * sizeof(Acc));
    Acc* p = static_cast<Acc*>(partials.data());
    klaunch(cuda_kernels::fold_slices_of_outputs<T, R>, dim3(reduce_grid(L.num_outputs * slices)), dim3(kReduceBlock),
            kReduceBlock * sizeof(Acc), L, static_cast<const T*>(a.in), slices, p, r);
    check_launch("fold_slices_of_outputs");
    klaunch(cuda_kernels::fold_partials<Out, R>, dim3(reduce_grid(L.num_outputs)), dim3(kReduceBlock),
            kReduceBlock * sizeof(Acc), L, static_cast<const Acc*>(p), slices, static_cast<Out*>(a.out), a.out_index, r);
    check_launch("fold_partials");
    return;
  }
  klaunch(cuda_kernels::fold_outputs<T, Out, R>, dim3(reduce_grid(L.num_outputs)), dim3(kReduceBlock),
          kReduceBlock * sizeof(typename R::Acc), L, static_cast<const T*>(a.in), static_cast<Out*>(a.out), a.out_index, r);
  check_launch("fold_outputs");
}

// Kernels with a fold of their own: two passes, or scans.
template <typename Kernel, typename... Args>
void launch_lines(Kernel kernel, const ReduceArgs& a, const char* name, Args... args) {
  const cuda_kernels::ReduceLoop L = reduce_loop(a);
  if (L.num_outputs == 0) return;
  klaunch(kernel, dim3(reduce_grid(L.num_outputs)), dim3(kReduceBlock), kReduceBlock * sizeof(double), L, args...);
  check_launch(name);
}

template <typename T>
constexpr T lowest_of() {
  if constexpr (std::is_floating_point<T>::value) return -std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::lowest();
}
template <typename T>
constexpr T highest_of() {
  if constexpr (std::is_floating_point<T>::value) return std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::max();
}

template <OpKind op, typename T>
struct CudaReduce;

template <typename T>
struct CudaReduce<OpKind::sum, T> {
  static void run(const ReduceArgs& a) {
    if constexpr (std::is_same<T, bool>::value)
      if (a.params.count_into_int64)
        return launch_fold<T, std::int64_t>(a, cuda_kernels::SumOp<T, std::uint64_t, std::int64_t>{1.0});
    launch_fold<T, T>(a, cuda_kernels::SumOp<T, accumulator_t<T>>{a.params.divisor});
  }
};
template <typename T>
struct CudaReduce<OpKind::prod, T> {
  static void run(const ReduceArgs& a) { launch_fold<T, T>(a, cuda_kernels::ProdOp<T, accumulator_t<T>>{}); }
};
template <typename T>
struct CudaReduce<OpKind::amax, T> {
  static void run(const ReduceArgs& a) { launch_fold<T, T>(a, cuda_kernels::ExtremeOp<T, true>{lowest_of<T>()}); }
};
template <typename T>
struct CudaReduce<OpKind::amin, T> {
  static void run(const ReduceArgs& a) { launch_fold<T, T>(a, cuda_kernels::ExtremeOp<T, false>{highest_of<T>()}); }
};
template <typename T>
struct CudaReduce<OpKind::argmax, T> {
  static void run(const ReduceArgs& a) { launch_fold<T, T>(a, cuda_kernels::ArgExtremeOp<T, true>{}); }
};
template <typename T>
struct CudaReduce<OpKind::argmin, T> {
  static void run(const ReduceArgs& a) { launch_fold<T, T>(a, cuda_kernels::ArgExtremeOp<T, false>{}); }
};
template <typename T, bool kAll>
struct CudaAllAny {
  static void run(const ReduceArgs& a) { launch_fold<T, bool>(a, cuda_kernels::AllAnyOp<T, kAll>{}); }
};
template <typename T>
struct CudaReduce<OpKind::all, T> : CudaAllAny<T, true> {};
template <typename T>
struct CudaReduce<OpKind::any, T> : CudaAllAny<T, false> {};
template <typename T>
struct CudaReduce<OpKind::norm, T> {
  static void run(const ReduceArgs& a) {
    const double p = a.params.p;
    const int kind = a.reduce_size() == 0 ? 0  // torch: 0 for an empty reduction, whatever p
                     : p == 0             ? 0
                     : p == 1             ? 1
                     : p == 2             ? 2
                     : std::isinf(p)      ? (p > 0 ? 4 : 5)
                                          : 3;
    launch_fold<T, T>(a, cuda_kernels::NormOp<T>{kind, p});
  }
};
template <typename T>
struct CudaReduce<OpKind::var, T> {
  static void run(const ReduceArgs& a) {
    launch_lines(cuda_kernels::var_outputs<T>, a, "var_outputs", static_cast<const T*>(a.in), static_cast<T*>(a.out),
                 a.params.correction, a.params.take_sqrt);
  }
};
template <typename T>
struct CudaReduce<OpKind::logsumexp, T> {
  static void run(const ReduceArgs& a) {
    launch_lines(cuda_kernels::logsumexp_outputs<T>, a, "logsumexp_outputs", static_cast<const T*>(a.in),
                 static_cast<T*>(a.out), lowest_of<T>());
  }
};
template <typename T, bool kLog>
struct CudaSoftmax {
  static void run(const ReduceArgs& a) {
    launch_lines(cuda_kernels::softmax_lines<T, kLog>, a, "softmax_lines", static_cast<const T*>(a.in),
                 static_cast<T*>(a.out), lowest_of<T>());
  }
};
template <typename T>
struct CudaReduce<OpKind::softmax, T> : CudaSoftmax<T, false> {};
template <typename T>
struct CudaReduce<OpKind::log_softmax, T> : CudaSoftmax<T, true> {};
template <typename T>
struct CudaReduce<OpKind::cumsum, T> {
  static void run(const ReduceArgs& a) {
    launch_lines(cuda_kernels::cumsum_lines<T, accumulator_t<T>>, a, "cumsum_lines", static_cast<const T*>(a.in),
                 static_cast<T*>(a.out));
  }
};

}  // namespace convis::CONVIS_CUDA_NS
