// streams::VideoReader and VideoWriter (nn/convis/video.h, Note [Video streams]): round trips
// exact with FFV1 and within a PSNR with H.264/MPEG-4, scaling, RGB, start and frame limits,
// chunked runs of a layer on a movie, and every bad input as an Error naming the file.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "helpers.h"
#include "convis/raw_movie.h"

#include "convis/nn/convis/convis.h"
#include "convis/nn/convis/video.h"

using namespace convis;
using Catch::Contains;

namespace {

// A scratch file name in the system's temporary directory, unique to this process.
std::string scratch(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("convis_video_" + std::to_string(getpid()) + "_" + name)).string();
}

// A moving grating on the 8-bit grid: what a lossless round trip must give back exactly.
Tensor grating(int64_t frames, int64_t x, int64_t y) {
  Tensor g = samples::moving_grating(frames, x, y);
  return (g.clamp(0.0, 1.0) * 255.0).round() / 255.0;
}

double psnr(const Tensor& a, const Tensor& b) {
  const double mse = (a - b).pow(2).mean().item<double>();
  return 10.0 * std::log10(1.0 / std::max(mse, 1e-12));
}

bool have_video() {
  if (streams::video_available()) return true;
  WARN("built without FFmpeg (CONVIS_VIDEO=OFF): video tests skipped");
  return false;
}

}  // namespace

TEST_CASE("VideoWriter and VideoReader: FFV1 round trips exactly, grey and RGB", "[convis][video]") {
  if (!have_video()) return;
  const std::string path = scratch("grey.mkv");
  Tensor video = grating(30, 24, 37);  // odd width: lossless FFV1 takes any size
  {
    streams::VideoWriter writer(path, {.fps = 100});
    CHECK(writer.codec() == "ffv1");
    writer.put(video.narrow(0, 0, 10));
    writer.put(video.narrow(0, 10, 20).reshape({1, 1, 20, 24, 37}));  // 5-D works too
    CHECK(writer.frames() == 30);
    CHECK_FALSE(std::filesystem::exists(path));  // written aside until close()
    writer.close();
  }
  REQUIRE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path + ".part"));
  streams::VideoReader reader(path);
  CHECK(reader.frame_size() == std::array<int64_t, 2>{24, 37});
  CHECK(reader.fps() == Approx(100.0));
  CHECK(reader.remaining() == std::optional<int64_t>(30));
  Tensor first = reader.get(12), rest = reader.get(100);
  CHECK(first.sizes() == Shape{12, 24, 37});
  CHECK(rest.sizes() == Shape{18, 24, 37});
  CHECK(equal(cat({first, rest}), video));
  CHECK(reader.get(5).size(0) == 0);
  CHECK(reader.remaining() == std::optional<int64_t>(0));
  std::filesystem::remove(path);

  const std::string rgb_path = scratch("rgb.mkv");
  Tensor rgb = stack({video.narrow(0, 0, 6), video.narrow(0, 0, 6).flip({2}), video.narrow(0, 6, 6)}, 1);  // (6, 3, X, Y)
  {
    streams::VideoWriter writer(rgb_path);
    writer.put(rgb);
  }  // the destructor closes
  streams::VideoReader colour(rgb_path, {.rgb = true});
  CHECK(equal(colour.get(6), rgb));
  std::filesystem::remove(rgb_path);
}

TEST_CASE("VideoWriter: lossy codecs within a PSNR; VideoReader scales, skips and limits", "[convis][video]") {
  if (!have_video()) return;
  Tensor video = grating(40, 48, 64);
  for (std::string codec : {"h264", "mpeg4"}) {
    INFO(codec);
    const std::string path = scratch("lossy_" + codec + ".mp4");
    streams::VideoWriter writer(path, {.fps = 50, .codec = codec});
    writer.put(video);
    writer.close();
    streams::VideoReader reader(path);
    Tensor back = reader.get(40);
    REQUIRE(back.sizes() == video.sizes());
    CHECK(psnr(back, video) > 30.0);
    streams::VideoReader part(path, {.size = {{24, 32}}, .start_frame = 5, .max_frames = 10, .value_max = 255.0});
    CHECK(part.remaining() == std::optional<int64_t>(10));
    Tensor small = part.get(100);
    CHECK(small.sizes() == Shape{10, 24, 32});
    CHECK(small.max().item<double>() > 200.0);  // the 0-255 range asked for
    Tensor want = video.narrow(0, 5, 10).unsqueeze(1);
    CHECK(psnr(small.unsqueeze(1) / 255.0, avg_pool3d(want, {1, 2, 2}).squeeze(1).unsqueeze(1)) > 20.0);
    std::filesystem::remove(path);
  }
}

TEST_CASE("a layer runs on a movie in chunks as on the frames", "[convis][video]") {
  if (!have_video()) return;
  const std::string path = scratch("run.mkv");
  Tensor video = grating(25, 10, 12);
  {
    streams::VideoWriter writer(path);
    writer.put(video);
  }
  filters::Conv3d conv(1, 1, Shape{3, 3, 3});
  conv->set_weight(ones({3, 3, 3}), /*normalize=*/true);
  NoGradGuard no_grad;
  Tensor want = conv->run(video, 25)[0];
  conv->clear_state();
  streams::VideoReader reader(path);
  CHECK(equal(conv->run(reader, 7)[0], want));
  std::filesystem::remove(path);
}

TEST_CASE("video: bad input is an Error naming the file", "[convis][video]") {
  if (!have_video()) return;
  CHECK_THROWS_WITH(streams::VideoReader(scratch("missing.mp4")), Contains("[VideoReader]") && Contains("missing.mp4"));
  const std::string text = scratch("not_a_movie.mp4");
  std::ofstream(text) << "this is not a movie\n";
  CHECK_THROWS_WITH(streams::VideoReader(text), Contains("not_a_movie.mp4"));
  std::filesystem::remove(text);
  const std::string any = scratch("any.mkv");
  {
    streams::VideoWriter writer(any);
    writer.put(zeros({2, 4, 4}));
  }
  CHECK_THROWS_WITH(streams::VideoReader(any, {.start_frame = -1}),
                    Contains("[VideoReader] expected start_frame >= 0") && Contains("got -1"));
  CHECK_THROWS_WITH(streams::VideoReader(any, {.value_max = 0}), Contains("value_max > 0"));
  CHECK_THROWS_WITH(streams::VideoReader(any, {.size = {{0, 4}}}), Contains("expected a positive size {X, Y}, got {0, 4}"));
  CHECK_THROWS_WITH(streams::VideoReader(any).get(-1), Contains("expected a frame count n >= 0, got -1"));
  std::filesystem::remove(any);
  CHECK_THROWS_WITH(streams::VideoWriter(scratch("x.mp4"), {.codec = "vp9"}), Contains("expected codec"));
  CHECK_THROWS_WITH(streams::VideoWriter(scratch("x.mp4"), {.fps = 0}), Contains("fps"));
  {
    streams::VideoWriter odd(scratch("odd.mp4"), {.codec = "mpeg4"});
    CHECK_THROWS_WITH(odd.put(zeros({2, 5, 7})), Contains("even frame size"));
  }
  const std::string nowhere = scratch("no_such_dir") + "/movie.mkv";
  {
    streams::VideoWriter writer(nowhere);
    CHECK_THROWS_WITH(writer.put(zeros({1, 4, 4})), Contains("writable") && Contains("no_such_dir"));
  }
  const std::string sizes = scratch("sizes.mkv");
  {
    streams::VideoWriter writer(sizes);
    writer.put(zeros({2, 4, 4}));
    CHECK_THROWS_WITH(writer.put(zeros({2, 4, 5})), Contains("as before"));
    CHECK_THROWS_WITH(writer.put(zeros({2, 2, 4, 4})), Contains("channels"));
    CHECK_THROWS_WITH(writer.get(1), Contains("write-only"));
    writer.close();
    CHECK_THROWS_WITH(writer.put(zeros({1, 4, 4})), Contains("already closed"));
  }
  CHECK(std::filesystem::exists(sizes));
  std::filesystem::remove(sizes);
  {
    streams::VideoWriter empty(scratch("empty.mkv"));
    CHECK_THROWS_WITH(empty.close(), Contains("at least one frame"));
  }
  CHECK_FALSE(std::filesystem::exists(scratch("empty.mkv")));
  // a movie cut in the middle: the frames before the cut, no crash
  const std::string whole = scratch("whole.mkv"), cut = scratch("cut.mkv");
  {
    streams::VideoWriter writer(whole);
    writer.put(grating(40, 32, 32));
  }
  const auto bytes = std::filesystem::file_size(whole);
  std::filesystem::copy_file(whole, cut);
  std::filesystem::resize_file(cut, bytes / 2);
  streams::VideoReader reader(cut);
  int64_t frames = 0;
  try {
    for (int i = 0; i < 10; ++i) frames += reader.get(10).size(0);
  } catch (const Error& e) {
    CHECK_THAT(e.what(), Contains("cut.mkv"));
  }
  CHECK(frames > 0);
  CHECK(frames < 40);
  // garbage in the middle: the frames before it, then an Error that says where reading stopped
  const std::string garbage = scratch("garbage.mkv");
  std::filesystem::copy_file(whole, garbage);
  {
    std::fstream file(garbage, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(std::streamoff(bytes / 2));
    for (int i = 0; i < 4096; ++i) file.put(char((i * 7919) % 251));
  }
  streams::VideoReader damaged(garbage);
  int64_t before_damage = 0;
  std::string message;
  try {
    for (int i = 0; i < 10; ++i) before_damage += damaged.get(10).size(0);
  } catch (const Error& e) {
    message = e.what();
  }
  INFO(message);
  CHECK(before_damage > 0);
  CHECK(before_damage < 40);
  CHECK_THAT(message, Contains("garbage.mkv") && Contains("broke off after frame"));
  for (const auto& path : {whole, cut, garbage}) std::filesystem::remove(path);
}

TEST_CASE("video: an unsupported pixel format, zero frames, a start past the end, a layer given another size",
          "[convis][video]") {
  if (!have_video()) return;
  const std::string bgr4 = scratch("bgr4.nut");  // 4-bit packed RGB: FFmpeg decodes it, swscale cannot convert it
  REQUIRE(testing::write_raw_movie(bgr4, "bgr4", 3, 8, 8));
  CHECK_THROWS_WITH(streams::VideoReader(bgr4).get(1),
                    Contains("[VideoReader] expected a pixel format swscale converts, got 'bgr4'") && Contains("bgr4.nut"));
  const std::string grey = scratch("gray.nut");  // the same container and codec, a format it converts
  REQUIRE(testing::write_raw_movie(grey, "gray", 3, 8, 6));
  Tensor frames = streams::VideoReader(grey).get(5);
  CHECK(frames.sizes() == Shape{3, 6, 8});
  CHECK(frames.eq(128.0 / 255.0).all().item<bool>());
  CHECK(streams::VideoReader(grey, {.start_frame = 3}).get(1).size(0) == 0);  // at the end: nothing more
  CHECK_THROWS_WITH(streams::VideoReader(grey, {.start_frame = 5}),
                    Contains("expected start_frame < the frame count of") && Contains("got start_frame 5 and 3 frames"));
  const std::string none = scratch("none.nut");
  REQUIRE(testing::write_raw_movie(none, "gray", 0, 8, 8));
  // A header and no frame: FFmpeg finds no stream parameters in it (the reader's own check, "at
  // least one frame", guards containers that open without any).
  CHECK_THROWS_WITH(streams::VideoReader(none), Contains("[VideoReader] expected a readable movie, got '") && Contains("none.nut"));
  // A layer whose state holds 6x8 frames, given the 8x8 frames of another movie: the layer's Error.
  filters::Conv3d conv(1, 1, Shape{2, 1, 1});
  streams::VideoReader small(grey);
  conv->run(small, 2);
  REQUIRE(testing::write_raw_movie(none, "gray", 2, 8, 8));
  streams::VideoReader larger(none);
  CHECK_THROWS_WITH(conv->run(larger, 2), Contains("[Conv3d] expected input frames"));
  for (const auto& path : {bgr4, grey, none}) std::filesystem::remove(path);
}

TEST_CASE("VideoReader: memory is bounded by the chunk, not the movie", "[convis][video]") {
  if (!have_video()) return;
  const std::string path = scratch("long.mkv");
  const int64_t frames = 2000, chunk = 50;
  {
    streams::VideoWriter writer(path);
    Tensor block = grating(chunk, 64, 64);
    for (int64_t i = 0; i < frames / chunk; ++i) writer.put(block);
  }
  streams::VideoReader reader(path);
  const int64_t live_before = cpu_memory_stats().live_bytes;
  reset_peak_cpu_memory();
  int64_t read = 0, live_growth = 0;
  for (Tensor got = reader.get(chunk); got.size(0) > 0; got = reader.get(chunk)) {
    read += got.size(0);
    live_growth = std::max(live_growth, cpu_memory_stats().live_bytes - live_before);
  }
  CHECK(read == frames);
  const int64_t chunk_bytes = chunk * 64 * 64 * int64_t(sizeof(float));
  CHECK(live_growth <= chunk_bytes);                                             // one chunk alive at a time
  CHECK(cpu_memory_stats().peak_bytes - live_before <= 2 * chunk_bytes);        // the whole movie is 40x this
  std::filesystem::remove(path);
}
