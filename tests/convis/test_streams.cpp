// Streams: exact frames, remaining(), endless streams, put on read-only ones, .npy files.
#include <cstdio>
#include <filesystem>
#include <string>

#include "convis/nn/convis/streams.h"
#include "helpers.h"

using namespace convis;
using namespace convis::streams;

namespace {

// (T, X, Y) with frame k filled with k (plus the pixel index / 100, so pixels differ too).
Tensor ramp_video(int64_t t, int64_t x, int64_t y) {
  Tensor frames = arange(t, kFloat32).reshape({t, 1, 1});
  Tensor pixels = arange(x * y, kFloat32).reshape({1, x, y}) / 100.0;
  return (frames + pixels).contiguous();
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("convis_test_streams_" + name)).string();
}

}  // namespace

TEST_CASE("streams: SequenceStream hands out its frames in order, once", "[convis][streams]") {
  Tensor video = ramp_video(10, 3, 2);
  SequenceStream s(video);
  CHECK(s.remaining() == std::optional<int64_t>(10));
  Tensor a = s.get(4);
  CHECK_ALLCLOSE(a, video.narrow(0, 0, 4));
  CHECK(s.remaining() == std::optional<int64_t>(6));
  CHECK_ALLCLOSE(s.get(1), video.narrow(0, 4, 1));
  Tensor rest = s.get(100);  // fewer when the stream runs out
  CHECK(rest.sizes() == Shape{5, 3, 2});
  CHECK_ALLCLOSE(rest, video.narrow(0, 5, 5));
  CHECK(s.remaining() == std::optional<int64_t>(0));
  CHECK(s.get(3).sizes() == Shape{0, 3, 2});
  // The frames handed out are copies: writing to them leaves the stream alone.
  a.fill_(-1);
  CHECK(s.sequence().narrow(0, 0, 1).max().item<double>() >= 0.0);
  CHECK_THROWS_WITH(s.get(-1), Catch::Contains("[SequenceStream::get] expected n >= 0"));
}

TEST_CASE("streams: SequenceStream takes 5-D input and put appends, keeping max_frames", "[convis][streams]") {
  Tensor video = ramp_video(6, 2, 2);
  SequenceStream s(video.reshape({1, 1, 6, 2, 2}), /*max_frames=*/8);
  CHECK(s.sequence().sizes() == Shape{6, 2, 2});
  CHECK_ALLCLOSE(s.get(5), video.narrow(0, 0, 5));
  s.put(ramp_video(4, 2, 2) + 100.0);  // 10 frames -> the last 8 (frames 2..5, then the 4 new)
  CHECK(s.sequence().sizes() == Shape{8, 2, 2});
  CHECK(s.remaining() == std::optional<int64_t>(5));  // frame 5, then the 4 new frames
  Tensor next = s.get(5);
  CHECK_ALLCLOSE(next.narrow(0, 0, 1), video.narrow(0, 5, 1));
  CHECK_ALLCLOSE(next.narrow(0, 1, 4), ramp_video(4, 2, 2) + 100.0);
  s.put(ramp_video(2, 2, 2).reshape({1, 1, 2, 2, 2}));  // 5-D output frames
  CHECK(s.remaining() == std::optional<int64_t>(2));
  CHECK_THROWS_WITH(s.put(zeros({1, 3, 2})), Catch::Contains("[SequenceStream::put] expected frames of 2 x 2"));
  CHECK_THROWS_AS(s.put(zeros({2, 2})), Error);
  CHECK_THROWS_AS(SequenceStream(zeros({4, 4})), Error);
  CHECK_THROWS_AS(SequenceStream(video, 0), Error);
}

TEST_CASE("streams: RepeatingStream loops its sequence endlessly", "[convis][streams]") {
  Tensor video = ramp_video(3, 2, 2);
  RepeatingStream s(video);
  CHECK_FALSE(s.remaining().has_value());
  CHECK_ALLCLOSE(s.get(2), video.narrow(0, 0, 2));
  Tensor eight = s.get(8);  // frames 2, 0, 1, 2, 0, 1, 2, 0
  CHECK(eight.sizes() == Shape{8, 2, 2});
  const int expected[8] = {2, 0, 1, 2, 0, 1, 2, 0};
  for (int k = 0; k < 8; ++k) CHECK_ALLCLOSE(eight.narrow(0, k, 1), video.narrow(0, expected[k], 1));
  CHECK_ALLCLOSE(s.get(1), video.narrow(0, 1, 1));
  CHECK(s.get(0).sizes() == Shape{0, 2, 2});
  CHECK_THROWS_WITH(s.put(video), Catch::Contains("[Stream::put] expected a stream that takes output"));
  CHECK_THROWS_AS(RepeatingStream(zeros({0, 2, 2})), Error);
}

TEST_CASE("streams: RandomStream is mean + level U(0, 1), endless, seeded", "[convis][streams]") {
  RandomStream s({5, 4}, /*level=*/2.0, /*mean=*/-1.0, /*seed=*/9);
  CHECK_FALSE(s.remaining().has_value());
  Tensor a = s.get(300);
  CHECK(a.sizes() == Shape{300, 5, 4});
  CHECK(a.dtype() == kFloat32);
  CHECK(a.min().item<double>() >= -1.0);
  CHECK(a.max().item<double>() < 1.0);
  CHECK(a.mean().item<double>() == Approx(0.0).margin(0.05));  // 6000 draws, sd 0.015
  // The same seed gives the same frames however they are chunked; the numbers are the
  // generator's uniforms for that seed.
  RandomStream t({5, 4}, 2.0, -1.0, 9);
  Tensor b = cat({t.get(1), t.get(120), t.get(179)}, 0);
  CHECK(a.equal(b));
  manual_seed(9);
  CHECK_ALLCLOSE(a, rand({300, 5, 4}, kFloat64).to(kFloat32) * 2.0 - 1.0);
  CHECK_FALSE(RandomStream({5, 4}, 2.0, -1.0, 10).get(300).equal(a));
  // Without a seed: drawn from the default generator, so manual_seed reproduces it.
  manual_seed(3);
  Tensor c = RandomStream({2, 2}).get(5);
  manual_seed(3);
  CHECK(RandomStream({2, 2}).get(5).equal(c));
  CHECK_THROWS_AS(s.put(a), Error);
  CHECK_THROWS_AS(RandomStream({0, 4}), Error);
  CHECK_THROWS_AS(s.get(-2), Error);
}

TEST_CASE("streams: NpyReader reads a (T, X, Y) file; NpyWriter collects and writes one", "[convis][streams]") {
  const std::string path = temp_path("roundtrip.npy");
  Tensor video = ramp_video(7, 3, 4);
  {
    NpyWriter w(path);
    CHECK(w.remaining() == std::optional<int64_t>(0));
    w.put(video.narrow(0, 0, 3));
    w.put(video.narrow(0, 3, 4).reshape({1, 1, 4, 3, 4}));
    CHECK(w.frames() == 7);
    CHECK_THROWS_WITH(w.put(zeros({1, 4, 4})), Catch::Contains("[NpyWriter::put] expected frames of 3 x 4"));
    CHECK_THROWS_WITH(w.get(1), Catch::Contains("[NpyWriter::get]"));
  }  // written on destruction
  CHECK_ALLCLOSE(load_npy(path), video);
  NpyReader r(path);
  CHECK(r.remaining() == std::optional<int64_t>(7));
  CHECK_ALLCLOSE(r.get(2), video.narrow(0, 0, 2));
  CHECK_ALLCLOSE(r.get(10), video.narrow(0, 2, 5));
  CHECK(r.remaining() == std::optional<int64_t>(0));
  CHECK_THROWS_WITH(r.put(video), Catch::Contains("[Stream::put]"));

  NpyWriter w2(path);
  w2.put(video.narrow(0, 0, 2) * 2.0);
  w2.close();
  CHECK_ALLCLOSE(load_npy(path), video.narrow(0, 0, 2) * 2.0);
  CHECK_THROWS_WITH(w2.put(video), Catch::Contains("already closed"));
  std::remove(path.c_str());

  // Frames go to "<path>.part" as they come (memory flat), the header gets the count at close
  {
    std::remove(path.c_str());
    NpyWriter long_run(path);
    Tensor frame = ramp_video(5, 64, 64);
    long_run.put(frame);
    const int64_t live = cpu_memory_stats().live_bytes;
    for (int i = 0; i < 200; ++i) long_run.put(frame);
    CHECK(cpu_memory_stats().live_bytes - live < 64 * 64 * 4);  // nothing kept per frame
    CHECK_FALSE(std::filesystem::exists(path));
    CHECK(std::filesystem::exists(path + ".part"));
    long_run.close();
    CHECK_FALSE(std::filesystem::exists(path + ".part"));
    Tensor back = load_npy(path);
    REQUIRE(back.sizes() == Shape{1005, 64, 64});
    CHECK(equal(back.narrow(0, 1000, 5), frame));
    CHECK(std::filesystem::file_size(path) % 64 == 0);  // the header keeps NumPy's alignment
  }

  save_npy(path, zeros({3, 3}));
  CHECK_THROWS_AS(NpyReader(path), Error);
  std::remove(path.c_str());
  CHECK_THROWS_AS(NpyReader(temp_path("does_not_exist.npy")), Error);
}
