// nn/convis/models/sample_generator.h: synthetic fitting data from an LN "teacher"
// (docs/convis-toolbox.md 1.8, convis.samples.SampleGenerator).
//
//   convis::manual_seed(1);
//   convis::models::SampleGenerator teacher(Shape{5, 3, 3});     // a random (5, 3, 3) kernel
//   auto [x, y] = teacher.generate(Shape{200, 10, 10});          // x (200,10,10) U(0,1), y [1,1,200,10,10]
//   convis::models::LN student(Shape{5, 3, 3});
//   student->set_optimizer<optim::Adam>(optim::AdamOptions(0.05));
//   student->optimize(x, y, 50);                                 // fit the teacher
//
// The teacher is an LN model whose kernel is standard normal (convis::manual_seed's generator)
// or given; its parameters do not require gradients.  generate runs it in chunks of dt frames
// from a cleared state, so the same input always gives the same output.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "convis/nn/convis/models/ln.h"

namespace convis::models {

class SampleGenerator {
 public:
  // A random N(0, 1) kernel of kernel_size (t, x, y).
  explicit SampleGenerator(Shape kernel_size = {10, 5, 5}, int64_t dt = 100);
  // A given (t, x, y) kernel (its impulse response).
  explicit SampleGenerator(const Tensor& kernel, int64_t dt = 100);

  // Uniform U(0, 1) input of (T, X, Y) `size` and the teacher's response [1, 1, T, X, Y].
  std::pair<Tensor, Tensor> generate(const Shape& size = {2000, 20, 20});
  // The teacher's response to the given input (any shape the LN model accepts).
  std::pair<Tensor, Tensor> generate(const Tensor& input);

  std::shared_ptr<LNImpl> model;
  int64_t dt;
};

}  // namespace convis::models

namespace convis::samples {
using models::SampleGenerator;  // the original's place: convis.samples.SampleGenerator
}  // namespace convis::samples
