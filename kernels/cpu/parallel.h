// kernels/cpu/parallel.h: splitting a kernel's loop over threads, deterministically.
//
//   // f(begin, end) over [0, n): in contiguous ranges, one per thread, when the loop is big
//   parallel_for(n, /*cost per item, in elements touched=*/row_len, [&](int64_t b, int64_t e) {
//     for (int64_t i = b; i < e; ++i) out[i] = g(in[i]);
//   });
//
// Note [Deterministic threads]
// A loop goes parallel only when n * cost reaches kParallelGrain elements, so a small
// tensor stays on the calling thread and pays nothing for threads (no team starts before
// the first big loop); it uses at most get_num_threads() threads (OpenMP's max, which
// set_num_threads sets), one contiguous range each, and never nests: inside a parallel
// region it runs serially.  The ranges depend on the thread count, so a kernel may only hand
// out work whose result does not depend on where the ranges fall: independent elements or
// outputs, or partial results over blocks of fixed size (kReduceBlock in reduce_loops.h)
// that are combined afterwards in block order.  Then 1, 2 or 3 threads give the same bits.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>

#include "convis/kernels/cpu/capability.h"

CONVIS_CPU_BEGIN

inline constexpr int64_t kParallelGrain = int64_t(1) << 16;

// How many threads a loop of n items, each touching `cost` elements, should use.
inline int threads_for_loop(int64_t n, int64_t cost) {
  const int64_t work = n * std::max<int64_t>(cost, 1);
  if (work < 2 * kParallelGrain || n < 2 || omp_in_parallel()) return 1;  // cheapest test first
  return int(std::min<int64_t>({int64_t(omp_get_max_threads()), n, work / kParallelGrain}));
}

// Note [OpenMP regions and the target pragma]
// GCC outlines the body of `#pragma omp parallel` into a function of its own, and that
// function does not get the `#pragma GCC target` of the code around it: code inlined into it
// is compiled for baseline x86-64 (measured: tanh on 2 threads 5x slower than on one, its
// loop scalar).  So a parallel region only calls run_range, a function that is never
// inlined and keeps this level's target, and the work is inlined there.
template <typename F>
[[gnu::noinline]] void run_range(F& f, int64_t begin, int64_t end) {
  f(begin, end);
}

template <typename F>
void parallel_for(int64_t n, int64_t cost, F&& f) {
  const int threads = threads_for_loop(n, cost);
  if (threads == 1) {
    if (n > 0) f(int64_t(0), n);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int64_t begin = n * t / nt, end = n * (t + 1) / nt;
    if (begin < end) run_range(f, begin, end);
  }
}

CONVIS_CPU_END
