// The reductions and scans on CUDA tensors against the CPU's (kernels/cuda/reduce_ops.cuh, Note
// [Deterministic CUDA reductions]): every op of kernels/reduce_list.h and its dtypes, over all
// elements, over dims (outer and inner, kept or not), strided inputs, empty reductions, NaN;
// the same bits on a second run; long reductions split over blocks; autograd through them.  Sums meet in another order than on the
// CPU, so floating results agree to a relative 1e-6, integers and extremes exactly.  Run by
// cuda/test_cuda_reduce_emulated (CONVIS_CUDA_EMULATOR=1) and on a GPU.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "cuda/device_compare.h"

using namespace convis;
using namespace convis_test;

namespace {

using Reduction = std::function<Tensor(const Tensor&)>;

const std::vector<std::pair<std::string, Reduction>>& reductions() {
  static const std::vector<std::pair<std::string, Reduction>> ops = {
      {"sum", [](const Tensor& x) { return sum(x); }},
      {"sum dims", [](const Tensor& x) { return sum(x, {0, 2}); }},
      {"sum keepdim", [](const Tensor& x) { return sum(x, {1}, true); }},
      {"mean", [](const Tensor& x) { return mean(x, {-1}); }},
      {"prod", [](const Tensor& x) { return prod(x, 1); }},
      {"amax", [](const Tensor& x) { return amax(x, {0}); }},
      {"amin", [](const Tensor& x) { return amin(x, {1, 2}, true); }},
      {"max", [](const Tensor& x) { return max(x); }},
      {"max dim values", [](const Tensor& x) { return std::get<0>(max(x, 1)); }},
      {"max dim indices", [](const Tensor& x) { return std::get<1>(max(x, 1)); }},
      {"min dim indices", [](const Tensor& x) { return std::get<1>(min(x, 2, true)); }},
      {"argmax", [](const Tensor& x) { return argmax(x); }},
      {"argmin dim", [](const Tensor& x) { return x.argmin(0); }},
      {"var", [](const Tensor& x) { return var(x, {1}); }},
      {"std biased", [](const Tensor& x) { return convis::std(x, {0, 1}, false); }},
      {"norm 2", [](const Tensor& x) { return norm(x); }},
      {"norm 1", [](const Tensor& x) { return norm(x, Scalar(1), {2}); }},
      {"norm 0", [](const Tensor& x) { return norm(x, Scalar(0), {0}); }},
      {"norm 3", [](const Tensor& x) { return norm(x, Scalar(3), {1}); }},
      {"norm inf", [](const Tensor& x) { return norm(x, Scalar(INFINITY), {1}); }},
      {"norm -inf", [](const Tensor& x) { return norm(x, Scalar(-INFINITY), {2}); }},
      {"logsumexp", [](const Tensor& x) { return logsumexp(x, {2}); }},
      {"softmax", [](const Tensor& x) { return softmax(x, 1); }},
      {"log_softmax", [](const Tensor& x) { return log_softmax(x, 2); }},
      {"cumsum", [](const Tensor& x) { return cumsum(x, 1); }},
      {"all", [](const Tensor& x) { return all(x); }},
      {"any dim", [](const Tensor& x) { return any(x, 2); }},
  };
  return ops;
}

void check_reduction(const std::string& name, const Reduction& op, const Tensor& host) {
  Tensor expected;
  try {
    expected = op(host);
  } catch (const Error&) {
    CHECK_THROWS_AS(op(host.cuda()), Error);  // a dtype the op lacks: an Error on both
    return;
  }
  INFO(name << " on " << dtype_name(host.scalar_type()) << " of shape " << host.sizes());
  const Tensor result = op(host.cuda());
  const std::string diff = difference(result, expected, is_floating_point(expected.scalar_type()));
  INFO(diff);
  CHECK(diff.empty());
  CHECK(equal(op(host.cuda()).cpu(), result.cpu()) == !isnan(result.cpu().to(kFloat64)).any().item<bool>());
}

}  // namespace

TEST_CASE("CUDA reductions give the CPU's values, over dims and strided inputs", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  for (DType dtype : {kBool, kInt64, kFloat32, kFloat64}) {
    // Finite values (the NaN cases below), scaled so that prod stays in range.
    const Tensor x = finite(values(dtype == kBool ? kBool : kFloat64, {6, 37, 5}, 0.3), 1.0) * (dtype == kBool ? 1 : 0.05);
    const Tensor in = dtype == kBool ? x : (dtype == kInt64 ? (x * 20).round() : x).to(dtype);
    for (const Tensor& v : {in, in.transpose(0, 2).contiguous().transpose(0, 2), in.slice(1, 1, 37, 2)})
      for (const auto& [name, op] : reductions()) check_reduction(name, op, v);
  }
}

TEST_CASE("CUDA reductions: NaN, empty inputs and long rows", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const Tensor with_nan = values(kFloat32, {3, 4, 5});  // NaN and infinities among the values
  for (const auto& [name, op] : reductions()) check_reduction(name, op, with_nan);
  const Tensor empty_rows = zeros({3, 0, 4});
  for (const char* name : {"sum keepdim", "prod", "var", "norm 2", "logsumexp", "all", "any dim", "cumsum"})
    for (const auto& [op_name, op] : reductions())
      if (op_name == name) check_reduction(op_name, op, empty_rows);
  const Tensor long_row = (arange(0, 5000, 1, TensorOptions(kFloat32)) * 0.001f).sin().reshape({1, 5000});
  for (const auto& [name, op] : reductions()) check_reduction(name, op, long_row.reshape({1, 1, 5000}));
  CHECK_THROWS_WITH(amax(zeros({0}).cuda()), Catch::Contains("[amax]"));  // as on the CPU
}

TEST_CASE("CUDA reductions of many inputs to few outputs are split over blocks", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  // 2 x 40001 inputs: over everything and over the last two dims, each output folds more than
  // 2 x 16384 inputs (Note [Split reductions]); the same bits on a second run (check_reduction).
  const Tensor x = (arange(0, 80002, 1, TensorOptions(kFloat64)) * 0.0007).sin().reshape({2, 1, 40001});
  for (DType dtype : {kFloat32, kInt64}) {  // float64 folds as float32 does (double accumulators)
    const Tensor in = dtype == kInt64 ? (x * 100).round().to(kInt64) : x.to(dtype);
    for (const char* name : {"sum", "sum dims", "amin", "max", "argmax", "norm 2", "norm inf", "all"})
      for (const auto& [op_name, op] : reductions())
        if (op_name == name) check_reduction(op_name, op, in);
  }
  check_reduction("all", [](const Tensor& t) { return all(t); }, x.gt(-0.99));
  // a NaN and the first of two equal extremes, far into the row
  Tensor y = x.to(kFloat32).clone();
  y.reshape({-1})[70000].fill_(2.0);
  y.reshape({-1})[75000].fill_(2.0);
  CHECK(argmax(y.cuda()).item<int64_t>() == 70000);
  y.reshape({-1})[60000].fill_(std::nan(""));
  CHECK(argmax(y.cuda()).item<int64_t>() == 60000);
  CHECK(std::isnan(sum(y.cuda()).item<double>()));
}

TEST_CASE("autograd through CUDA reductions", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const Tensor x0 = finite(values(kFloat64, {4, 6}, 0.2), 0.5) * 0.1;
  auto loss = [](const Tensor& x) {
    return (softmax(x, 1) * x).sum() + logsumexp(x, {0}).mean() + var(x, {1}).sum() + norm(x) +
           cumsum(x, 0).square().mean() + amax(x, {1}).sum();
  };
  Tensor on_host = x0.clone().requires_grad_(true), on_device = x0.cuda().requires_grad_(true);
  Tensor l_host = loss(on_host), l_device = loss(on_device);
  CHECK(l_device.is_cuda());
  CHECK(l_device.dim() == 0);
  l_host.backward();
  l_device.backward();
  REQUIRE(on_device.grad().defined());
  CHECK(on_device.grad().is_cuda());
  CHECK(difference(l_device, l_host, true).empty());
  const std::string diff = difference(on_device.grad(), on_host.grad(), true);
  INFO(diff);
  CHECK(diff.empty());
}
