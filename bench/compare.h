// bench/compare.h: run Google Benchmark, then print convis against LibTorch side by side.
//
//   BENCHMARK(BM_convis_tanh_eager);   BENCHMARK(BM_torch_tanh_eager);
//   int main(int argc, char** argv) { return convis_bench::run(argc, argv, "us per op"); }
//
// Benchmarks come in pairs named BM_convis_<work> and BM_torch_<work>; after the normal
// report, run() prints one line per <work>: both medians (over --benchmark_repetitions,
// default 5) and the ratio torch / convis.  Each iteration's time is divided by the
// benchmark's "per" counter (items per iteration), so figures are per node or per op.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace convis_bench {

// The threads every library of a benchmark runs on: CONVIS_BENCH_THREADS, default 2.
inline int bench_threads() {
  const char* env = std::getenv("CONVIS_BENCH_THREADS");
  return env ? std::max(1, std::atoi(env)) : 2;
}

// One op written for any tensor type with the method, so a benchmark template runs the same
// code over convis::Tensor and torch::Tensor.
struct Tanh {
  template <typename T>
  T operator()(const T& x) const {
    return x.tanh();
  }
};

class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.iterations == 0) continue;
      double per = 1;
      if (auto it = r.counters.find("per"); it != r.counters.end()) per = it->second.value;
      // GetAdjustedRealTime() is in the benchmark's unit (ns unless ->Unit() says otherwise).
      double us = r.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(r.time_unit) * 1e6 / per;
      times[r.run_name.function_name].push_back(us);
    }
  }
  std::map<std::string, std::vector<double>> times;
};

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Runs every benchmark the command line selects (5 repetitions unless it says otherwise),
// reporting to `reporter`.
inline void run_benchmarks(int argc, char** argv, CollectingReporter& reporter) {
  std::vector<char*> args(argv, argv + argc);
  std::string reps = "--benchmark_repetitions=5";
  bool has_reps = false;
  for (int i = 1; i < argc; ++i) has_reps = has_reps || std::string(argv[i]).find("repetitions") != std::string::npos;
  if (!has_reps) args.push_back(reps.data());
  int n = int(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks(&reporter);
}

inline int run(int argc, char** argv, const char* unit) {
  CollectingReporter reporter;
  run_benchmarks(argc, argv, reporter);
  std::printf("\n%-28s %14s %14s %10s   (%s, median of repetitions, min-max in brackets)\n", "work", "convis",
              "LibTorch", "ratio", unit);
  for (auto& [name, convis_times] : reporter.times) {
    if (name.rfind("BM_convis_", 0) != 0) continue;
    std::string work = name.substr(10);
    auto torch_it = reporter.times.find("BM_torch_" + work);
    double c = median(convis_times);
    auto [cmin, cmax] = std::minmax_element(convis_times.begin(), convis_times.end());
    if (torch_it == reporter.times.end()) {
      std::printf("%-28s %8.3f [%.3f-%.3f] %14s\n", work.c_str(), c, *cmin, *cmax, "n/a");
      continue;
    }
    double t = median(torch_it->second);
    std::printf("%-28s %8.3f [%.3f-%.3f] %8.3f %9.1fx\n", work.c_str(), c, *cmin, *cmax, t, t / c);
  }
  return 0;
}

}  // namespace convis_bench
