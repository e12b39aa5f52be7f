// examples/retina_demo.cpp: the convis Retina on a moving bar, run in chunks.
//
//   ./build/examples/retina_demo [frames=2000] [size=50] [dt=100] [out=retina_demo_out]
//
// Builds a VirtualRetina-like model (OPL, bipolar contrast gain control, ON and OFF ganglion
// cells with spikes), feeds it a bar sweeping across a size x size field for `frames` frames
// of 1 ms in chunks of dt frames, and writes what a person wants to look at:
//   stimulus.png     eight frames of the bar's first sweep (200 ms), side by side
//   raster.png       ON (red) and OFF (blue) spikes of the cells on the middle row over time
//   rate.png         mean firing rate of all ON and all OFF cells over time (10 ms bins)
//   spikes_on.npy, spikes_off.npy, stimulus.npy   the raw data
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "convis/convis.h"
#include "png_writer.h"

using namespace convis;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Mean over pixels of a [1, 1, T, X, Y] spike tensor, in spikes per second, per bin of `bin` frames.
Tensor rate_over_time(const Tensor& spikes, int64_t bin) {
  const int64_t t = spikes.size(2) / bin * bin;
  Tensor per_frame = spikes.to(DType::Float32).mean({0, 1, 3, 4}).narrow(0, 0, t);
  return per_frame.reshape({t / bin, bin}).mean({1}) * default_resolution.steps_per_second;
}

// Time one run of a fresh Retina on a moving bar; returns the seconds and the output.
std::pair<double, Output> timed_run(const Tensor& stimulus, int64_t dt) {
  auto retina = std::make_shared<models::Retina>();
  const auto start = std::chrono::steady_clock::now();
  Output out = retina->run(stimulus, dt);
  return {seconds_since(start), out};
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t frames = argc > 1 ? std::stoll(argv[1]) : 2000;
  const int64_t size = argc > 2 ? std::stoll(argv[2]) : 50;
  const int64_t dt = argc > 3 ? std::stoll(argv[3]) : 100;
  const std::filesystem::path out_dir = argc > 4 ? argv[4] : "retina_demo_out";
  std::filesystem::create_directories(out_dir);
  manual_seed(0);

  // A bright bar on a dark background, in the 0..255 luminance range VirtualRetina expects.
  const Tensor stimulus = samples::moving_bar(frames, size, size, -1.0, 0.6, 10.0, 0.01) * 255.0;
  std::printf("convis retina demo: %lld frames of %lldx%lld pixels (1 ms each), chunks of %lld frames\n",
              static_cast<long long>(frames), static_cast<long long>(size), static_cast<long long>(size),
              static_cast<long long>(dt));

  auto [seconds, out] = timed_run(stimulus, dt);
  const Tensor on = out["ganglion_spikes_ON"], off = out["ganglion_spikes_OFF"];
  std::printf("  run: %.2f s (%.1f us per frame per 1000 pixels)\n", seconds,
              1e6 * seconds / static_cast<double>(frames) / (static_cast<double>(size * size) / 1000.0));
  const double rate_on = on.to(DType::Float64).mean().item<double>() * default_resolution.steps_per_second;
  const double rate_off = off.to(DType::Float64).mean().item<double>() * default_resolution.steps_per_second;
  std::printf("  mean firing rate: ON %.1f Hz, OFF %.1f Hz per cell\n", rate_on, rate_off);

  // The original's own benchmark size, for comparison with its published timing.
  if (frames >= 2000) {
    const Tensor small = samples::moving_bar(2000, 20, 20, -1.0, 0.0, 2.0, 0.01) * 255.0;
    const double t_small = timed_run(small, 500).first;
    std::printf("  Retina 2000x20x20, dt=500: %.2f s (the original convis with PyTorch 1.13 on this kind of "
                "machine: 6.7 s)\n", t_small);
  }

  using namespace convis::examples;
  write_png_rgb((out_dir / "stimulus.png").string(), frame_montage(stimulus.narrow(0, 0, std::min<int64_t>(frames, 200)),
                                             MontageOptions{8, 4, 4, 0.0, 255.0}));
  const int64_t row = size / 2;
  write_png_rgb((out_dir / "raster.png").string(),
                spike_raster(on.select(3, row).squeeze(), off.select(3, row).squeeze()));
  write_png_rgb((out_dir / "rate.png").string(), line_plot({rate_over_time(on, 10), rate_over_time(off, 10)}));
  save_npy((out_dir / "spikes_on.npy").string(), on);
  save_npy((out_dir / "spikes_off.npy").string(), off);
  save_npy((out_dir / "stimulus.npy").string(), stimulus);
  std::printf("  wrote stimulus.png, raster.png, rate.png and the outputs as .npy to %s/\n", out_dir.c_str());
  return 0;
}
