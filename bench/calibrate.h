// bench/calibrate.h: this machine's limits, measured at the start of a benchmark run, so that
// every figure can be given as a share of them (perf-anchors.md has the method).
//
//   convis_bench::Limits lim = convis_bench::calibrate(2);   // 2 threads
//   lim.fma_gflops;       // peak float32 FMA throughput: independent FMA chains, best ISA
//   lim.triad_gbs;        // STREAM triad a = b + s * c over arrays far larger than the caches
//   lim.copy_gbs;         // STREAM copy a = b
//
// The FMA loop keeps 12 independent accumulators (more than latency x throughput) in the
// widest registers the processor has, chosen at run time as the library does; the STREAM
// arrays are 3 x 512 MiB, beyond any cache here.  Each figure is the best of 5 tries.
#pragma once

#include <immintrin.h>
#include <omp.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <cstdint>
#include <memory>

namespace convis_bench {

struct Limits {
  double fma_gflops = 0, triad_gbs = 0, copy_gbs = 0;
  const char* fma_isa = "sse2";
};

namespace detail {

constexpr int kChains = 12;

__attribute__((target("avx512f"))) inline float fma_avx512(int64_t iters) {
  __m512 acc[kChains], m = _mm512_set1_ps(0.999f), a = _mm512_set1_ps(0.001f);
  for (int j = 0; j < kChains; ++j) acc[j] = _mm512_set1_ps(float(j));
  for (int64_t i = 0; i < iters; ++i)
    for (int j = 0; j < kChains; ++j) acc[j] = _mm512_fmadd_ps(acc[j], m, a);
  __m512 s = acc[0];
  for (int j = 1; j < kChains; ++j) s = _mm512_add_ps(s, acc[j]);
  return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx2,fma"))) inline float fma_avx2(int64_t iters) {
  __m256 acc[kChains], m = _mm256_set1_ps(0.999f), a = _mm256_set1_ps(0.001f);
  for (int j = 0; j < kChains; ++j) acc[j] = _mm256_set1_ps(float(j));
  for (int64_t i = 0; i < iters; ++i)
    for (int j = 0; j < kChains; ++j) acc[j] = _mm256_fmadd_ps(acc[j], m, a);
  __m256 s = acc[0];
  for (int j = 1; j < kChains; ++j) s = _mm256_add_ps(s, acc[j]);
  alignas(32) float out[8];
  _mm256_store_ps(out, s);
  return out[0] + out[7];
}

template <typename F>
double best_seconds(F&& f) {
  double best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return best;
}

inline void fma_peak(Limits& lim, int threads) {
  const bool avx512 = __builtin_cpu_supports("avx512f"), avx2 = __builtin_cpu_supports("avx2") &&
                                                                  __builtin_cpu_supports("fma");
  if (!avx512 && !avx2) return;
  const int64_t iters = 20'000'000;
  volatile float sink = 0;
  double s = best_seconds([&] {
#pragma omp parallel num_threads(threads)
    sink = sink + (avx512 ? fma_avx512(iters) : fma_avx2(iters));
  });
  const double lanes = avx512 ? 16 : 8;
  lim.fma_gflops = double(threads) * double(iters) * kChains * lanes * 2 / s * 1e-9;
  lim.fma_isa = avx512 ? "avx512" : "avx2";
}

inline void stream(Limits& lim, int threads) {
  const int64_t n = int64_t(1) << 27;  // 512 MiB of float per array
  std::unique_ptr<float[]> a(new float[n]), b(new float[n]), c(new float[n]);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < n; ++i) a[i] = 1, b[i] = 2, c[i] = 3;  // first touch by the threads that use them
  float* pa = a.get();
  const float* pb = b.get();
  const float* pc = c.get();
  double triad = best_seconds([&] {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < n; ++i) pa[i] = pb[i] + 3.0f * pc[i];
  });
  double copy = best_seconds([&] {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < n; ++i) pa[i] = pb[i];
  });
  lim.triad_gbs = 3.0 * 4.0 * double(n) / triad * 1e-9;
  lim.copy_gbs = 2.0 * 4.0 * double(n) / copy * 1e-9;
}

}  // namespace detail

inline Limits calibrate(int threads) {
  Limits lim;
  detail::fma_peak(lim, threads);
  detail::stream(lim, threads);
  return lim;
}

// calibrate(threads), its figures and `capability` put into the benchmark JSON's context (which
// scripts/bench_report.py reads) and printed.
inline Limits calibrate_and_report(int threads, const std::string& capability) {
  const Limits lim = calibrate(threads);
  benchmark::AddCustomContext("threads", std::to_string(threads));
  benchmark::AddCustomContext("cpu_capability", capability);
  benchmark::AddCustomContext("fma_isa", lim.fma_isa);
  benchmark::AddCustomContext("fma_peak_gflops", std::to_string(lim.fma_gflops));
  benchmark::AddCustomContext("stream_triad_gbs", std::to_string(lim.triad_gbs));
  benchmark::AddCustomContext("stream_copy_gbs", std::to_string(lim.copy_gbs));
  std::printf("calibration (%d threads): FMA peak %.1f GFLOP/s (%s), STREAM triad %.1f GB/s, copy %.1f GB/s\n",
              threads, lim.fma_gflops, lim.fma_isa, lim.triad_gbs, lim.copy_gbs);
  return lim;
}

}  // namespace convis_bench
