// kernels/cuda/reduce_ops.cuh: the reductions of kernels/reduce.h on the device: one block per
// output (grid-stride over the outputs), each thread folding the inner elements k = t, t + 256,
// ... in order, then the block's 256 partial results folded by a fixed tree in shared memory.
// Compiled by nvcc and by g++ for the emulated device (kernels/cuda/backend_reduce.h).
//
//   ReduceLoop L = reduce_loop(args);                       // the walk of a ReduceArgs
//   klaunch(fold_outputs<float, double, SumOp<float, double>>, dim3(blocks), dim3(kReduceThreads),
//           kReduceThreads * sizeof(double), L, x, out, nullptr, SumOp<float, double>{1.0});
//
// Note [Deterministic CUDA reductions]
// Which elements a thread folds and the tree that joins the threads depend only on the sizes,
// never on the device, the grid or timing (no atomics), so a reduction gives the same bits on
// every run.  Accumulators are the CPU's (Note [Reduction accuracy]: float32 sums in double), so
// results agree with the CPU's to the last bit or two, not bit for bit (the order differs).
// A few outputs over many inputs are split over blocks (Note [Split reductions]).
//
// Note [Split reductions]
// With one block per output, a reduction to one value (x.sum(), the norm of a whole tensor)
// would run on one multiprocessor.  When there are fewer than kSplitBelowOutputs outputs and each
// folds at least 2 kSliceLength inputs, each output's inner positions are cut into
// fold_slices(...) slices of equal length (the last shorter): pass 1 folds every slice as
// fold_outputs folds an output, one block per slice, positions counted over the whole output
// (so an arg-reduction sees true positions), into a partial; pass 2 folds each output's
// partials in slice order by the same tree.  Slices and order are functions of the sizes
// alone: the same bits on every run, grid and device.
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "convis/kernels/cuda/compat.h"
#include "convis/kernels/cuda/reduce.cuh"

namespace convis::cuda_kernels {

// A ReduceArgs' walk (strides in elements), by value as a kernel parameter.
struct ReduceLoop {
  static constexpr int kMaxDims = 16;
  int outer_ndim = 0, inner_ndim = 0;
  std::int64_t outer_sizes[kMaxDims] = {}, in_outer_strides[kMaxDims] = {}, out_outer_strides[kMaxDims] = {};
  std::int64_t inner_sizes[kMaxDims] = {}, in_inner_strides[kMaxDims] = {};
  std::int64_t out_inner_stride = 0, num_outputs = 0, reduce_size = 0;
};

// The input and output offsets of output o (row-major over the outer dims).
__device__ __forceinline__ void outer_offsets(const ReduceLoop& L, std::int64_t o, std::int64_t& in, std::int64_t& out) {
  in = 0;
  out = 0;
  for (int d = L.outer_ndim - 1; d >= 0; --d) {
    const std::int64_t index = o % L.outer_sizes[d];
    o /= L.outer_sizes[d];
    in += index * L.in_outer_strides[d];
    out += index * L.out_outer_strides[d];
  }
}

// The input offset of inner position k (row-major over the inner dims, as the CPU counts it).
__device__ __forceinline__ std::int64_t inner_offset(const ReduceLoop& L, std::int64_t k) {
  std::int64_t at = 0;
  for (int d = L.inner_ndim - 1; d >= 0; --d) {
    at += k % L.inner_sizes[d] * L.in_inner_strides[d];
    k /= L.inner_sizes[d];
  }
  return at;
}

// Every thread's `mine` folded by a fixed tree (thread t with t + s, s = 128, 64, ..., 1); every
// thread gets the result.  `shared` holds blockDim.x values (a power of two).
template <typename Acc, typename Combine>
__device__ Acc block_fold(Acc mine, Acc* shared, const Combine& combine) {
  shared[threadIdx.x] = mine;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s /= 2) {
    if (threadIdx.x < s) shared[threadIdx.x] = combine(shared[threadIdx.x], shared[threadIdx.x + s]);
    __syncthreads();
  }
  const Acc all = shared[0];
  __syncthreads();  // the next fold may write shared[0]
  return all;
}

template <typename T>
__device__ __forceinline__ bool is_nan(T x) {
  return x != x;  // false for integers and bool
}
template <typename T>
__device__ __forceinline__ T nan_max(T acc, T x) {
  return (is_nan(x) || x > acc) ? x : acc;
}
template <typename T>
__device__ __forceinline__ T nan_min(T acc, T x) {
  return (is_nan(x) || x < acc) ? x : acc;
}

// One output per block: out[o] = R's fold of its inner elements.  R has Acc, identity(),
// step(acc, x, position), combine(a, b) and store(out, out_index, offset, acc).
template <typename T, typename Out, typename R>
__global__ void fold_outputs(ReduceLoop L, const T* in, Out* out, std::int64_t* out_index, R r) {
  DYN_SHARED(typename R::Acc, shared);
  for (std::int64_t o = blockIdx.x; o < L.num_outputs; o += gridDim.x) {
    std::int64_t in_at, out_at;
    outer_offsets(L, o, in_at, out_at);
    typename R::Acc acc = r.identity();
    for (std::int64_t k = threadIdx.x; k < L.reduce_size; k += blockDim.x) acc = r.step(acc, in[in_at + inner_offset(L, k)], k);
    acc = block_fold(acc, shared, r);
    if (threadIdx.x == 0) r.store(out, out_index, out_at, acc);
  }
}

constexpr std::int64_t kSliceLength = 16384;     // inputs per slice, at least
constexpr std::int64_t kMaxSlices = 1024;        // slices per output, at most
constexpr std::int64_t kSplitBelowOutputs = 64;  // more outputs fill the device without a split

// How many slices each output's reduce_size inputs are cut into (1: no split).
inline std::int64_t fold_slices(std::int64_t outputs, std::int64_t reduce_size) {
  if (outputs >= kSplitBelowOutputs || reduce_size < 2 * kSliceLength) return 1;
  const std::int64_t slices = reduce_size / kSliceLength;
  return slices < kMaxSlices ? slices : kMaxSlices;
}

// Pass 1: partials[o * slices + s] = R's fold of slice s of output o's inputs.
template <typename T, typename R>
__global__ void fold_slices_of_outputs(ReduceLoop L, const T* in, std::int64_t slices, typename R::Acc* partials, R r) {
  DYN_SHARED(typename R::Acc, shared);
  const std::int64_t length = (L.reduce_size + slices - 1) / slices;
  for (std::int64_t b = blockIdx.x; b < L.num_outputs * slices; b += gridDim.x) {
    const std::int64_t o = b / slices, first = b % slices * length;
    const std::int64_t end = first + length < L.reduce_size ? first + length : L.reduce_size;
    std::int64_t in_at, out_at;
    outer_offsets(L, o, in_at, out_at);
    typename R::Acc acc = r.identity();
    for (std::int64_t k = first + threadIdx.x; k < end; k += blockDim.x) acc = r.step(acc, in[in_at + inner_offset(L, k)], k);
    acc = block_fold(acc, shared, r);
    if (threadIdx.x == 0) partials[b] = acc;
  }
}

// Pass 2: out[o] = R's fold of output o's partials, in slice order.
template <typename Out, typename R>
__global__ void fold_partials(ReduceLoop L, const typename R::Acc* partials, std::int64_t slices, Out* out,
                              std::int64_t* out_index, R r) {
  DYN_SHARED(typename R::Acc, shared);
  for (std::int64_t o = blockIdx.x; o < L.num_outputs; o += gridDim.x) {
    std::int64_t in_at, out_at;
    outer_offsets(L, o, in_at, out_at);
    typename R::Acc acc = r.identity();
    for (std::int64_t s = threadIdx.x; s < slices; s += blockDim.x) acc = r(acc, partials[o * slices + s]);
    acc = block_fold(acc, shared, r);
    if (threadIdx.x == 0) r.store(out, out_index, out_at, acc);
  }
}

// ---- the folds ----

// sum / divisor (floating T; mean passes the count), into Out (int64 for a count of bools).
template <typename T, typename A, typename Out = T>
struct SumOp {
  using Acc = A;
  double divisor = 1;
  __device__ Acc identity() const { return Acc(0); }
  __device__ Acc step(Acc acc, T x, std::int64_t) const { return acc + Acc(x); }
  __device__ Acc operator()(Acc a, Acc b) const { return a + b; }
  __device__ void store(Out* out, std::int64_t*, std::int64_t at, Acc acc) const {
    if constexpr (std::is_floating_point<T>::value) out[at] = Out(acc / divisor);
    else out[at] = Out(acc);
  }
};

template <typename T, typename A>
struct ProdOp {
  using Acc = A;
  __device__ Acc identity() const { return Acc(1); }
  __device__ Acc step(Acc acc, T x, std::int64_t) const { return acc * Acc(x); }
  __device__ Acc operator()(Acc a, Acc b) const { return a * b; }
  __device__ void store(T* out, std::int64_t*, std::int64_t at, Acc acc) const { out[at] = T(acc); }
};

// amax (kMax) and amin; a NaN wins.  `init` is the lowest (highest) value of T.
template <typename T, bool kMax>
struct ExtremeOp {
  using Acc = T;
  T init;
  __device__ Acc identity() const { return init; }
  __device__ Acc step(Acc acc, T x, std::int64_t) const { return kMax ? nan_max(acc, x) : nan_min(acc, x); }
  __device__ Acc operator()(Acc a, Acc b) const { return kMax ? nan_max(a, b) : nan_min(a, b); }
  __device__ void store(T* out, std::int64_t*, std::int64_t at, Acc acc) const { out[at] = acc; }
};

// all (kAll) and any into bool; NaN is true.
template <typename T, bool kAll>
struct AllAnyOp {
  using Acc = bool;
  __device__ Acc identity() const { return kAll; }
  __device__ Acc step(Acc acc, T x, std::int64_t) const { return kAll ? (acc && x != T(0)) : (acc || x != T(0)); }
  __device__ Acc operator()(Acc a, Acc b) const { return kAll ? (a && b) : (a || b); }
  __device__ void store(bool* out, std::int64_t*, std::int64_t at, Acc acc) const { out[at] = acc; }
};

// argmax (kMax) and argmin: the first position of the extreme, the first NaN if any; the value
// too where `out` is given (max / min over a dim).
template <typename T>
struct Candidate {
  T value;
  std::int64_t position;  // -1: none yet
};
template <typename T, bool kMax>
struct ArgExtremeOp {
  using Acc = Candidate<T>;
  __device__ Acc identity() const { return Acc{T(), -1}; }
  // Whether b beats a: a NaN beats a number, a better value beats a worse, an earlier
  // position breaks a tie (two NaNs are a tie).
  __device__ bool beats(const Acc& b, const Acc& a) const {
    if (b.position < 0) return false;
    if (a.position < 0) return true;
    if (is_nan(a.value) || is_nan(b.value))
      return is_nan(b.value) && (!is_nan(a.value) || b.position < a.position);
    if (b.value == a.value) return b.position < a.position;
    return kMax ? b.value > a.value : b.value < a.value;
  }
  __device__ Acc step(Acc acc, T x, std::int64_t k) const {
    const Acc candidate{x, k};
    return beats(candidate, acc) ? candidate : acc;
  }
  __device__ Acc operator()(Acc a, Acc b) const { return beats(b, a) ? b : a; }
  __device__ void store(T* out, std::int64_t* out_index, std::int64_t at, Acc acc) const {
    out_index[at] = acc.position;
    if (out) out[at] = acc.value;
  }
};

// The p-norm in double, by kind: 0 counts non-zeros, 1 sums |x|, 2 sums squares (root at the
// end), 3 sums |x|^p (p-th root at the end), 4 and 5 the largest and smallest |x| (p = +-inf).
template <typename T>
struct NormOp {
  using Acc = double;
  int kind;
  double p;
  __device__ Acc identity() const { return kind == 5 ? double(INFINITY) : 0.0; }
  __device__ Acc step(Acc acc, T x, std::int64_t) const {
    const double v = double(x), a = v < 0 ? -v : v;
    switch (kind) {
      case 0: return acc + (v != 0.0 ? 1.0 : 0.0);
      case 1: return acc + a;
      case 2: return acc + v * v;
      case 3: return acc + std::pow(a, p);
      case 4: return nan_max(acc, a);
      default: return nan_min(acc, a);
    }
  }
  __device__ Acc operator()(Acc a, Acc b) const { return kind == 4 ? nan_max(a, b) : kind == 5 ? nan_min(a, b) : a + b; }
  __device__ void store(T* out, std::int64_t*, std::int64_t at, Acc acc) const {
    out[at] = T(kind == 2 ? std::sqrt(acc) : kind == 3 ? std::pow(acc, 1.0 / p) : acc);
  }
};

struct Plus {
  template <typename A>
  __device__ A operator()(A a, A b) const { return a + b; }
};
struct NanMax {
  template <typename A>
  __device__ A operator()(A a, A b) const { return nan_max(a, b); }
};

// ---- folds in two passes, and the scans ----

// var (and std): the mean, then the squared deviations from it, in double.
template <typename T>
__global__ void var_outputs(ReduceLoop L, const T* in, T* out, std::int64_t correction, bool take_sqrt) {
  DYN_SHARED(double, shared);
  for (std::int64_t o = blockIdx.x; o < L.num_outputs; o += gridDim.x) {
    std::int64_t in_at, out_at;
    outer_offsets(L, o, in_at, out_at);
    double sum = 0;
    for (std::int64_t k = threadIdx.x; k < L.reduce_size; k += blockDim.x) sum += double(in[in_at + inner_offset(L, k)]);
    const double mean = block_fold(sum, shared, Plus{}) / double(L.reduce_size);
    double m2 = 0;
    for (std::int64_t k = threadIdx.x; k < L.reduce_size; k += blockDim.x) {
      const double d = double(in[in_at + inner_offset(L, k)]) - mean;
      m2 += d * d;
    }
    m2 = block_fold(m2, shared, Plus{});
    const std::int64_t n = L.reduce_size - correction;
    const double v = m2 / double(n > 0 ? n : 0);  // 0 / 0 = nan for n <= correction, as torch
    if (threadIdx.x == 0) out[out_at] = T(take_sqrt ? std::sqrt(v) : v);
  }
}

// log(sum(exp(x - m))) + m with m the maximum (0 when m is infinite), the sum in double.
template <typename T>
__global__ void logsumexp_outputs(ReduceLoop L, const T* in, T* out, T lowest) {
  DYN_SHARED(double, shared);
  for (std::int64_t o = blockIdx.x; o < L.num_outputs; o += gridDim.x) {
    std::int64_t in_at, out_at;
    outer_offsets(L, o, in_at, out_at);
    T m = lowest;
    for (std::int64_t k = threadIdx.x; k < L.reduce_size; k += blockDim.x) m = nan_max(m, in[in_at + inner_offset(L, k)]);
    m = block_fold(m, reinterpret_cast<T*>(shared), NanMax{});
    const T shift = std::isinf(m) ? T(0) : m;
    double sum = 0;
    for (std::int64_t k = threadIdx.x; k < L.reduce_size; k += blockDim.x)
      sum += double(std::exp(in[in_at + inner_offset(L, k)] - shift));
    sum = block_fold(sum, shared, Plus{});
    if (threadIdx.x == 0) out[out_at] = T(std::log(sum) + double(shift));
  }
}

// softmax (kLog = false) and log_softmax along the one inner dim: one line per block.
template <typename T, bool kLog>
__global__ void softmax_lines(ReduceLoop L, const T* in, T* out, T lowest) {
  DYN_SHARED(double, shared);
  const std::int64_t n = L.inner_ndim ? L.inner_sizes[0] : 1;
  const std::int64_t is = L.inner_ndim ? L.in_inner_strides[0] : 0, os = L.inner_ndim ? L.out_inner_stride : 0;
  for (std::int64_t o = blockIdx.x; o < L.num_outputs; o += gridDim.x) {
    std::int64_t in_at, out_at;
    outer_offsets(L, o, in_at, out_at);
    T m = lowest;
    for (std::int64_t k = threadIdx.x; k < n; k += blockDim.x) m = nan_max(m, in[in_at + k * is]);
    m = block_fold(m, reinterpret_cast<T*>(shared), NanMax{});
    double sum = 0;
    for (std::int64_t k = threadIdx.x; k < n; k += blockDim.x) sum += double(std::exp(in[in_at + k * is] - m));
    sum = block_fold(sum, shared, Plus{});
    const T scale = kLog ? T(std::log(sum)) : T(1.0 / sum);
    for (std::int64_t k = threadIdx.x; k < n; k += blockDim.x) {
      const T x = in[in_at + k * is];
      out[out_at + k * os] = kLog ? (x - m) - scale : T(std::exp(x - m)) * scale;
    }
  }
}

// cumsum along the one inner dim: one thread per line, in order, accumulating in Acc.
template <typename T, typename Acc>
__global__ void cumsum_lines(ReduceLoop L, const T* in, T* out) {
  const std::int64_t n = L.inner_ndim ? L.inner_sizes[0] : 1;
  const std::int64_t is = L.inner_ndim ? L.in_inner_strides[0] : 0, os = L.inner_ndim ? L.out_inner_stride : 0;
  const std::int64_t step = std::int64_t(gridDim.x) * blockDim.x;
  for (std::int64_t o = std::int64_t(blockIdx.x) * blockDim.x + threadIdx.x; o < L.num_outputs; o += step) {
    std::int64_t in_at, out_at;
    outer_offsets(L, o, in_at, out_at);
    Acc acc = Acc(0);
    for (std::int64_t k = 0; k < n; ++k) {
      acc += Acc(in[in_at + k * is]);
      out[out_at + k * os] = T(acc);
    }
  }
}

}  // namespace convis::cuda_kernels
