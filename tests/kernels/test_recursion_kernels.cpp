// kernels/recursion.h on the CPU (kernels/cpu/recursion.cpp): the linear recursion and the
// streamed first-order recursion give the same bits at every capability level and on 1, 2 and 3
// threads (Note [Recursion order]), on columns split among threads, against a plain loop.
#include <cmath>
#include <cstdint>
#include <vector>

#include "convis/kernels/recursion.h"
#include "helpers.h"
#include "levels.h"

using namespace convis;
using namespace convis_test;

namespace {

// outer 2, n 40, inner 1000: 8 column blocks, enough work for 3 threads.
constexpr int64_t kOuter = 2, kN = 40, kInner = 1000;

std::vector<double> ramp(int64_t count, double phase) {
  std::vector<double> v(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) v[size_t(i)] = std::sin(0.37 * double(i) + phase);
  return v;
}

// y[n] = b0 x[n] + b1 x[n-1] + a1 y[n-1] + a2 y[n-2], one column at a time.
std::vector<double> plain_linear(const std::vector<double>& x, const std::vector<double>& y0) {
  std::vector<double> y(x.size());
  for (int64_t o = 0; o < kOuter; ++o)
    for (int64_t j = 0; j < kInner; ++j) {
      double x1 = 0, y1 = y0[size_t(o * kInner + j)], y2 = 0;
      for (int64_t i = 0; i < kN; ++i) {
        const size_t at = size_t((o * kN + i) * kInner + j);
        double v = 0.7 * x[at];
        if (i >= 1) v += -0.2 * x1;
        v += 0.9 * y1;
        if (i >= 1) v += -0.3 * y2;
        y[at] = v;
        x1 = x[at], y2 = y1, y1 = v;
      }
    }
  return y;
}

}  // namespace

TEST_CASE("the recursion kernels give the same bits at every level and thread count", "[kernels][recursion]") {
  LevelGuard level_guard;
  ThreadGuard thread_guard;
  const std::vector<double> x = ramp(kOuter * kN * kInner, 0.0), y0 = ramp(kOuter * kInner, 1.0);
  const std::vector<double> want = plain_linear(x, y0);
  std::vector<double> first_want;
  for (CpuCapability level : available_levels()) {
    cpu::use_cpu_capability(level);
    for (int threads : {1, 2, 3}) {
      set_num_threads(threads);
      INFO(cpu_capability() << " on " << threads << " threads");
      std::vector<double> y(x.size());
      LinearRecursionArgs a;
      a.x = x.data(), a.y0 = y0.data(), a.y = y.data();
      a.outer = kOuter, a.n = kN, a.inner = kInner;
      a.b0 = 0.7, a.b1 = -0.2, a.a1 = 0.9, a.a2 = -0.3;
      find_kernel<OpKind::linear_recursion>(kCPU, kFloat64)(a);
      CHECK(y == want);

      std::vector<double> state = y0, out(x.size());
      FirstOrderStreamArgs f;
      f.x = x.data(), f.previous = y0.data(), f.state = state.data(), f.out = out.data();
      f.highpass = true, f.outer = kOuter, f.n = kN, f.inner = kInner;
      f.a = 0.25, f.e = 0.75, f.scale = 0.5, f.tau = 0.01, f.k = 0.8;
      find_kernel<OpKind::first_order_stream>(kCPU, kFloat64)(f);
      out.insert(out.end(), state.begin(), state.end());
      if (first_want.empty()) first_want = out;
      CHECK(out == first_want);
    }
  }
  // The first of those against the definition, one element: column 0 of frame 1.
  const double y_0 = 0.25 * y0[0] + 0.75 * y0[0];           // xp[0] = previous
  const double y_1 = 0.25 * x[0] + 0.75 * y_0;               // xp[1] = x[0]
  CHECK(first_want[size_t(kInner)] == x[size_t(kInner)] - ((y_1 * 0.5) / 0.01) * 0.8);
}
