// examples/training.h: two small problems that train for real, shared by the example
// programs (examples/train_spiral.cpp, examples/train_moving_bars.cpp) and the test that
// asserts their results (tests/nn/test_training.cpp).
//
//   TrainResult r = convis::examples::train_spiral_mlp(/*epochs=*/80, /*verbose=*/true);
//   r.accuracy   // training accuracy after the last epoch, >= 0.95
//
// Both are seeded, so every run prints and returns the same numbers.
#pragma once

#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <numbers>

#include "convis/convis.h"

namespace convis::examples {

struct TrainResult {
  double first_loss = 0;
  double final_loss = 0;
  double accuracy = 0;       // fraction of training samples classified right
  double test_accuracy = -1;  // on fresh samples, where the problem has them
};

// Fraction of rows of `logits` whose argmax equals `labels`.
inline double accuracy(const Tensor& logits, const Tensor& labels) {
  return logits.argmax(1).eq(labels).to(kFloat64).mean().item<double>();
}

// Mini-batch training with Adam and cross-entropy: each epoch visits every sample once in a
// fresh random order, in batches of `batch` samples; one progress line per epoch.
inline TrainResult fit(nn::Module& model, const std::function<Tensor(const Tensor&)>& forward, const Tensor& x,
                       const Tensor& labels, int epochs, int64_t batch, double lr, bool verbose) {
  optim::Adam opt(model.parameters(), optim::AdamOptions(lr));
  TrainResult r;
  const int64_t n = x.size(0);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    Tensor order = randperm(n);
    double total = 0;
    for (int64_t start = 0; start < n; start += batch) {
      Tensor idx = order.slice(0, start, std::min(start + batch, n));
      opt.zero_grad();
      Tensor loss = nn::functional::cross_entropy(forward(x.index_select(0, idx)), labels.index_select(0, idx));
      loss.backward();
      opt.step();
      total += loss.item<double>() * double(idx.numel());
    }
    double mean_loss = total / double(n);
    if (epoch == 1) r.first_loss = mean_loss;
    r.final_loss = mean_loss;
    if (verbose) {
      NoGradGuard no_grad;
      std::printf("epoch %3d  loss %.4f  accuracy %.3f\n", epoch, mean_loss, accuracy(forward(x), labels));
    }
  }
  NoGradGuard no_grad;
  r.accuracy = accuracy(forward(x), labels);
  return r;
}

// Two interleaved spirals in the plane, `n` points each: class c at angle 3.5 pi t + c pi,
// radius t, plus a little noise.  Returns ({2n, 2} float32 points, {2n} int64 labels).
inline std::pair<Tensor, Tensor> spirals(int64_t n) {
  Tensor t = linspace(0.05, 1.0, n);
  std::vector<Tensor> xs, ys;
  for (int c = 0; c < 2; ++c) {
    Tensor angle = t * (3.5 * std::numbers::pi) + c * std::numbers::pi + randn({n}) * 0.05;
    xs.push_back(stack({t * angle.cos(), t * angle.sin()}, 1));
    ys.push_back(full({n}, int64_t(c)));
  }
  return {cat(xs), cat(ys)};
}

inline TrainResult train_spiral_mlp(int epochs = 80, bool verbose = false) {
  manual_seed(1);
  auto [x, labels] = spirals(100);
  nn::Sequential mlp(nn::Linear(2, 64), nn::Tanh(), nn::Linear(64, 64), nn::Tanh(), nn::Linear(64, 2));
  if (verbose) std::cout << *mlp << "\n";
  return fit(*mlp, [&](const Tensor& in) { return mlp(in); }, x, labels, epochs, 20, 0.02, verbose);
}

// Videos [n, 1, T=6, 7, 7] of a vertical bright bar on noise, moving one pixel per frame to
// the right (label 0) or to the left (label 1), starting at a random column.
inline std::pair<Tensor, Tensor> moving_bars(int64_t n) {
  const int64_t T = 6, H = 7, W = 7;
  Tensor video = randn({n, 1, T, H, W}) * 0.3;
  Tensor labels = randint(0, 2, {n});
  Tensor start = randint(0, W, {n});
  for (int64_t i = 0; i < n; ++i) {
    int64_t dir = labels[i].item<int64_t>() == 0 ? 1 : -1;
    for (int64_t f = 0; f < T; ++f) {
      int64_t col = ((start[i].item<int64_t>() + dir * f) % W + W) % W;  // wraps around
      video.index({i, 0, f, indexing::Slice(), col}).add_(1.0);
    }
  }
  return {video, labels};
}

// A direction-selective network: a 3x3x3 space-time convolution, ReLU, the mean response of
// each of its 4 channels, and a linear read-out.
struct BarNetImpl : nn::Module {
  BarNetImpl()
      : conv(register_module("conv", nn::Conv3d(nn::Conv3dOptions(1, 4, 3).padding(1)))),
        readout(register_module("readout", nn::Linear(4, 2))) {}
  Tensor forward(const Tensor& x) { return readout(conv(x).relu().mean({2, 3, 4})); }
  nn::Conv3d conv;
  nn::Linear readout;
};
CONVIS_MODULE(BarNet);

inline TrainResult train_moving_bars(int epochs = 15, bool verbose = false) {
  manual_seed(2);
  auto [videos, labels] = moving_bars(64);
  BarNet net;
  if (verbose) std::cout << *net << "\n";
  TrainResult r = fit(*net, [&](const Tensor& in) { return net(in); }, videos, labels, epochs, 16, 0.05, verbose);
  auto [fresh, fresh_labels] = moving_bars(256);  // bars the network never saw
  NoGradGuard no_grad;
  r.test_accuracy = accuracy(net(fresh), fresh_labels);
  return r;
}

}  // namespace convis::examples
