// examples/train_moving_bars.cpp: a Conv3d network learns to tell bars moving left from bars
// moving right (see examples/training.h).  Run: ./build/examples/train_moving_bars
#include <chrono>

#include "convis/examples/training.h"

int main() {
  auto t0 = std::chrono::steady_clock::now();
  convis::examples::TrainResult r = convis::examples::train_moving_bars(15, /*verbose=*/true);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("final: loss %.4f, training accuracy %.3f, accuracy on 256 new videos %.3f, %.2f s\n", r.final_loss,
              r.accuracy, r.test_accuracy, s);
  return r.accuracy >= 0.95 ? 0 : 1;
}
