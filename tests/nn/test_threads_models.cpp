// Several threads at once (issue 15): 2 and 8 threads train separate models (forward, backward
// on separate graphs, optimizer steps) and run separate Retinas, with results identical to
// running them one after another; one model's forward is shared read-only under NoGradGuard;
// grad mode is per thread.  (What is and is not thread-safe: README, "Reliability".)
#include <thread>
#include <vector>

#include "helpers.h"

using namespace convis;
using convis_test::same_bits;

namespace {

struct Job {
  nn::Sequential model;
  Tensor x, y;
};

// Models and data made up front, on this thread: the default generator is shared.
std::vector<Job> make_jobs(int n) {
  std::vector<Job> jobs;
  for (int i = 0; i < n; ++i) {
    manual_seed(uint64_t(40 + i));
    jobs.push_back({nn::Sequential(nn::Linear(6, 16), nn::Tanh(), nn::Linear(16, 2)), randn({32, 6}), randn({32, 2})});
  }
  return jobs;
}

void train(Job& job) {
  optim::Adam opt(job.model->parameters(), optim::AdamOptions(1e-2));
  for (int step = 0; step < 40; ++step) {
    opt.zero_grad();
    nn::functional::mse_loss(job.model->forward(job.x), job.y).backward();
    opt.step();
  }
}

template <typename F>
void run_on_threads(int n, F f) {
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back([&f, i] { f(i); });
  for (auto& t : threads) t.join();
}

}  // namespace

TEST_CASE("threads: separate models train at once as they do one after another", "[threads]") {
  for (int n : {2, 8}) {
    std::vector<Job> alone = make_jobs(n), together = make_jobs(n);
    for (Job& job : alone) train(job);
    run_on_threads(n, [&](int i) { train(together[size_t(i)]); });
    for (int i = 0; i < n; ++i) {
      const auto want = alone[size_t(i)].model->parameters(), got = together[size_t(i)].model->parameters();
      for (size_t p = 0; p < want.size(); ++p) CHECK(same_bits(got[p], want[p]));
    }
  }
}

TEST_CASE("threads: one model's forward shared read-only under NoGradGuard", "[threads]") {
  std::vector<Job> jobs = make_jobs(1);
  nn::Sequential& model = jobs[0].model;
  manual_seed(7);
  std::vector<Tensor> inputs;
  for (int i = 0; i < 8; ++i) inputs.push_back(randn({64, 6}));
  std::vector<Tensor> want, got(8);
  {
    NoGradGuard no_grad;
    for (const Tensor& x : inputs) want.push_back(model->forward(x));
  }
  run_on_threads(8, [&](int i) {
    NoGradGuard no_grad;
    for (int repeat = 0; repeat < 20; ++repeat) got[size_t(i)] = model->forward(inputs[size_t(i)]);
  });
  for (int i = 0; i < 8; ++i) CHECK(same_bits(got[size_t(i)], want[size_t(i)]));
}

TEST_CASE("threads: separate Retinas at once, and grad mode is per thread", "[threads]") {
  const Tensor movie = samples::moving_grating(200, 16, 16).reshape({1, 1, 200, 16, 16});
  std::vector<models::Retina> retinas;
  for (int i = 0; i < 5; ++i) {
    manual_seed(9);  // each Retina's spike noise takes its seed from the default generator
    retinas.emplace_back();
  }
  NoGradGuard outer;
  const Output want = retinas[4]->forward_outputs(movie);
  std::vector<Output> got(4);
  run_on_threads(4, [&](int i) {
    NoGradGuard no_grad;
    got[size_t(i)] = retinas[size_t(i)]->forward_outputs(movie);
  });
  for (const Output& out : got) {
    CHECK(same_bits(out[0], want[0]));
    CHECK(same_bits(out[1], want[1]));
  }
  // This thread runs without gradients; another records its graph all the same.
  bool recorded = false;
  std::thread other([&] {
    Tensor w = ones({3}, TensorOptions().requires_grad(true));
    recorded = (w * 2.0).requires_grad();
  });
  other.join();
  CHECK(recorded);
  CHECK_FALSE((ones({3}, TensorOptions().requires_grad(true)) * 2.0).requires_grad());
}
