// The engine's fast paths (issue 3): fused tanh/sigmoid backward kernels give the bits of
// the composite formulas (Note [Fused backward kernels]); graphs of many nodes run through
// the flat Node* table; saved outputs unpacked without grad mode.
#include "convis/autograd/engine.h"
#include "convis/core/native/elementwise.h"
#include "helpers.h"

using namespace convis;
using convis_test::values;
using V = std::vector<double>;

using convis_test::same_bits;

TEST_CASE("fused tanh and sigmoid backward equal the composite formulas bit for bit", "[autograd][grad]") {
  for (DType dt : {kFloat32, kFloat64}) {
    Tensor g = randn({257}, dt), y = randn({257}, dt).tanh();
    CHECK(same_bits(native::tanh_backward(g, y), g * (1 - y * y)));
    CHECK(same_bits(native::sigmoid_backward(g, y), g * (y * (1 - y))));
  }
  Tensor g = tensor({2.0, -1.0}, kFloat64), y = tensor({0.5, 0.25}, kFloat64);
  CHECK(values(native::tanh_backward(g, y)) == V{2.0 * 0.75, -1.0 * (1 - 0.0625)});
  CHECK(values(native::sigmoid_backward(g, y)) == V{2.0 * 0.25, -1.0 * 0.25 * 0.75});
}

TEST_CASE("tanh and sigmoid gradients: the fused path equals the create_graph path", "[autograd][grad]") {
  Tensor x = randn({64}, TensorOptions(kFloat64).requires_grad(true));
  Tensor g = randn({64}, kFloat64);
  for (int which = 0; which < 2; ++which) {
    auto f = [&] { return which == 0 ? x.tanh() : x.sigmoid(); };
    Tensor fused = autograd::grad({f()}, {x}, {g})[0];  // no graph: the fused kernel
    Tensor recorded = autograd::grad({f()}, {x}, {g}, true, /*create_graph=*/true)[0];
    CHECK(fused.grad_fn() == nullptr);
    REQUIRE(recorded.grad_fn() != nullptr);  // differentiable again
    CHECK(same_bits(fused, recorded.detach()));
  }
}

TEST_CASE("second derivatives of tanh still flow through the recorded formula", "[autograd][grad]") {
  Tensor x = tensor({0.3, -0.7}, TensorOptions(kFloat64).requires_grad(true));
  Tensor dy = autograd::grad({x.tanh().sum()}, {x}, {}, true, true)[0];  // 1 - tanh^2
  Tensor d2y = autograd::grad({dy.sum()}, {x})[0];                        // -2 tanh (1 - tanh^2)
  for (int i = 0; i < 2; ++i) {
    double t = std::tanh(i == 0 ? 0.3 : -0.7);
    CHECK(values(dy)[size_t(i)] == Approx(1 - t * t));
    CHECK(values(d2y)[size_t(i)] == Approx(-2 * t * (1 - t * t)));
  }
}

TEST_CASE("a graph of thousands of shared nodes runs through the flat table", "[autograd]") {
  Tensor x = ones({1}, TensorOptions(kFloat64).requires_grad(true));
  Tensor h = x * 1.0;  // one node read by every branch: its count reaches 3000
  Tensor total = zeros({1}, kFloat64);
  for (int i = 0; i < 3000; ++i) total = total + h * double(i % 7);
  total.backward({}, /*retain_graph=*/true);
  double expected = 0;
  for (int i = 0; i < 3000; ++i) expected += double(i % 7);
  CHECK(values(x.grad()) == V{expected});
  // Again through autograd::grad, which walks the same graph from both ends.
  Tensor y = (h * h).sum() + total.sum();
  CHECK(values(autograd::grad({y}, {h})[0]) == V{2.0 + expected});
}

TEST_CASE("saved outputs: released after backward, and an error when reused", "[autograd]") {
  Tensor x = tensor({0.1, 0.2}, TensorOptions(kFloat64).requires_grad(true));
  Tensor y = x.tanh().tanh().sum();
  y.backward();
  double t1 = std::tanh(0.1), t2 = std::tanh(t1);
  CHECK(values(x.grad())[0] == Approx((1 - t2 * t2) * (1 - t1 * t1)));
  CHECK_THROWS_WITH(y.backward(), Catch::Contains("backward through the graph a second time"));
}
