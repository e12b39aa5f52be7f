// tools/convis_retina.cpp: the convis-retina command, VirtualRetina's `Retina -i movie -r
// retina.xml -outD out/` for convis: runs the Retina on a movie (or a .npy or .inr video) in chunks and
// writes the ON and OFF spikes, their firing rates and a movie of stimulus and activity.
//
//   convis-retina --input street.mp4 --output out/ [--config retina.xml] [--chunk 100]
//                 [--size 128x128] [--max-frames 1000]
//   out/spikes_on.npy, spikes_off.npy   (T, X, Y) of 0/1
//   out/rates.npy                       (T, 2): ON and OFF firing rate per cell, Hz
//   out/retina.mp4                      stimulus | ON spikes | OFF spikes, side by side
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "convis/convis.h"
#include "convis/nn/convis/image_sequence.h"
#include "convis/nn/convis/inr.h"
#include "convis/nn/convis/video.h"

using namespace convis;

namespace {

constexpr const char* kHelp = R"(convis-retina: run the convis Retina (VirtualRetina's model) on a movie.

usage: convis-retina --input MOVIE --output DIR [options]

  --input PATH      a movie FFmpeg reads (.mp4, .mkv, .avi, ...), a folder of pictures or a
                    pattern such as 'frames/*.png' (natural order), a (T, X, Y) .npy video or a
                    VirtualRetina .inr file
  --output DIR      where to write spikes_on.npy, spikes_off.npy, rates.npy and retina.mp4
                    (made if missing)
  --config FILE     VirtualRetina XML configuration (default: the VirtualRetina defaults)
  --chunk N         frames per chunk (default 100); the output does not depend on it
  --size XxY        scale the movie to X rows and Y columns first (default: its own size)
  --max-frames N    stop after N frames
  --help            this text

Values: movies and pictures are read as grey in [0, 255] (the original toolbox's range); .npy and .inr
videos are used as they are.  Progress goes to stderr: a bar on a terminal, plain lines otherwise.
)";

struct Options {
  std::string input, output, config;
  int64_t chunk = 100;
  std::optional<std::array<int64_t, 2>> size;
  std::optional<int64_t> max_frames;
};

// A bad command line: one line on stderr, exit status 2.
[[noreturn]] void usage_error(const std::string& what) {
  std::cerr << "convis-retina: " << what << " (see --help)\n";
  std::exit(2);
}

int64_t positive_number(const std::string& option, const std::string& text) {
  try {
    size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used == text.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  usage_error(fmt::format("{} expects a positive whole number, got '{}'", option, text));
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kHelp;
      std::exit(0);
    }
    if (i + 1 >= argc) usage_error(arg.rfind("--", 0) == 0 ? fmt::format("{} expects a value", arg) : fmt::format("unexpected argument '{}'", arg));
    const std::string value = argv[++i];
    if (arg == "--input") o.input = value;
    else if (arg == "--output") o.output = value;
    else if (arg == "--config") o.config = value;
    else if (arg == "--chunk") o.chunk = positive_number(arg, value);
    else if (arg == "--max-frames") o.max_frames = positive_number(arg, value);
    else if (arg == "--size") {
      const size_t x = value.find('x');
      if (x == std::string::npos) usage_error(fmt::format("--size expects XxY (e.g. 128x128), got '{}'", value));
      o.size = std::array<int64_t, 2>{positive_number(arg, value.substr(0, x)), positive_number(arg, value.substr(x + 1))};
    } else {
      usage_error(fmt::format("unknown option '{}'", arg));
    }
  }
  if (o.input.empty()) usage_error("--input is required");
  if (o.output.empty()) usage_error("--output is required");
  return o;
}

// Frames done, frames per second and time left, on one line that a terminal overwrites.
class Progress {
 public:
  explicit Progress(std::optional<int64_t> total) : total_(total), tty_(isatty(STDERR_FILENO) == 1) {}
  void update(int64_t done, bool last) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double fps = seconds > 0 ? double(done) / seconds : 0.0;
    std::string line = fmt::format("convis-retina: {}{} frames, {:.0f} frames/s", done,
                                   total_ ? fmt::format("/{}", *total_) : std::string(), fps);
    if (total_ && fps > 0) line += fmt::format(", {:.0f} s left", double(*total_ - done) / fps);
    if (tty_) {
      std::cerr << "\r" << line << (last ? "\n" : "") << std::flush;
    } else if ((last && done != printed_) || done >= next_line_) {
      std::cerr << line << "\n";
      printed_ = done;
      next_line_ = done + std::max<int64_t>(total_.value_or(1000) / 10, 1);
    }
  }

 private:
  std::optional<int64_t> total_;
  bool tty_;
  int64_t next_line_ = 0, printed_ = -1;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// The stimulus scaled to [0, 1] by the range of the first chunk, next to the spikes: one frame
// (n, X, 3Y + 4) with white separators, padded to even sizes for the 4:2:0 movie.
Tensor side_by_side(const Tensor& stimulus, const Tensor& on, const Tensor& off, double low, double high) {
  const int64_t n = stimulus.size(0), X = stimulus.size(1);
  Tensor scaled = ((stimulus - low) / std::max(high - low, 1e-9)).clamp(0.0, 1.0);
  Tensor bar = ones({n, X, 2});
  Tensor frame = cat({scaled, bar, on.to(kFloat32), bar, off.to(kFloat32)}, 2);
  const int64_t pad_x = frame.size(1) % 2, pad_y = frame.size(2) % 2;
  if (pad_x || pad_y) frame = cat({frame, zeros({n, pad_x, frame.size(2)})}, 1), frame = cat({frame, zeros({n, frame.size(1), pad_y})}, 2);
  return frame;
}

int run(const Options& o) {
  std::unique_ptr<streams::Stream> input;
  const std::string extension = std::filesystem::path(o.input).extension().string();
  if (extension == ".npy" || extension == ".inr") {
    if (o.size) throw Error(fmt::format("[convis-retina] expected --size for a movie only, got it with '{}'", o.input));
    if (extension == ".npy") input = std::make_unique<streams::NpyReader>(o.input);
    if (extension == ".inr") input = std::make_unique<streams::InrReader>(o.input);
  } else if (std::filesystem::is_directory(o.input) || o.input.find_first_of("*?") != std::string::npos) {
    if (o.size) throw Error(fmt::format("[convis-retina] expected --size for a movie only, got it with '{}'", o.input));
    input = std::make_unique<streams::ImageSequence>(o.input, streams::ImageSequenceOptions{.value_max = 255.0});
  } else {
    streams::VideoReaderOptions read;
    read.size = o.size;
    read.value_max = 255.0;
    input = std::make_unique<streams::VideoReader>(o.input, read);
  }
  std::filesystem::create_directories(o.output);
  models::Retina retina;
  if (!o.config.empty()) retina->configure(models::retina_config_from_xml_file(o.config));
  std::optional<int64_t> total = input->remaining();
  if (o.max_frames) total = total ? std::min(*total, *o.max_frames) : *o.max_frames;
  streams::NpyWriter on_file(o.output + "/spikes_on.npy");
  streams::NpyWriter off_file(o.output + "/spikes_off.npy");
  streams::VideoWriterOptions movie_options;
  movie_options.fps = 25;
  streams::VideoWriter movie(o.output + "/retina.mp4", movie_options);
  std::vector<Tensor> rates;
  Progress progress(total);
  NoGradGuard no_grad;
  int64_t done = 0;
  double low = 0, high = 1;
  while (!total || done < *total) {
    const int64_t want = total ? std::min(o.chunk, *total - done) : o.chunk;
    Tensor frames = input->get(want);
    if (!frames.defined() || frames.size(0) == 0) break;
    if (done == 0) low = frames.min().item<double>(), high = frames.max().item<double>();
    Output out = retina->forward_outputs(frames.to(kFloat32).reshape({1, 1, frames.size(0), frames.size(1), frames.size(2)}));
    Tensor on = out[0].reshape(frames.sizes()), off = out[1].reshape(frames.sizes());
    on_file.put(on.to(kFloat32));
    off_file.put(off.to(kFloat32));
    const double hz = default_resolution.steps_per_second;
    rates.push_back(stack({on.to(kFloat32).mean({1, 2}), off.to(kFloat32).mean({1, 2})}, 1) * hz);
    movie.put(side_by_side(frames.to(kFloat32), on, off, low, high));
    done += frames.size(0);
    progress.update(done, false);
  }
  if (done == 0) throw Error(fmt::format("[convis-retina] expected frames in '{}', got none", o.input));
  progress.update(done, true);
  on_file.close();
  off_file.close();
  save_npy(o.output + "/rates.npy", cat(rates, 0));
  movie.close();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << "convis-retina: " << e.what() << "\n";
    return 1;
  }
}
