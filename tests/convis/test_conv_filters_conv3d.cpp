// filters::Conv3d: same size, impulse response = weight, first-frame padding, replicate
// borders, exact chunking, state rules, set_weight, gradients (docs/convis-toolbox.md 1.4 and
// section 2 items 2-6, 9-11, 17).
#include <cmath>
#include <sstream>

#include "helpers.h"

#include "convis/nn/convis/filters/conv3d.h"

using namespace convis;
using namespace convis::filters;
using convis_test::chunked;
using convis_test::values;

namespace {

std::shared_ptr<Conv3dImpl> random_conv(Shape k, int64_t in = 1, int64_t out = 1, DType dtype = kFloat64) {
  Conv3d conv(in, out, k);
  conv->to(dtype);
  conv->set_weight(randn({out, in, k[0], k[1], k[2]}, dtype));
  convis_test::set_no_grad(conv->bias, randn({out}, dtype));
  return conv;
}

}  // namespace

TEST_CASE("Conv3d: zero weight and bias, documented parameters, same-size output", "[convis][conv_filters]") {
  Conv3d conv(1, 1, Shape{10, 5, 4});
  CHECK(conv->weight.sizes() == Shape{1, 1, 10, 5, 4});
  CHECK(conv->weight.abs().sum().item<double>() == 0.0);
  CHECK(conv->bias.sizes() == Shape{1});
  CHECK(conv->bias.item<double>() == 0.0);
  CHECK(conv->weight.requires_grad());
  CHECK(conv->named_parameters().size() == 2);
  CHECK_FALSE(conv->parameter_doc("weight").empty());
  CHECK_FALSE(conv->parameter_doc("bias").empty());
  CHECK(conv->filter_length() == 9);
  CHECK(conv->kernel_size() == Shape{10, 5, 4});
  CHECK(conv->numel() == 200);
  for (Shape k : {Shape{1, 1, 1}, Shape{3, 3, 3}, Shape{10, 5, 4}, Shape{4, 10, 9}}) {
    auto c = random_conv(k, 1, 1, kFloat32);
    CHECK(c->forward(rand({2, 1, 12, 11, 8})).sizes() == Shape{2, 1, 12, 11, 8});
  }
  Conv3d nobias(2, 3, Shape{1, 1, 1}, false);
  CHECK_FALSE(nobias->bias.defined());
  CHECK(nobias->parameters().size() == 1);
  CHECK(nobias->forward(rand({1, 2, 3, 4, 4})).sizes() == Shape{1, 3, 3, 4, 4});
  Conv3d valid(1, 1, Shape{3, 3, 3}, true, /*time_pad=*/false, /*autopad=*/false);
  CHECK(valid->forward(rand({1, 1, 6, 5, 5})).sizes() == Shape{1, 1, 4, 3, 3});
  std::ostringstream printed;
  printed << *valid;
  CHECK(printed.str() == "convis::filters::Conv3d(1, 1, kernel_size=[3, 3, 3], time_pad=false, autopad=false)");
}

TEST_CASE("Conv3d: the impulse response equals the weight, with r = n - 1 - floor(n/2)", "[convis][conv_filters]") {
  const Shape kernels[] = {{4, 5, 9}, {5, 9, 10}, {9, 10, 4}, {10, 4, 5}, {1, 1, 1}};
  for (const Shape& k : kernels) {
    INFO("kernel " << k);
    manual_seed(int64_t(k[0]));
    Tensor w = randn({k[0], k[1], k[2]}, kFloat64);
    Conv3d conv(1, 1, k);
    conv->to(kFloat64);
    conv->set_weight(w);
    const int64_t T = 24, X = 21, Y = 22, t0 = 6, x0 = 10, y0 = 11;
    conv->forward(zeros({1, 1, 5, X, Y}, kFloat64));  // warm-up on zeros
    Tensor x = zeros({1, 1, T, X, Y}, kFloat64);
    x.index_put_({0, 0, t0, x0, y0}, 1.0);
    Tensor out = chunked(*conv, x, 7);
    Tensor expected = zeros({1, 1, T, X, Y}, kFloat64);
    int64_t rx = k[1] - 1 - k[1] / 2, ry = k[2] - 1 - k[2] / 2;
    expected.narrow(2, t0, k[0]).narrow(3, x0 - rx, k[1]).narrow(4, y0 - ry, k[2]).copy_(w.reshape({1, 1, k[0], k[1], k[2]}));
    CHECK_ALLCLOSE_TOL(out, expected, 0, 1e-12);
    // the stored weight is the flipped kernel
    CHECK_ALLCLOSE(conv->weight[0][0], w.flip({0, 1, 2}));
  }
}

TEST_CASE("Conv3d: a fresh layer pads its first chunk with copies of frame 0", "[convis][conv_filters]") {
  manual_seed(3);
  auto conv = random_conv({10, 3, 3});
  Tensor x = randn({1, 1, 20, 6, 5}, kFloat64);
  Tensor padded = cat({x.narrow(2, 0, 1).expand({1, 1, 9, 6, 5}), x}, 2);
  padded = pad(padded, {1, 1, 1, 1, 0, 0}, PadMode::replicate);
  Tensor manual = conv3d(padded, conv->weight, conv->bias);
  CHECK_ALLCLOSE_TOL(conv->forward(x), manual, 0, 1e-12);
  // zero padding in time would differ in the first kT - 1 frames
  conv->clear_state();
  Tensor zero_padded = pad(pad(x, {0, 0, 0, 0, 9, 0}), {1, 1, 1, 1, 0, 0}, PadMode::replicate);
  Tensor by_zeros = conv3d(zero_padded, conv->weight, conv->bias);
  CHECK(amax(abs(conv->forward(x) - by_zeros)).item<double>() > 1e-3);
  // a constant input c gives c * sum(w) + b from t = 0 on, at every pixel, borders included
  conv->clear_state();
  Tensor out = conv->forward(full({1, 1, 15, 7, 8}, 2.5, kFloat64));
  double expected = 2.5 * conv->weight.sum().item<double>() + conv->bias.item<double>();
  CHECK_ALLCLOSE_TOL(out, full({1, 1, 15, 7, 8}, expected, kFloat64), 0, 1e-12);
}

TEST_CASE("Conv3d: replicate, reflect and constant spatial padding", "[convis][conv_filters]") {
  manual_seed(4);
  Tensor x = randn({1, 1, 3, 7, 6}, kFloat64);
  for (PadMode mode : {PadMode::replicate, PadMode::reflect, PadMode::constant}) {
    Conv3d conv(1, 1, Shape{1, 4, 5}, true, true, true, mode);
    conv->to(kFloat64);
    conv->set_weight(randn({4, 5}, kFloat64));
    // pads: floor(n/2) before, n - 1 - floor(n/2) after
    CHECK(conv->kernel_padding() == Shape{2, 2, 2, 1, 0, 0});
    Tensor manual = conv3d(pad(x, {2, 2, 2, 1, 0, 0}, mode), conv->weight, conv->bias);
    CHECK_ALLCLOSE_TOL(conv->forward(x), manual, 0, 1e-12);
  }
  // with constant (zero) padding a constant input falls off at the borders
  Conv3d zero_pad(1, 1, Shape{1, 3, 3}, true, true, true, PadMode::constant);
  zero_pad->set_weight(1.0);
  auto v = values(zero_pad->forward(ones({1, 1, 1, 4, 4})));
  CHECK(v[0] == 4.0);   // corner: 2 x 2 ones
  CHECK(v[5] == 9.0);   // inside
}

TEST_CASE("Conv3d: chunked output equals the one-call output exactly, for every chunk size 1..T",
          "[convis][conv_filters]") {
  for (Shape k : {Shape{10, 3, 3}, Shape{10, 4, 5}}) {
    for (Shape frame : {Shape{6, 6}, Shape{5, 7}}) {
      INFO("kernel " << k << " frame " << frame);
      manual_seed(5);
      auto conv = random_conv(k);
      Tensor x = randn({1, 1, 40, frame[0], frame[1]}, kFloat64);
      Tensor whole = conv->forward(x);
      for (int64_t dt = 1; dt <= 40; ++dt) {
        INFO("chunk size " << dt);
        conv->clear_state();
        CHECK(equal(chunked(*conv, x, dt), whole));
      }
    }
  }
  // float32, two channels, batch 2, 200 frames in chunks of 50 and 7
  manual_seed(6);
  auto conv = random_conv({10, 3, 3}, 2, 3, kFloat32);
  Tensor x = randn({2, 2, 200, 5, 4});
  Tensor whole = conv->forward(x);
  for (int64_t dt : {50, 7, 1}) {
    conv->clear_state();
    CHECK_ALLCLOSE_TOL(chunked(*conv, x, dt), whole, 1e-6, 1e-6);
  }
}

TEST_CASE("Conv3d: the history is one fixed-size state slot; A then B equals A||B", "[convis][conv_filters]") {
  manual_seed(7);
  auto conv = random_conv({6, 3, 3});
  Tensor a = randn({1, 1, 13, 5, 5}, kFloat64), b = randn({1, 1, 4, 5, 5}, kFloat64);
  CHECK_FALSE(conv->state("history").defined());
  conv->forward(a);
  CHECK(conv->state("history").sizes() == Shape{1, 1, 5, 5, 5});
  CHECK(equal(conv->state("history"), a.narrow(2, 8, 5)));
  Tensor out_b = conv->forward(b);
  CHECK(conv->state("history").sizes() == Shape{1, 1, 5, 5, 5});
  conv->clear_state();
  Tensor both = conv->forward(cat({a, b}, 2));
  CHECK(equal(out_b, both.narrow(2, 13, 4)));
  // clear_state gives the fresh behaviour back
  conv->clear_state();
  Tensor fresh_b = conv->forward(b);
  conv->clear_state();
  CHECK(equal(conv->forward(b), fresh_b));
  CHECK_FALSE(equal(fresh_b, out_b));
  // get_state names the slot
  CHECK(conv->get_state().contains("history"));
}

TEST_CASE("Conv3d: push_state / pop_state restore the convolution history", "[convis][conv_filters]") {
  manual_seed(8);
  auto conv = random_conv({5, 1, 1});
  Tensor a = randn({1, 1, 9, 3, 3}, kFloat64), b = randn({1, 1, 6, 3, 3}, kFloat64);
  conv->forward(a);
  conv->push_state();
  Tensor first = conv->forward(b);
  conv->pop_state();
  Tensor second = conv->forward(b);
  CHECK(equal(first, second));
}

TEST_CASE("Conv3d: no gradient through the history; parameter gradients within a chunk", "[convis][conv_filters]") {
  manual_seed(9);
  auto conv = random_conv({5, 3, 3});
  Tensor x1 = randn({1, 1, 8, 4, 4}, kFloat64).requires_grad_(true);
  Tensor x2 = randn({1, 1, 8, 4, 4}, kFloat64).requires_grad_(true);
  conv->forward(x1);
  CHECK_FALSE(conv->state("history").requires_grad());
  conv->forward(x2).pow(2).sum().backward();
  CHECK((!x1.grad().defined() || x1.grad().abs().sum().item<double>() == 0.0));
  CHECK(x2.grad().abs().sum().item<double>() > 0);
  CHECK(conv->weight.grad().abs().sum().item<double>() > 0);
  CHECK(conv->bias.grad().abs().sum().item<double>() > 0);
}

TEST_CASE("Conv3d: gradcheck for input, weight and bias (f64)", "[convis][conv_filters]") {
  manual_seed(10);
  for (bool fresh : {true, false}) {
    INFO("fresh " << fresh);
    auto conv = random_conv({3, 2, 3}, 2, 2);
    Tensor history = randn({1, 2, 4, 3, 4}, kFloat64);
    Tensor x = randn({1, 2, 3, 3, 4}, kFloat64).requires_grad_(true);
    auto f = [&](const autograd::variable_list& in) {
      conv->clear_state();
      if (!fresh) conv->forward(history);
      return conv->forward(in[0]);
    };
    auto r = autograd::gradcheck(f, {x, conv->weight, conv->bias});
    INFO(r.message);
    CHECK(r.ok);
  }
}

TEST_CASE("Conv3d.set_weight: numbers, 1-D, 2-D, 3-D and 5-D kernels; normalize; flip", "[convis][conv_filters]") {
  Conv3d conv(1, 1, Shape{2, 3, 3});
  conv->set_weight(2.0);
  CHECK(conv->weight.sum().item<double>() == Approx(36.0));
  conv->set_weight(2.0, /*normalize=*/true);
  CHECK(conv->weight.sum().item<double>() == Approx(1.0));
  conv->set_weight(tensor({1.0, 2.0, 3.0}));
  CHECK(conv->weight.sizes() == Shape{1, 1, 3, 1, 1});
  CHECK(values(conv->weight) == std::vector<double>{3, 2, 1});
  conv->set_weight(tensor({1.0, 2.0, 3.0}), false, /*flip=*/false);
  CHECK(values(conv->weight) == std::vector<double>{1, 2, 3});
  conv->set_weight(tensor({1.0, 2.0, 3.0, 4.0}).reshape({2, 2}), /*normalize=*/true);
  CHECK(conv->weight.sizes() == Shape{1, 1, 1, 2, 2});
  CHECK_ALLCLOSE(conv->weight.reshape({4}), tensor({0.4, 0.3, 0.2, 0.1}));
  conv->set_weight(ones({4, 3, 2}));
  CHECK(conv->kernel_size() == Shape{4, 3, 2});
  CHECK(conv->filter_length() == 3);
  // 5-D: the channel counts follow, the bias too
  conv->set_weight(ones({3, 2, 1, 1, 1}));
  CHECK(conv->in_channels() == 2);
  CHECK(conv->out_channels() == 3);
  CHECK(conv->bias.sizes() == Shape{3});
  CHECK(conv->forward(ones({1, 2, 4, 3, 3})).sizes() == Shape{1, 3, 4, 3, 3});
  CHECK(values(conv->forward(ones({1, 2, 1, 1, 1}))) == std::vector<double>{2, 2, 2});
  // preserve_channels repeats a small kernel for every channel pair
  conv->set_weight(full({2, 2}, 0.5), false, true, /*preserve_channels=*/true);
  CHECK(conv->weight.sizes() == Shape{3, 2, 1, 2, 2});
  // without it a small kernel makes the layer 1 -> 1
  conv->set_weight(ones({2}));
  CHECK(conv->weight.sizes() == Shape{1, 1, 2, 1, 1});
  CHECK(conv->bias.sizes() == Shape{1});
  // the registered parameter is still the member
  CHECK(conv->named_parameters()["weight"].is_same(conv->weight));
  CHECK_THROWS_WITH(conv->set_weight(ones({1, 1, 1, 1})), Catch::Contains("[Conv3d.set_weight] expected a non-empty 1-D"));
  CHECK_THROWS_WITH(conv->set_weight(tensor({1.0, -1.0}), true), Catch::Contains("non-zero sum"));
}

TEST_CASE("Conv3d: exponential, highpass_exponential and gaussian set the kernel", "[convis][conv_filters]") {
  Conv3d conv;
  conv->exponential(0.01);
  CHECK(conv->kernel_size() == Shape{47, 1, 1});
  CHECK(conv->filter_length() == 46);
  // impulse response = the exponential kernel (causal low-pass)
  Tensor x = zeros({1, 1, 60, 1, 1});
  x.index_put_({0, 0, 5, 0, 0}, 1.0f);
  conv->clear_state();
  Tensor out = conv->forward(x).reshape({60});
  CHECK_ALLCLOSE(out.narrow(0, 5, 47), exponential_filter_1d(0.01));
  CHECK(out.narrow(0, 0, 5).abs().sum().item<double>() == 0.0);
  conv->highpass_exponential(0.02, 0.7);
  CHECK(conv->kernel_size() == Shape{73, 1, 1});
  CHECK(conv->weight.sum().item<double>() == Approx(0.316).margin(5e-4));
  conv->gaussian(0.1);
  CHECK(conv->kernel_size() == Shape{1, 7, 7});
  CHECK_ALLCLOSE(conv->weight.reshape({7, 7}), gauss_filter_2d(0.1, 0.1));
}

TEST_CASE("Conv3d: clear errors for a new frame size, wrong channels and bad arguments", "[convis][conv_filters]") {
  Conv3d conv(1, 1, Shape{3, 1, 1});
  conv->forward(zeros({1, 1, 4, 5, 5}));
  CHECK_THROWS_WITH(conv->forward(zeros({1, 1, 4, 6, 5})),
                    Catch::Contains("[Conv3d] expected input frames") && Catch::Contains("call clear_state()"));
  conv->clear_state();
  CHECK(conv->forward(zeros({1, 1, 4, 6, 5})).sizes() == Shape{1, 1, 4, 6, 5});
  CHECK_THROWS_WITH(conv->forward(zeros({1, 2, 4, 6, 5})), Catch::Contains("in_channels=1"));
  CHECK_THROWS_WITH(conv->forward(zeros({1, 1, 0, 6, 5})), Catch::Contains("at least one frame"));
  CHECK_THROWS_WITH(conv->forward(zeros({4, 6, 5})), Catch::Contains("[Conv3d] expected a 5-D input"));
  CHECK_THROWS_WITH(Conv3dImpl(1, 1, {3, 3}), Catch::Contains("[Conv3d] expected a kernel_size of three positive values"));
  CHECK_THROWS_WITH(Conv3dImpl(0, 1), Catch::Contains("[Conv3d] expected at least one input and output channel"));
  Conv3d valid(1, 1, Shape{3, 1, 1}, true, false);
  CHECK_THROWS_WITH(valid->forward(zeros({1, 1, 2, 3, 3})), Catch::Contains("at least kT=3 frames"));
}

TEST_CASE("Conv3d through Layer: (T, X, Y) input is broadcast; run(x, dt) equals one call", "[convis][conv_filters]") {
  manual_seed(14);
  auto conv = random_conv({10, 3, 3}, 1, 1, kFloat32);
  Tensor video = rand({200, 8, 8});
  Tensor whole = (*conv)(video);
  CHECK(whole.sizes() == Shape{1, 1, 200, 8, 8});
  for (int64_t dt : {50, 7, 1}) {
    INFO("dt " << dt);
    conv->clear_state();
    Output o = conv->run(video, dt);
    CHECK(o[0].sizes() == Shape{1, 1, 200, 8, 8});
    CHECK_ALLCLOSE_TOL(o[0], whole, 1e-6, 1e-6);
  }
}

// Note [Streaming window]: without gradients, chunks run in a padded window in place.
TEST_CASE("Conv3d without gradients: the window path gives the bits of the differentiable path", "[convis][conv_filters]") {
  for (PadMode mode : {PadMode::replicate, PadMode::reflect, PadMode::constant, PadMode::circular}) {
    for (Shape k : {Shape{10, 3, 3}, Shape{7, 4, 5}, Shape{1, 5, 3}}) {
      INFO("mode " << pad_mode_name(mode) << " kernel " << k);
      manual_seed(15);
      auto conv = random_conv(k, 2, 3);
      conv->autopad_mode = mode;
      Tensor x = randn({2, 2, 23, 6, 7}, kFloat64);
      Tensor want = conv->forward(x).detach();  // weight requires grad: the differentiable path
      for (int64_t dt : {1, 2, 5, 9, 23}) {
        INFO("chunk size " << dt);
        NoGradGuard no_grad;
        conv->clear_state();
        CHECK(equal(chunked(*conv, x, dt), want));
        if (k[0] > 1) CHECK(equal(conv->state("history"), x.narrow(2, 23 - k[0] + 1, k[0] - 1)));
        else CHECK_FALSE(conv->state("history").defined());  // a spatial kernel keeps no history
      }
    }
  }
}

TEST_CASE("Conv3d without gradients: state API, chunk lengths that change, float32", "[convis][conv_filters]") {
  manual_seed(16);
  auto conv = random_conv({6, 3, 3}, 1, 1, kFloat32);
  Tensor a = randn({1, 1, 9, 8, 8}), b = randn({1, 1, 4, 8, 8}), c = randn({1, 1, 11, 8, 8});
  Tensor want_abc = conv->forward(cat({a, b, c}, 2)).detach();
  conv->clear_state();
  NoGradGuard no_grad;
  Tensor out = cat({conv->forward(a), conv->forward(b), conv->forward(c)}, 2);
  CHECK(equal(out, want_abc));
  // push / pop restore the window's history; a history set from outside is read
  conv->clear_state();
  conv->forward(a);
  conv->push_state();
  Tensor first = conv->forward(b);
  conv->forward(c);
  conv->pop_state();
  Tensor history = conv->get_state()["history"].clone();  // after a
  CHECK(equal(conv->forward(b), first));
  conv->clear_state();
  conv->forward(c);
  conv->set_state({{"history", history}});
  CHECK(equal(conv->forward(b), first));
}

TEST_CASE("Conv3d without gradients: a chunk allocates only its output after the first", "[convis][conv_filters]") {
  manual_seed(17);
  auto conv = random_conv({10, 7, 7}, 1, 1, kFloat32);
  Tensor x = randn({1, 1, 40, 20, 20});
  NoGradGuard no_grad;
  conv->forward(x.narrow(2, 0, 5));
  conv->forward(x.narrow(2, 5, 5));
  const int64_t before = cpu_memory_stats().allocations;
  for (int64_t t = 10; t < 40; t += 5) conv->forward(x.narrow(2, t, 5));
  CHECK(cpu_memory_stats().allocations - before == 6);  // six outputs, nothing else
}
