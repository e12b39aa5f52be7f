// nn/convis/image_sequence.h (Note [Image sequences]): PNG round trips exact, folders and
// patterns in natural order, crop and repeat, a layer run on a folder, and bad input.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "helpers.h"

#include "convis/nn/convis/convis.h"
#include "convis/nn/convis/image_sequence.h"

using namespace convis;
using Catch::Contains;

namespace {

std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("convis_images_" + std::to_string(getpid()) + "_" + name);
  std::filesystem::create_directories(dir);
  return dir;
}

// Values on the 8-bit grid, which a PNG keeps exactly.
Tensor on_grid(const Tensor& t) { return (t.clamp(0.0, 1.0) * 255.0).round() / 255.0; }

}  // namespace

TEST_CASE("save_image and load_image: PNG round trips exactly, grey and RGB", "[convis][video][images]") {
  if (!streams::video_available()) return;
  const auto dir = scratch_dir("png");
  Tensor grey = on_grid(rand({9, 14})), rgb = on_grid(rand({3, 6, 5}));
  save_image((dir / "grey.png").string(), grey);
  save_image((dir / "rgb.png").string(), rgb);
  CHECK(equal(load_image((dir / "grey.png").string()), grey));
  CHECK(equal(load_image((dir / "rgb.png").string(), /*rgb=*/true), rgb));
  CHECK(equal(load_image((dir / "grey.png").string(), false, 255.0), grey * 255.0));
  CHECK_THROWS_WITH(save_image((dir / "x.png").string(), zeros({2, 3, 4})), Contains("(X, Y) or (3, X, Y)"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("ImageSequence: natural order, crop, repeat; the writer's folder reads back", "[convis][video][images]") {
  if (!streams::video_available()) return;
  const auto dir = scratch_dir("seq");
  Tensor frames = on_grid(samples::moving_grating(12, 8, 10));
  {
    streams::ImageSequenceWriter writer((dir / "a").string(), "shot");
    writer.put(frames.narrow(0, 0, 5));
    writer.put(frames.narrow(0, 5, 7).reshape({1, 1, 7, 8, 10}));
    CHECK(writer.frames() == 12);
  }
  streams::ImageSequence all((dir / "a").string());
  CHECK(all.remaining() == std::optional<int64_t>(12));
  CHECK(equal(all.get(100), frames));
  // names whose numbers are not zero-padded: natural order, not character order
  for (int i : {10, 2, 1}) save_image((dir / fmt::format("f{}.png", i)).string(), frames[i]);
  std::ofstream(dir / "notes.txt") << "not a picture";
  streams::ImageSequence natural((dir / "f*.png").string(), {.repeat = 2, .crop = {{1, 2, 5, 6}}});
  CHECK(natural.files().size() == 3);
  CHECK(natural.files()[2].ends_with("f10.png"));
  CHECK(natural.remaining() == std::optional<int64_t>(6));
  Tensor got = natural.get(4);
  CHECK(got.sizes() == Shape{4, 5, 6});
  CHECK(equal(got[0], got[1]));
  CHECK(equal(got[2], frames[2].narrow(0, 1, 5).narrow(1, 2, 6)));
  CHECK(natural.get(10).size(0) == 2);
  // a layer runs on the folder as on its frames
  filters::Conv3d conv(1, 1, Shape{2, 3, 3});
  conv->set_weight(ones({2, 3, 3}), true);
  NoGradGuard no_grad;
  Tensor want = conv->run(frames, 12)[0];
  conv->clear_state();
  streams::ImageSequence again((dir / "a").string());
  CHECK(equal(conv->run(again, 5)[0], want));
  // bad input
  CHECK_THROWS_WITH(streams::ImageSequence((dir / "none*.png").string()), Contains("got none matching"));
  CHECK_THROWS_WITH(streams::ImageSequence((dir / "missing" / "*.png").string()), Contains("expected a folder"));
  save_image((dir / "f3.png").string(), zeros({4, 4}));
  streams::ImageSequence mixed((dir / "f*.png").string());
  CHECK_THROWS_WITH(mixed.get(10), Contains("f3.png") && Contains("4x4"));
  streams::ImageSequence text((dir / "*.txt").string());
  CHECK_THROWS_WITH(text.get(1), Contains("notes.txt"));
  CHECK_THROWS_WITH(streams::ImageSequence((dir / "a").string(), {.repeat = 0}),
                    Contains("[ImageSequence] expected repeat >= 1") && Contains("got 0"));
  CHECK_THROWS_WITH(streams::ImageSequence((dir / "a").string(), {.crop = {{0, -1, 2, 2}}}),
                    Contains("got {0, -1, 2, 2}"));
  streams::ImageSequence too_big((dir / "a").string(), {.crop = {{0, 0, 9, 10}}});
  CHECK_THROWS_WITH(too_big.get(1), Contains("inside the picture"));
  std::filesystem::remove_all(dir);
}
