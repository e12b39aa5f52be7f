// linear_recursion (the IIR behind the recursive filters): values against a frame-by-frame
// reference, one node per call, gradients in every argument (gradcheck, gradgradcheck), errors.
#include "helpers.h"

#include "convis/autograd/gradcheck.h"
#include "convis/nn/convis/filters/recursive.h"

using namespace convis;
using convis::filters::linear_recursion;

namespace {

Tensor scalar64(double v, bool grad = false) { return scalar_tensor(v, dtype(kFloat64).requires_grad(grad)); }

// y[n] = b0 x[n] + b1 x[n-1] + a1 y[n-1] + a2 y[n-2], written with one op per step.
Tensor reference(const Tensor& x, double b0, double b1, double a1, double a2, const Tensor& y0, int64_t dim) {
  std::vector<Tensor> ys;
  Tensor zero = zeros_like(x.narrow(dim, 0, 1));
  for (int64_t n = 0; n < x.size(dim); ++n) {
    Tensor xn = x.narrow(dim, n, 1);
    Tensor x1 = n >= 1 ? x.narrow(dim, n - 1, 1) : zero;
    Tensor y1 = n >= 1 ? ys[size_t(n - 1)] : (y0.defined() ? y0 : zero);
    Tensor y2 = n >= 2 ? ys[size_t(n - 2)] : (n == 1 && y0.defined() ? y0 : zero);
    ys.push_back(xn * b0 + x1 * b1 + y1 * a1 + y2 * a2);
  }
  return cat(ys, dim);
}

}  // namespace

TEST_CASE("linear_recursion equals the step-by-step recursion along any dim", "[convis][recursive_filters]") {
  manual_seed(3);
  Tensor x = randn({2, 3, 6, 4, 5}, kFloat64);
  for (int64_t dim : {2, 3, 4, 0}) {
    INFO("dim " << dim);
    Shape slice = x.sizes();
    slice[size_t(dim)] = 1;
    Tensor y0 = randn(slice, kFloat64);
    Tensor y = linear_recursion(x, scalar64(0.7), scalar64(-0.2), scalar64(0.9), scalar64(-0.3), y0, dim);
    CHECK_ALLCLOSE(y, reference(x, 0.7, -0.2, 0.9, -0.3, y0, dim));
    Tensor y_zero = linear_recursion(x, scalar64(0.7), scalar64(-0.2), scalar64(0.9), scalar64(-0.3), {}, dim);
    CHECK_ALLCLOSE(y_zero, reference(x, 0.7, -0.2, 0.9, -0.3, {}, dim));
  }
  // float32 and a non-contiguous input
  Tensor xf = randn({1, 1, 5, 3, 4}).transpose(3, 4);
  Tensor yf = linear_recursion(xf, scalar_tensor(1.5), scalar_tensor(0.0), scalar_tensor(0.5), scalar_tensor(0.0), {}, 2);
  CHECK(yf.dtype() == kFloat32);
  CHECK_ALLCLOSE(yf, reference(xf, 1.5, 0, 0.5, 0, {}, 2));
}

TEST_CASE("first_order_recursion: y[t] = a x[t] + e y[t-1] over time", "[convis][recursive_filters]") {
  Tensor x = ones({1, 1, 4, 1, 1}, kFloat64);
  Tensor y = filters::first_order_recursion(x, scalar64(2.0), scalar64(0.5), full({1, 1, 1, 1, 1}, 4.0, kFloat64));
  // 2 + 0.5*4 = 4, 2 + 2 = 4, ...
  CHECK(convis_test::values(y) == std::vector<double>{4, 4, 4, 4});
  Tensor y_fresh = filters::first_order_recursion(x, scalar64(2.0), scalar64(0.5), {});
  CHECK(convis_test::values(y_fresh) == std::vector<double>{2, 3, 3.5, 3.75});
}

TEST_CASE("linear_recursion records one node per call", "[convis][recursive_filters]") {
  Tensor x = randn({1, 1, 50, 2, 2}, kFloat64);
  Tensor e = scalar64(0.9, true);
  Tensor y = filters::first_order_recursion(x, e + 1.0, e, {});
  REQUIRE(y.grad_fn() != nullptr);
  CHECK(y.grad_fn()->name() == "LinearRecursionBackward");
  {
    NoGradGuard no_grad;
    CHECK(filters::first_order_recursion(x, e + 1.0, e, {}).grad_fn() == nullptr);
  }
  CHECK(filters::first_order_recursion(x, scalar64(1.9), scalar64(0.9), {}).grad_fn() == nullptr);
}

TEST_CASE("linear_recursion gradients in every argument (gradcheck, f64)", "[convis][recursive_filters]") {
  manual_seed(5);
  auto opt = dtype(kFloat64).requires_grad(true);
  for (int64_t dim : {2, 4}) {
    INFO("dim " << dim);
    Tensor x = randn({1, 2, 5, 3, 4}, opt);
    Shape slice = x.sizes();
    slice[size_t(dim)] = 1;
    Tensor y0 = randn(slice, opt);
    autograd::variable_list inputs{x, scalar64(0.8, true), scalar64(-0.3, true), scalar64(0.6, true),
                                   scalar64(-0.2, true), y0};
    auto f = [dim](const autograd::variable_list& in) {
      return linear_recursion(in[0], in[1], in[2], in[3], in[4], in[5], dim);
    };
    convis_test::check_gradients_twice(f, inputs);
  }
  // a single frame (no x[n-1] or y[n-2] inside the chunk)
  Tensor x1 = randn({1, 1, 1, 2, 2}, opt);
  auto f1 = [](const autograd::variable_list& in) {
    return linear_recursion(in[0], in[1], in[2], in[3], in[4], in[5], 2);
  };
  auto r1 = autograd::gradcheck(f1, {x1, scalar64(0.8, true), scalar64(-0.3, true), scalar64(0.6, true),
                                     scalar64(-0.2, true), randn({1, 1, 1, 2, 2}, opt)});
  INFO(r1.message);
  CHECK(r1.ok);
}

TEST_CASE("linear_recursion rejects bad arguments", "[convis][recursive_filters]") {
  Tensor c = scalar_tensor(0.5);
  CHECK_THROWS_WITH(linear_recursion(ones({3}, kInt64), c, c, c, c, {}, 0),
                    Catch::Contains("[linear_recursion] expected a float32 or float64 input"));
  CHECK_THROWS_WITH(linear_recursion(ones({3}), ones({2}), c, c, c, {}, 0),
                    Catch::Contains("[linear_recursion] expected a one-element coefficient b0"));
  CHECK_THROWS_WITH(linear_recursion(ones({2, 3}), c, c, c, c, ones({2, 2}), 1),
                    Catch::Contains("expected an initial value y0 of shape [2, 1]"));
  CHECK_THROWS_WITH(linear_recursion(ones({2, 3}), c, c, c, c, {}, 2), Catch::Contains("expected a dim in"));
  CHECK_THROWS_WITH(filters::first_order_recursion(ones({3}), c, c, {}),
                    Catch::Contains("[first_order_recursion] expected a 5-D"));
}
