// tools/convis_retina.cpp (the convis-retina command): its output files, chunk invariance and
// exit codes, on a movie the test writes with VideoWriter.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "helpers.h"

#include "convis/nn/convis/convis.h"
#include "convis/nn/convis/video.h"

using namespace convis;

namespace {

// The command's exit status (std::system's wait status decoded), its stderr silenced.
int command(const std::string& arguments) {
  const std::string line = std::string(CONVIS_RETINA_COMMAND) + " " + arguments + " 2>/dev/null >/dev/null";
  const int status = std::system(line.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("convis-retina: spikes, rates and a movie, the same for any chunk length", "[convis][video][command]") {
  if (!streams::video_available()) {
    WARN("built without FFmpeg (CONVIS_VIDEO=OFF): convis-retina tests skipped");
    return;
  }
  const auto dir = std::filesystem::temp_directory_path() / ("convis_retina_cmd_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string movie = (dir / "grating.mkv").string();
  {
    streams::VideoWriter writer(movie, {.fps = 100});
    writer.put(samples::moving_grating(40, 16, 20));
  }
  REQUIRE(command("--input " + movie + " --output " + (dir / "a").string() + " --chunk 7") == 0);
  REQUIRE(command("--input " + movie + " --output " + (dir / "b").string() + " --chunk 40") == 0);
  Tensor on = load_npy((dir / "a" / "spikes_on.npy").string()), off = load_npy((dir / "a" / "spikes_off.npy").string());
  CHECK(on.sizes() == Shape{40, 16, 20});
  CHECK(on.sum().item<double>() > 0);
  CHECK(equal(on, load_npy((dir / "b" / "spikes_on.npy").string())));
  CHECK(equal(off, load_npy((dir / "b" / "spikes_off.npy").string())));
  Tensor rates = load_npy((dir / "a" / "rates.npy").string());
  CHECK(rates.sizes() == Shape{40, 2});
  CHECK(rates.select(1, 0).sum().item<double>() == Approx(on.sum().item<double>() / 320.0 * 1000.0).epsilon(1e-4));
  streams::VideoReader out((dir / "a" / "retina.mp4").string());
  CHECK(out.frame_size() == std::array<int64_t, 2>{16, 64});  // stimulus | ON | OFF with two 2-pixel bars
  CHECK(out.get(100).size(0) == 40);
  // exit codes: 0 for --help, 2 for a bad command line, 1 for a bad file
  CHECK(command("--help") == 0);
  CHECK(command("--input " + movie) == 2);
  CHECK(command("--input " + movie + " --output " + dir.string() + " --chunk zero") == 2);
  CHECK(command("--bogus 1") == 2);
  CHECK(command("--input " + movie + " --output " + dir.string() + " --size 12") == 2);  // not XxY
  save_npy((dir / "video.npy").string(), samples::moving_grating(5, 4, 4));
  CHECK(command("--input " + (dir / "video.npy").string() + " --output " + (dir / "d").string() + " --size 8x8") == 1);
  CHECK(command("--input " + (dir / "video.npy").string() + " --output " + (dir / "e").string()) == 0);
  CHECK(command("--input " + (dir / "missing.mp4").string() + " --output " + (dir / "c").string()) == 1);
  std::filesystem::remove_all(dir);
}
