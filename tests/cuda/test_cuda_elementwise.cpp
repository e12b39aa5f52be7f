// The elementwise ops on CUDA tensors against the same ops on the CPU: every op of
// kernels/elementwise_list.h, every dtype it has, on odd shapes, strided views, broadcasts,
// plain numbers and in place, and autograd through them.  Both backends call the functors of
// kernels/elementwise_functors.h, so the emulated device gives the CPU's bits (but for float32
// exp, tanh and sigmoid, which the CPU computes with its own fast math: within 2 ulp); a real
// GPU gets a relative tolerance.  Run by cuda/test_cuda_elementwise_emulated
// (CONVIS_CUDA_EMULATOR=1) and on a GPU; without a device each case returns at once.
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "cuda/device_compare.h"

using namespace convis;
using namespace convis_test;

namespace {

using Unary = std::function<Tensor(const Tensor&)>;
using Binary = std::function<Tensor(const Tensor&, const Tensor&)>;

const std::vector<std::pair<std::string, Unary>>& unary_ops() {
  static const std::vector<std::pair<std::string, Unary>> ops = {
      {"abs", [](const Tensor& x) { return abs(x); }},       {"neg", [](const Tensor& x) { return neg(x); }},
      {"sign", [](const Tensor& x) { return sign(x); }},     {"square", [](const Tensor& x) { return square(x); }},
      {"relu", [](const Tensor& x) { return relu(x); }},     {"floor", [](const Tensor& x) { return floor(x); }},
      {"ceil", [](const Tensor& x) { return ceil(x); }},     {"round", [](const Tensor& x) { return round(x); }},
      {"exp", [](const Tensor& x) { return exp(x); }},       {"log", [](const Tensor& x) { return log(x); }},
      {"log1p", [](const Tensor& x) { return log1p(x); }},   {"expm1", [](const Tensor& x) { return expm1(x); }},
      {"sqrt", [](const Tensor& x) { return sqrt(x); }},     {"rsqrt", [](const Tensor& x) { return rsqrt(x); }},
      {"reciprocal", [](const Tensor& x) { return reciprocal(x); }},
      {"sin", [](const Tensor& x) { return sin(x); }},       {"cos", [](const Tensor& x) { return cos(x); }},
      {"tanh", [](const Tensor& x) { return tanh(x); }},     {"sigmoid", [](const Tensor& x) { return sigmoid(x); }},
      {"clamp", [](const Tensor& x) { return clamp(x, -1, 2); }},
      {"clamp_min", [](const Tensor& x) { return clamp_min(x, 0.5); }},
      {"logical_not", [](const Tensor& x) { return logical_not(x); }},
      {"isnan", [](const Tensor& x) { return isnan(x); }},   {"isinf", [](const Tensor& x) { return isinf(x); }},
      {"isfinite", [](const Tensor& x) { return isfinite(x); }},
      {"mul 2.5", [](const Tensor& x) { return x * 2.5; }},  {"3 - x", [](const Tensor& x) { return 3 - x; }},
      {"pow 2", [](const Tensor& x) { return pow(x, 2); }},  {"where x > 0", [](const Tensor& x) { return where(x.gt(0), x, 7); }},
  };
  return ops;
}

const std::vector<std::pair<std::string, Binary>>& binary_ops() {
  static const std::vector<std::pair<std::string, Binary>> ops = {
      {"add", [](const Tensor& a, const Tensor& b) { return add(a, b, 2); }},
      {"sub", [](const Tensor& a, const Tensor& b) { return sub(a, b); }},
      {"mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); }},
      {"div", [](const Tensor& a, const Tensor& b) { return div(a, b); }},
      {"pow", [](const Tensor& a, const Tensor& b) { return pow(a, b); }},
      {"maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); }},
      {"minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); }},
      {"eq", [](const Tensor& a, const Tensor& b) { return a.eq(b); }},
      {"ne", [](const Tensor& a, const Tensor& b) { return a.ne(b); }},
      {"lt", [](const Tensor& a, const Tensor& b) { return a.lt(b); }},
      {"le", [](const Tensor& a, const Tensor& b) { return a.le(b); }},
      {"gt", [](const Tensor& a, const Tensor& b) { return a.gt(b); }},
      {"ge", [](const Tensor& a, const Tensor& b) { return a.ge(b); }},
      {"logical_and", [](const Tensor& a, const Tensor& b) { return logical_and(a, b); }},
      {"logical_or", [](const Tensor& a, const Tensor& b) { return logical_or(a, b); }},
      {"logical_xor", [](const Tensor& a, const Tensor& b) { return logical_xor(a, b); }},
      {"where", [](const Tensor& a, const Tensor& b) { return where(a.gt(b), a, b); }},
  };
  return ops;
}

// Runs op on the CPU; where the CPU accepts the dtype, the device must give its result.
template <typename Op, typename... Args>
void check_op(const std::string& name, DType dtype, const Op& op, const Args&... host) {
  Tensor expected;
  try {
    expected = op(host...);
  } catch (const Error&) {
    CHECK_THROWS_AS(op(host.cuda()...), Error);  // a dtype the op lacks: an Error on both
    return;
  }
  INFO(name << " on " << dtype_name(dtype));
  const std::string diff = difference(op(host.cuda()...), expected, fast_math(expected.scalar_type(), name));
  INFO(diff);
  CHECK(diff.empty());
}

}  // namespace

TEST_CASE("CUDA unary ops give the CPU's values, on odd shapes and strided views", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  for (DType dtype : {kBool, kInt64, kFloat32, kFloat64}) {
    const Tensor x = values(dtype, {5, 7, 3});
    for (const Tensor& v : {x, x.transpose(0, 2), x.slice(1, 1, 7, 3), x.select(2, 1)})
      for (const auto& [name, op] : unary_ops()) check_op(name, dtype, op, v);
  }
}

TEST_CASE("CUDA binary ops give the CPU's values, with broadcasts", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  for (DType dtype : {kBool, kInt64, kFloat32, kFloat64}) {
    const Tensor a = values(dtype, {4, 1, 5}), b = values(dtype, {3, 5}, 0.75), c = values(dtype, {4, 3, 5}, -1.25);
    for (const auto& [name, op] : binary_ops()) {
      check_op(name, dtype, op, a, b);                 // broadcast both ways
      check_op(name, dtype, op, c, c.flip({1}));       // same shape, one operand reversed
      check_op(name, dtype, op, c.transpose(0, 2), b.t().unsqueeze(1));
    }
  }
  // mixed dtypes promote as on the CPU
  check_op("int64 + float32", kFloat32, Binary([](const Tensor& a, const Tensor& b) { return a + b; }),
           values(kInt64, {6}), values(kFloat32, {6}));
  check_op("bool * float64", kFloat64, Binary([](const Tensor& a, const Tensor& b) { return a * b; }),
           values(kBool, {2, 3}), values(kFloat64, {3}));
}

TEST_CASE("CUDA in-place ops write through device views", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  Tensor host = values(kFloat64, {6, 8});
  Tensor device = host.cuda();
  host.slice(1, 0, 8, 2).mul_(3).add_(host.slice(1, 1, 8, 2), -1);
  device.slice(1, 0, 8, 2).mul_(3).add_(device.slice(1, 1, 8, 2), -1);
  host.t().clamp_(-2, 5);
  device.t().clamp_(-2, 5);
  host.select(0, 2).exp_();
  device.select(0, 2).exp_();
  const std::string diff = difference(device, host, false);
  INFO(diff);
  CHECK(diff.empty());
  Tensor ints = values(kInt64, {9}).cuda();
  CHECK_THROWS_WITH(ints.div_(2), Catch::Contains("[div_]"));  // as on the CPU: a float result into int64
}

TEST_CASE("autograd runs on CUDA tensors unchanged", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const Tensor x0 = finite(values(kFloat64, {3, 4}, 0.3), 0.5);
  auto f = [](const Tensor& x) { return tanh(x) * sigmoid(x * 0.5) + square(x) / (abs(x) + 1.0) - exp(-x); };
  Tensor on_host = x0.clone().requires_grad_(true);
  Tensor on_device = x0.cuda().requires_grad_(true);
  Tensor y_host = f(on_host), y_device = f(on_device);
  CHECK(y_device.is_cuda());
  const Tensor g = finite(values(kFloat64, {3, 4}, 1.0), 1.0);
  y_host.backward(g);
  y_device.backward(g.cuda());
  REQUIRE(on_device.grad().defined());
  CHECK(on_device.grad().is_cuda());
  const std::string diff = difference(on_device.grad(), on_host.grad(), !cuda::is_emulated());
  INFO(diff);
  CHECK(diff.empty());
}
