// bench/bench_video.cpp: what reading a movie costs next to the retina that watches it (issue 24).
//
//   decode_640x480_to_128x128:  VideoReader on a 640x480 H.264 movie, scaled to 128x128 grey
//                               float32 frames, per frame
//   decode_128x128:             VideoReader on a 128x128 H.264 movie, per frame
//   retina_128x128:             the default Retina on 128x128 frames in chunks of 100, per frame
//   command_128x128:            the convis-retina command on the 128x128 movie (decode, retina,
//                               two .npy files, the side-by-side H.264 movie), per frame
//
// The movies (moving gratings, 200 frames) are written once into the temporary directory.
// After Google Benchmark's report, one table: each work's median per frame, the command's
// frames per second, and decoding as a share of the retina's time.
#include <convis/convis.h>
#include <convis/nn/convis/video.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "compare.h"

namespace {

using namespace convis;
constexpr int64_t kFrames = 200, kChunk = 100;

std::string movie(int64_t x, int64_t y) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("convis_bench_video_" + std::to_string(getpid()) + "_" + std::to_string(y) + "x" + std::to_string(x) + ".mp4");
  if (!std::filesystem::exists(path)) {
    streams::VideoWriter writer(path.string(), {.fps = 25, .codec = "h264"});
    for (int64_t done = 0; done < kFrames; done += kChunk) writer.put((samples::moving_grating(kChunk, x, y) + 1.0) * 0.5);
  }
  return path.string();
}

void decode(benchmark::State& state, int64_t x, int64_t y) {
  const std::string path = movie(x, y);
  for (auto _ : state) {
    streams::VideoReader reader(path, {.size = {{128, 128}}});
    for (Tensor frames = reader.get(kChunk); frames.size(0) > 0; frames = reader.get(kChunk))
      benchmark::DoNotOptimize(frames.data_ptr<float>());
  }
  state.counters["per"] = double(kFrames);
}

void retina(benchmark::State& state) {
  NoGradGuard no_grad;
  const Tensor frames = samples::moving_grating(kFrames, 128, 128).reshape({1, 1, kFrames, 128, 128});
  models::Retina model;
  for (auto _ : state) {
    model->clear_state();
    for (int64_t t = 0; t < kFrames; t += kChunk) benchmark::DoNotOptimize(model->forward_outputs(frames.narrow(2, t, kChunk)));
  }
  state.counters["per"] = double(kFrames);
}

void command(benchmark::State& state) {
  const std::string input = movie(128, 128);
  const auto output = std::filesystem::temp_directory_path() / ("convis_bench_video_out_" + std::to_string(getpid()));
  const std::string line = std::string(CONVIS_RETINA_COMMAND) + " --input " + input + " --output " + output.string() +
                           " --chunk " + std::to_string(kChunk) + " > /dev/null 2>&1";
  for (auto _ : state)
    if (std::system(line.c_str()) != 0) state.SkipWithError("convis-retina failed");
  std::filesystem::remove_all(output);
  state.counters["per"] = double(kFrames);
}

void setup_threads() { set_num_threads(convis_bench::bench_threads()); }

}  // namespace

BENCHMARK_CAPTURE(decode, 640x480, 480, 640)->Name("BM_convis_decode_640x480_to_128x128")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(decode, 128x128, 128, 128)->Name("BM_convis_decode_128x128")->Unit(benchmark::kMillisecond);
BENCHMARK(retina)->Name("BM_convis_retina_128x128")->Unit(benchmark::kMillisecond);
BENCHMARK(command)->Name("BM_convis_command_128x128")->Unit(benchmark::kMillisecond)->Iterations(3);

int main(int argc, char** argv) {
  if (!streams::video_available()) {
    std::printf("bench_video: this build has no FFmpeg (CONVIS_VIDEO=OFF)\n");
    return 0;
  }
  setup_threads();
  convis_bench::CollectingReporter reporter;
  convis_bench::run_benchmarks(argc, argv, reporter);
  auto per_frame = [&](const char* work) { return convis_bench::median(reporter.times["BM_convis_" + std::string(work)]); };
  const double decode_big = per_frame("decode_640x480_to_128x128"), decode_small = per_frame("decode_128x128");
  const double model = per_frame("retina_128x128"), whole = per_frame("command_128x128");
  std::printf("\n%-30s %12s\n", "work (medians)", "us per frame");
  std::printf("%-30s %12.1f   %5.2fx the retina's time (target <= 0.10x)\n", "decode 640x480 -> 128x128", decode_big,
              decode_big / model);
  std::printf("%-30s %12.1f   %5.2fx the retina's time\n", "decode 128x128", decode_small, decode_small / model);
  std::printf("%-30s %12.1f\n", "retina 128x128", model);
  std::printf("%-30s %12.1f   %.0f frames/s (target >= 100)\n", "convis-retina 128x128", whole, 1e6 / whole);
  for (const char* size : {"640x480", "128x128"})
    std::filesystem::remove(std::filesystem::temp_directory_path() /
                            ("convis_bench_video_" + std::to_string(getpid()) + "_" + size + ".mp4"));
  return 0;
}
