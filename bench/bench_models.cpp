// bench/bench_models.cpp: the convis models end to end, as issue 12 sets their targets: the
// Retina at the original's benchmark size (2000 x 20 x 20), in chunks of 500 frames and frame by
// frame, and the LN model (12, 7, 7) the same two ways.  Without gradients, 2 threads
// (CONVIS_BENCH_THREADS).
//
//   retina_2000x20x20_dt500:   the default Retina in 4 chunks of 500 frames (target <= 0.1 s)
//   retina_2000x20x20_dt1:     the same, one frame per call (target: within 10% of dt500)
//   ln_2000x20x20_dt500:       LN (12, 7, 7) in chunks of 500 (target <= 10 ms)
//   ln_2000x20x20_dt1:         the same, one frame per call
//
// After Google Benchmark's report, one table: each work's median run and microseconds per frame,
// and frame by frame against chunks.
#include <convis/convis.h>

#include <cstdio>
#include <string>

#include "compare.h"

namespace {

using namespace convis;
constexpr int64_t kFrames = 2000, kSize = 20;

const Tensor& stimulus() {
  static const Tensor video = (samples::moving_bar(kFrames, kSize, kSize) * 255.0).reshape({1, 1, kFrames, kSize, kSize});
  return video;
}

// The whole stimulus through `model` in chunks of `dt` frames, from a clear state.
template <typename Model>
void run_model(benchmark::State& state, Model& model, int64_t dt) {
  NoGradGuard no_grad;
  const Tensor& video = stimulus();
  for (auto _ : state) {
    model->clear_state();
    for (int64_t t = 0; t < kFrames; t += dt) benchmark::DoNotOptimize(model->forward_outputs(video.narrow(2, t, dt)));
  }
  state.counters["per"] = double(kFrames);
}

void retina(benchmark::State& state) {
  models::Retina model;
  run_model(state, model, state.range(0));
}

void ln(benchmark::State& state) {
  models::LN model(Shape{12, 7, 7});
  run_model(state, model, state.range(0));
}

}  // namespace

BENCHMARK(retina)->Name("BM_convis_retina_2000x20x20_dt500")->Arg(500)->Unit(benchmark::kMillisecond);
BENCHMARK(retina)->Name("BM_convis_retina_2000x20x20_dt1")->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(ln)->Name("BM_convis_ln_2000x20x20_dt500")->Arg(500)->Unit(benchmark::kMillisecond);
BENCHMARK(ln)->Name("BM_convis_ln_2000x20x20_dt1")->Arg(1)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
  set_num_threads(convis_bench::bench_threads());
  convis_bench::CollectingReporter reporter;
  convis_bench::run_benchmarks(argc, argv, reporter);
  auto per_frame = [&](const std::string& work) { return convis_bench::median(reporter.times["BM_convis_" + work]); };
  std::printf("\n%-28s %10s %14s %s\n", "work (medians)", "ms", "us per frame", "");
  for (const char* model : {"retina", "ln"}) {
    const double chunked = per_frame(std::string(model) + "_2000x20x20_dt500");
    const double frames = per_frame(std::string(model) + "_2000x20x20_dt1");
    if (chunked == 0 || frames == 0) continue;  // filtered out
    std::printf("%-28s %10.2f %14.2f\n", (std::string(model) + " 2000x20x20, dt 500").c_str(), chunked * kFrames / 1e3,
                chunked);
    std::printf("%-28s %10.2f %14.2f   %.2fx chunks of 500 (target <= 1.10x)\n",
                (std::string(model) + " 2000x20x20, dt 1").c_str(), frames * kFrames / 1e3, frames, frames / chunked);
  }
  return 0;
}
