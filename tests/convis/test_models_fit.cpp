// tests/convis/test_models_fit.cpp: fitting an LN model to an LN teacher with the layer's own
// optimizer, chunk by chunk (docs/convis-toolbox.md section 2 items 19 and 20).
#include <numeric>

#include "helpers.h"

using namespace convis;
using namespace convis::models;

namespace {

double total(const std::vector<double>& losses) { return std::accumulate(losses.begin(), losses.end(), 0.0); }

struct TeacherData {
  Tensor x, y;
};

// 200 x 10 x 10 frames of U(0, 1) through a seeded random (5, 3, 3) LN teacher.
TeacherData teacher_data() {
  manual_seed(2024);
  SampleGenerator teacher(Shape{5, 3, 3}, 50);
  auto [x, y] = teacher.generate(Shape{200, 10, 10});
  return {x, y};
}

}  // namespace

TEST_CASE("An LN fitted by Adam to an LN teacher lowers the loss at least 10x", "[convis][models][fit]") {
  TeacherData data = teacher_data();
  LN student(Shape{5, 3, 3});
  const std::vector<double> chunk_losses = student->compute_loss(data.x, data.y, 50);
  const double before = total(chunk_losses);
  CHECK(before > 0.0);
  // compute_loss changes neither parameters nor state
  CHECK(student->conv->weight.abs().sum().item<double>() == 0.0);
  CHECK(total(student->compute_loss(data.x, data.y, 50)) == before);
  student->set_optimizer<optim::Adam>(optim::AdamOptions(0.1));
  std::vector<double> first;
  for (int pass = 0; pass < 25; ++pass) {
    student->clear_state();
    auto losses = student->optimize(data.x, data.y, 50);
    CHECK(losses.size() == 4);
    if (pass == 0) first = losses;
  }
  CHECK(first[0] == Approx(chunk_losses[0]));  // the first chunk's loss, before any step
  student->clear_state();
  const double after = total(student->compute_loss(data.x, data.y, 50));
  INFO("loss before " << before << ", after " << after);
  CHECK(after * 10 < before);
}

TEST_CASE("An LN fitted by LBFGS to an LN teacher lowers the loss at least 10x", "[convis][models][fit]") {
  TeacherData data = teacher_data();
  LN student(Shape{5, 3, 3});
  const double before = total(student->compute_loss(data.x, data.y, 100));
  student->set_optimizer<optim::LBFGS>(optim::LBFGSOptions(1).max_iter(20).line_search_fn("strong_wolfe"));
  for (int pass = 0; pass < 2; ++pass) {
    student->clear_state();
    CHECK(student->optimize(data.x, data.y, 100).size() == 2);
  }
  student->clear_state();
  const double after = total(student->compute_loss(data.x, data.y, 100));
  INFO("loss before " << before << ", after " << after);
  CHECK(after * 10 < before);
  CHECK(after < 1e-3 * before);  // the teacher's kernel is found (the problem is nearly quadratic)
}
