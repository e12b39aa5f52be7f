// examples/train_spiral.cpp: an MLP learns two interleaved spirals (see examples/training.h).
// Run: ./build/examples/train_spiral
#include <chrono>

#include "convis/examples/training.h"

int main() {
  auto t0 = std::chrono::steady_clock::now();
  convis::examples::TrainResult r = convis::examples::train_spiral_mlp(80, /*verbose=*/true);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("final: loss %.4f, training accuracy %.3f, %.2f s\n", r.final_loss, r.accuracy, s);
  return r.accuracy >= 0.95 ? 0 : 1;
}
