// The direct convolution kernels (kernels/cpu/conv_direct.h) and the plan that chooses them:
// forward and both backward against the naive loops of conv_reference.h at every level, in
// float32 and float64, forced and chosen; the same bits for 1, 2 and 3 threads; the same bits
// for a video convolved whole or in chunks of any length (Note [Direct convolution order]).
#include <limits>
#include <string>
#include <vector>

#include "convis/core/conv_algorithm.h"
#include "core/conv_reference.h"
#include "helpers.h"
#include "kernels/levels.h"

using namespace convis;
using convis_test::available_levels;
using convis_test::LevelGuard;
using convis_test::ThreadGuard;
using convis_test::naive_conv;
using convis_test::pattern;
using convis_test::same_bits;

namespace {

struct AlgorithmGuard {
  ConvAlgorithm before = conv_algorithm();
  ~AlgorithmGuard() { set_conv_algorithm(before); }
};

struct DirectCase {
  std::string name;
  Shape x, w, padding;
  int64_t groups;
};

// Shapes the direct kernels take: blocks of every height at the edges (rows not a multiple of
// the block), rows of one vector and a bit, temporal planes, channels and groups, padding.
std::vector<DirectCase> direct_cases() {
  return {
      {"one channel 5x7 taps", {1, 1, 6, 19, 37}, {1, 1, 3, 5, 7}, {0, 0, 0}, 1},
      {"tall kernel, rows past the block", {2, 1, 4, 29, 40}, {1, 1, 2, 11, 3}, {0, 0, 0}, 1},
      {"kernel as tall as the rows", {1, 1, 2, 9, 21}, {1, 1, 1, 9, 4}, {0, 0, 0}, 1},
      {"one tap row", {1, 1, 3, 5, 33}, {1, 1, 2, 1, 6}, {0, 0, 0}, 1},
      {"one tap column, tall", {1, 2, 3, 20, 37}, {1, 2, 2, 9, 1}, {0, 1, 0}, 1},
      {"padding in every dim", {1, 1, 5, 13, 17}, {1, 1, 3, 4, 3}, {1, 2, 1}, 1},
      {"pure temporal", {2, 1, 23, 5, 7}, {1, 1, 9, 1, 1}, {0, 0, 0}, 1},
      {"pure temporal, padded in time", {1, 2, 11, 3, 13}, {3, 2, 4, 1, 1}, {2, 0, 0}, 1},
      // A plane of 156-pixel rows (the weight gradient's view of a pure temporal kernel: rows
      // are frames) ending in a partial vector, 13 tap rows in blocks with a short last one, groups.
      {"pure temporal, chunks of pixels, groups", {2, 4, 30, 12, 13}, {2, 2, 13, 1, 1}, {1, 0, 0}, 2},
      {"pure spatial, two channels", {1, 2, 3, 18, 35}, {2, 2, 1, 7, 7}, {0, 3, 3}, 1},
      {"groups", {2, 4, 3, 10, 36}, {4, 2, 2, 3, 3}, {0, 1, 1}, 2},
      {"two samples, one channel in, three out", {2, 1, 4, 12, 50}, {3, 1, 3, 2, 5}, {1, 0, 2}, 1},
      {"blocks of output channels", {2, 3, 4, 11, 37}, {8, 3, 2, 3, 3}, {1, 1, 1}, 1},
      {"blocks of output channels in groups", {1, 4, 3, 9, 20}, {8, 2, 1, 2, 5}, {0, 1, 0}, 2},
      // Three taps per row in channel blocks (Note [One tap per row]) at avx512 (kR <= 3), avx2
      // (kR <= 2) and generic (kR = 1).
      {"3-tap channel blocks, two tap rows", {1, 2, 4, 7, 19}, {4, 2, 2, 2, 3}, {0, 0, 1}, 1},
      {"3-tap channel blocks, one tap row", {2, 2, 3, 5, 20}, {4, 2, 2, 1, 3}, {1, 0, 0}, 1},
      // Narrow rows and kT >= 7: folded frames (Note [Folded frames]) at avx512 and avx2.
      {"folded frames", {2, 2, 13, 8, 21}, {3, 2, 7, 3, 5}, {1, 0, 0}, 1},
      {"folded frames, padded, in groups", {1, 4, 16, 7, 19}, {4, 2, 8, 2, 4}, {0, 1, 1}, 2},
      // Planes of one to three rows: blocks up to 8 vectors wide (Note [Blocks of few rows]),
      // the last block overlapping its neighbour.
      {"pure temporal, one output frame", {1, 1, 9, 13, 11}, {1, 1, 9, 1, 1}, {0, 0, 0}, 1},
      {"pure temporal, two output frames", {2, 1, 6, 9, 31}, {1, 1, 5, 1, 1}, {0, 0, 0}, 1},
      {"one output row", {1, 1, 2, 3, 150}, {1, 1, 2, 3, 5}, {0, 0, 0}, 1},
  };
}

Tensor conv_of(const DirectCase& c, const Tensor& x, const Tensor& w, const Tensor& b) {
  return conv3d(x, w, b, 1, c.padding, 1, c.groups);
}

}  // namespace

TEST_CASE("direct conv3d matches the naive loops at every level, forced and chosen", "[conv][direct]") {
  LevelGuard levels;
  AlgorithmGuard algorithm;
  for (CpuCapability level : available_levels()) {
    cpu::use_cpu_capability(level);
    for (ConvAlgorithm a : {ConvAlgorithm::direct, ConvAlgorithm::automatic, ConvAlgorithm::gemm}) {
      set_conv_algorithm(a);
      for (const DirectCase& c : direct_cases()) {
        for (DType dt : {kFloat32, kFloat64}) {
          INFO(c.name << " at " << cpu_capability() << " with " << conv_algorithm_name(a) << " in " << dtype_name(dt));
          const double tol = dt == kFloat32 ? 1e-5 : 1e-12;
          Tensor x = pattern(c.x, dt), w = pattern(c.w, dt, 5), b = pattern({c.w[0]}, dt, 3);
          Tensor out = conv_of(c, x, w, b);
          Tensor g = pattern(out.sizes(), dt, 2);
          auto ref = naive_conv(x, w, {1, 1, 1}, c.padding, {1, 1, 1}, c.groups, g);
          Tensor want = ref.out + b.to(kFloat64).view({1, c.w[0], 1, 1, 1});
          CHECK_ALLCLOSE_TOL(out.to(kFloat64), want, tol, tol);
          Tensor gx = conv_backward_input(g, w, x.sizes(), 1, c.padding, 1, c.groups);
          CHECK_ALLCLOSE_TOL(gx.to(kFloat64), ref.grad_input, tol, tol);
          Tensor gw = conv_backward_weight(g, x, w.sizes(), 1, c.padding, 1, c.groups);
          CHECK_ALLCLOSE_TOL(gw.to(kFloat64), ref.grad_weight, tol, tol);
        }
      }
    }
  }
}

TEST_CASE("direct conv3d on random values: float32 within rounding of float64", "[conv][direct]") {
  LevelGuard levels;
  AlgorithmGuard algorithm;
  set_conv_algorithm(ConvAlgorithm::direct);
  manual_seed(3);
  Tensor x = randn({1, 1, 12, 31, 45}, kFloat64), w = randn({1, 1, 4, 7, 6}, kFloat64);
  Tensor g = randn({1, 1, 9, 25, 40}, kFloat64);
  auto ref = naive_conv(x, w, {1, 1, 1}, {0, 0, 0}, {1, 1, 1}, 1, g);
  for (CpuCapability level : available_levels()) {
    cpu::use_cpu_capability(level);
    INFO("at " << cpu_capability());
    CHECK_ALLCLOSE_TOL(conv3d(x, w), ref.out, 1e-12, 1e-12);
    CHECK_ALLCLOSE_TOL(conv3d(x.to(kFloat32), w.to(kFloat32)).to(kFloat64), ref.out, 1e-4, 1e-4);
    CHECK_ALLCLOSE_TOL(conv_backward_input(g, w, x.sizes()), ref.grad_input, 1e-12, 1e-12);
    CHECK_ALLCLOSE_TOL(conv_backward_weight(g, x, w.sizes()), ref.grad_weight, 1e-10, 1e-10);
  }
}

TEST_CASE("direct conv3d gives the same bits for 1, 2 and 3 threads", "[conv][direct]") {
  LevelGuard levels;
  AlgorithmGuard algorithm;
  ThreadGuard threads;
  set_conv_algorithm(ConvAlgorithm::direct);
  manual_seed(5);
  // {1, 1, 40, 1, 1}: one output frame of a temporal kernel, blocks of one row 8 vectors wide
  // (Note [Blocks of few rows]) split into column chunks between the threads.
  for (const Shape& wshape :
       {Shape{1, 1, 5, 9, 9}, Shape{2, 1, 17, 1, 1}, Shape{8, 2, 3, 3, 3}, Shape{1, 1, 8, 3, 5}, Shape{1, 1, 40, 1, 1}}) {
    const bool folded = wshape[2] == 8;  // 19-pixel output rows: folded frames
    Tensor x = randn({2, wshape[1], 40, folded ? 10 : 45, folded ? 23 : 47}), w = randn(wshape), b = randn({wshape[0]});
    Tensor out = conv3d(x, w, b);
    Tensor g = randn(out.sizes());
    for (CpuCapability level : available_levels()) {
      cpu::use_cpu_capability(level);
      set_num_threads(1);
      Tensor y1 = conv3d(x, w, b), gx1 = conv_backward_input(g, w, x.sizes()), gw1 = conv_backward_weight(g, x, w.sizes());
      for (int n : {2, 3}) {
        set_num_threads(n);
        INFO("weight " << wshape << " at " << cpu_capability() << " on " << n << " threads");
        CHECK(same_bits(conv3d(x, w, b), y1));
        CHECK(same_bits(conv_backward_input(g, w, x.sizes()), gx1));
        CHECK(same_bits(conv_backward_weight(g, x, w.sizes()), gw1));
      }
    }
  }
}

TEST_CASE("direct conv3d of a video in chunks of any length gives the bits of one call", "[conv][direct]") {
  LevelGuard levels;
  AlgorithmGuard algorithm;
  manual_seed(7);
  const int64_t kt = 8, frames = 23;
  // The temporal kernel's single output frames take wide blocks of one row, the whole call
  // blocks of 7 rows (Note [Blocks of few rows]): the same bits.
  for (const Shape& wshape : {Shape{2, 1, kt, 5, 5}, Shape{4, 2, kt, 3, 2}, Shape{2, 1, kt, 3, 5}, Shape{1, 1, kt, 1, 1}}) {
    const bool folded = wshape[3] == 3;  // 18 x 19 output frames: folded
    Tensor x = randn({1, wshape[1], frames, 20, folded ? 23 : 34}), w = randn(wshape), b = randn({wshape[0]});
    for (ConvAlgorithm a : {ConvAlgorithm::direct, ConvAlgorithm::automatic}) {
      set_conv_algorithm(a);
      for (CpuCapability level : available_levels()) {
        cpu::use_cpu_capability(level);
        Tensor whole = conv3d(x, w, b);
        for (int64_t chunk : {1, 2, 5, 17}) {
          std::vector<Tensor> parts;  // output frames [t, t + chunk) need input frames [t, t + chunk + kt - 1)
          for (int64_t t = 0; t < frames - kt + 1; t += chunk) {
            const int64_t n = std::min(chunk, frames - kt + 1 - t);
            parts.push_back(conv3d(x.slice(2, t, t + n + kt - 1), w, b));
          }
          INFO("weight " << wshape << ", chunks of " << chunk << " at " << cpu_capability() << " with "
                         << conv_algorithm_name(a));
          CHECK(same_bits(cat(parts, 2), whole));
        }
      }
    }
  }
}

TEST_CASE("the convolution algorithm setting", "[conv][direct]") {
  AlgorithmGuard algorithm;
  set_conv_algorithm(ConvAlgorithm::gemm);
  CHECK(conv_algorithm() == ConvAlgorithm::gemm);
  CHECK(conv_algorithm_name(conv_algorithm()) == "gemm");
  CHECK(conv_algorithm_from_name("direct") == ConvAlgorithm::direct);
  CHECK(conv_algorithm_from_name("auto") == ConvAlgorithm::automatic);
  CHECK_THROWS_WITH(conv_algorithm_from_name("fast"), Catch::Contains("[CONVIS_CONV_ALGO]") &&
                                                          Catch::Contains("expected auto, direct or gemm, got 'fast'"));
  // A forced direct algorithm gives way where it cannot run: a stride, a dilation, narrow rows.
  set_conv_algorithm(ConvAlgorithm::direct);
  Tensor x = pattern({1, 2, 5, 9, 5}, kFloat64), w = pattern({2, 2, 2, 3, 3}, kFloat64, 1);
  auto strided = naive_conv(x, w, {1, 2, 1}, {0, 1, 0}, {1, 1, 2}, 1);
  CHECK_ALLCLOSE_TOL(conv3d(x, w, {}, {1, 2, 1}, {0, 1, 0}, {1, 1, 2}), strided.out, 1e-12, 1e-12);
  auto narrow = naive_conv(x, w, {1, 1, 1}, {0, 0, 0}, {1, 1, 1}, 1);
  CHECK_ALLCLOSE_TOL(conv3d(x, w), narrow.out, 1e-12, 1e-12);
}

TEST_CASE("direct conv3d weight gradient: an infinity reaches only the taps that meet it", "[conv][direct]") {
  // Input column 22 (the last) meets only tap column kw = 3 (x = 22 - kw < 20 output columns);
  // the partial vectors at the row's end must not multiply it into the other taps.
  LevelGuard levels;
  AlgorithmGuard algorithm;
  set_conv_algorithm(ConvAlgorithm::direct);
  Tensor x = pattern({1, 1, 3, 9, 23}, kFloat32), w = pattern({1, 1, 2, 3, 4}, kFloat32, 1);
  x.index_put_({0, 0, 1, 4, 22}, std::numeric_limits<double>::infinity());
  Tensor g = pattern({1, 1, 2, 7, 20}, kFloat32, 2).abs() + 1.0;
  for (CpuCapability level : available_levels()) {
    cpu::use_cpu_capability(level);
    INFO("at " << cpu_capability());
    Tensor gw = conv_backward_weight(g, x, w.sizes());
    Tensor finite = isfinite(gw);
    CHECK(all(finite.slice(4, 0, 3)).item<bool>());
    CHECK_FALSE(all(finite.slice(4, 3, 4)).item<bool>());
  }
}

TEST_CASE("conv1d and conv2d take the direct kernels too", "[conv][direct]") {
  LevelGuard levels;
  AlgorithmGuard algorithm;
  set_conv_algorithm(ConvAlgorithm::direct);
  Tensor x2 = pattern({2, 2, 13, 40}, kFloat64), w2 = pattern({3, 2, 5, 3}, kFloat64, 1);
  Tensor x1 = pattern({2, 3, 45}, kFloat64), w1 = pattern({4, 3, 6}, kFloat64, 2);
  Tensor g2 = pattern({2, 3, 13, 40}, kFloat64, 3), g1 = pattern({2, 4, 40}, kFloat64, 4);
  auto ref2 = naive_conv(x2, w2, {1, 1}, {2, 1}, {1, 1}, 1, g2);
  auto ref1 = naive_conv(x1, w1, {1}, {0}, {1}, 1, g1);
  for (CpuCapability level : available_levels()) {
    cpu::use_cpu_capability(level);
    INFO("at " << cpu_capability());
    CHECK_ALLCLOSE_TOL(conv2d(x2, w2, {}, 1, {2, 1}), ref2.out, 1e-12, 1e-12);
    CHECK_ALLCLOSE_TOL(conv_backward_input(g2, w2, x2.sizes(), 1, {2, 1}), ref2.grad_input, 1e-12, 1e-12);
    CHECK_ALLCLOSE_TOL(conv_backward_weight(g2, x2, w2.sizes(), 1, {2, 1}), ref2.grad_weight, 1e-12, 1e-12);
    CHECK_ALLCLOSE_TOL(conv1d(x1, w1), ref1.out, 1e-12, 1e-12);
    CHECK_ALLCLOSE_TOL(conv_backward_input(g1, w1, x1.sizes()), ref1.grad_input, 1e-12, 1e-12);
    CHECK_ALLCLOSE_TOL(conv_backward_weight(g1, x1, w1.sizes()), ref1.grad_weight, 1e-12, 1e-12);
  }
}

TEST_CASE("gradcheck and gradgradcheck of conv3d through the direct kernels (float64)", "[conv][direct]") {
  AlgorithmGuard algorithm;
  set_conv_algorithm(ConvAlgorithm::direct);
  manual_seed(9);
  auto grad = dtype(kFloat64).requires_grad(true);
  // Output rows of 10 and 9: at least one float64 vector wide at every level.
  Tensor x = randn({1, 2, 4, 5, 12}, grad), w = randn({4, 2, 2, 3, 3}, grad), b = randn({4}, grad);
  convis_test::check_gradients_twice(
      [](const std::vector<Tensor>& in) { return conv3d(in[0], in[1], in[2], 1, {0, 1, 0}); }, {x, w, b});
  Tensor xt = randn({1, 1, 9, 2, 6}, grad), wt = randn({1, 1, 4, 1, 1}, grad);  // temporal planes
  convis_test::check_gradients_twice([](const std::vector<Tensor>& in) { return conv3d(in[0], in[1]); }, {xt, wt});
}

TEST_CASE("conv3d reads inputs strided between samples and channels in place", "[conv][direct]") {
  // Note [Strided conv input]: views whose (sample, channel) blocks are contiguous give the
  // bits of their contiguous copies, through every algorithm; other views are copied first.
  AlgorithmGuard algorithm;
  Tensor video = pattern({2, 4, 20, 9, 37}, kFloat32);
  Tensor one = pattern({1, 1, 6, 9, 37}, kFloat32, 3);
  struct View {
    std::string name;
    Tensor x, w;
    Shape padding;
  };
  const std::vector<View> views = {
      {"time slice, channel blocks", video.slice(2, 3, 12), pattern({8, 4, 3, 3, 3}, kFloat32, 1), {0, 1, 1}},
      {"time slice, unpadded", video.slice(2, 5, 11), pattern({2, 4, 2, 5, 7}, kFloat32, 1), {0, 0, 0}},
      {"time slice, temporal planes", video.slice(2, 2, 19), pattern({3, 4, 5, 1, 1}, kFloat32, 1), {1, 0, 0}},
      {"channel slice", video.slice(1, 1, 3), pattern({3, 2, 2, 5, 5}, kFloat32, 1), {0, 2, 0}},
      {"expanded (stride 0)", one.expand({2, 3, 6, 9, 37}), pattern({2, 3, 2, 3, 3}, kFloat32, 1), {0, 0, 1}},
      {"rows transposed (copied)", video.slice(2, 0, 4).transpose(3, 4), pattern({2, 4, 2, 3, 3}, kFloat32, 1),
       {0, 0, 0}},
  };
  for (const View& v : views) {
    REQUIRE_FALSE(v.x.is_contiguous());
    for (ConvAlgorithm a : {ConvAlgorithm::automatic, ConvAlgorithm::direct, ConvAlgorithm::gemm}) {
      set_conv_algorithm(a);
      INFO(v.name << ", " << conv_algorithm_name(a));
      CHECK(same_bits(conv3d(v.x, v.w, {}, 1, v.padding), conv3d(v.x.contiguous(), v.w, {}, 1, v.padding)));
    }
  }
  // conv2d of an unbatched [C, H, W] channel slice.
  Tensor image = pattern({5, 11, 40}, kFloat64), w2 = pattern({2, 3, 3, 4}, kFloat64, 1);
  CHECK(same_bits(conv2d(image.slice(0, 1, 4), w2, {}, 1, {1, 0}), conv2d(image.slice(0, 1, 4).contiguous(), w2, {}, 1,
                                                                          {1, 0})));
  // In place: the direct kernel on an unpadded time slice allocates only the output.
  set_conv_algorithm(ConvAlgorithm::direct);
  const Tensor slice = video.slice(2, 5, 11), w = pattern({2, 4, 2, 5, 7}, kFloat32, 1);
  const int64_t before = cpu_memory_stats().allocations;
  Tensor y = conv3d(slice, w);
  CHECK(cpu_memory_stats().allocations - before == 1);
}
