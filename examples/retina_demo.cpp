// examples/retina_demo.cpp: the convis Retina on a moving bar, run in chunks.
//
//   ./build/examples/retina_demo [frames=2000] [size=50] [dt=100] [out=retina_demo_out]
//
// Builds a VirtualRetina-like model (OPL, bipolar contrast gain control, ON and OFF ganglion
// cells with spikes), feeds it a bar sweeping across a size x size field for `frames` frames
// of 1 ms in chunks of dt frames, prints the time and the firing rates, and writes
//   spikes_on.npy, spikes_off.npy, stimulus.npy   the outputs, [1, 1, T, X, Y] and [T, X, Y]
// which python/examples/retina_plots.py draws with matplotlib, with axes, units and legends:
//   stimulus.png (frames of the bar), raster.png (ON/OFF spikes of the middle row, time in ms
//   against cell), rate.png (firing rate in Hz over ms).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "convis/convis.h"

using namespace convis;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Time one run of a fresh Retina on a moving bar; returns the seconds and the output.
std::pair<double, Output> timed_run(const Tensor& stimulus, int64_t dt) {
  models::Retina retina;
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

  save_npy((out_dir / "spikes_on.npy").string(), on);
  save_npy((out_dir / "spikes_off.npy").string(), off);
  save_npy((out_dir / "stimulus.npy").string(), stimulus);
  std::printf("  wrote spikes_on.npy, spikes_off.npy and stimulus.npy to %s/; the pictures:\n"
              "  .venv/bin/python python/examples/retina_plots.py %s\n", out_dir.c_str(), out_dir.c_str());
  return 0;
}
