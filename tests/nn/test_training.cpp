// The two training examples (examples/training.h) learn for real, and deterministically.
#include "helpers.h"

#include "convis/examples/training.h"

TEST_CASE("an MLP learns two spirals to >= 95% training accuracy", "[nn][training]") {
  convis::examples::TrainResult r = convis::examples::train_spiral_mlp(80);
  CHECK(r.first_loss > 0.6);  // chance level: ln 2
  CHECK(r.final_loss < 0.1);
  CHECK(r.accuracy >= 0.95);
  convis::examples::TrainResult again = convis::examples::train_spiral_mlp(80);
  CHECK(again.final_loss == r.final_loss);  // seeded: the same numbers every run
}

TEST_CASE("a Conv3d network tells bars moving left from bars moving right", "[nn][training]") {
  convis::examples::TrainResult r = convis::examples::train_moving_bars(15);
  CHECK(r.first_loss > 0.6);
  CHECK(r.final_loss < 0.05);
  CHECK(r.accuracy >= 0.95);
  CHECK(r.test_accuracy >= 0.95);
}
