// Pooling on CUDA tensors (kernels/cuda/pool_ops.cuh, Note [CUDA pooling order]) against the
// CPU's: max with indices and average, 1-D to 3-D, stride, padding, dilation, ceil_mode,
// count_include_pad, NaN; forward and gradients bit for bit on the emulated device, the gradients through
// overlapping windows, and dropout (drawn on the host: the same mask on both devices).  Run by
// cuda/test_cuda_pool_emulated (CONVIS_CUDA_EMULATOR=1) and on a GPU.
#include "cuda/device_compare.h"

using namespace convis;
using namespace convis_test;

namespace {

void check(const Tensor& device, const Tensor& host) { check_device(device, host, !cuda::is_emulated()); }

}  // namespace

TEST_CASE("CUDA max and average pooling give the CPU's values", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  for (DType dtype : {kFloat32, kFloat64}) {
    INFO(dtype_name(dtype));
    const Tensor x = values(dtype, {2, 3, 7, 9, 8}, 0.3);  // NaN and infinities among the values
    const Tensor d = x.cuda();
    for (bool ceil : {false, true}) {
      auto [v_host, i_host] = max_pool3d_with_indices(x, {3, 2, 3}, {2, 2, 1}, {1, 0, 1}, {1, 2, 1}, ceil);
      auto [v_device, i_device] = max_pool3d_with_indices(d, {3, 2, 3}, {2, 2, 1}, {1, 0, 1}, {1, 2, 1}, ceil);
      check(v_device, v_host);
      check(i_device, i_host);
      check(avg_pool3d(d, {2, 3, 3}, {1, 2, 2}, {1, 1, 0}, ceil, false), avg_pool3d(x, {2, 3, 3}, {1, 2, 2}, {1, 1, 0}, ceil, false));
      check(avg_pool3d(d, {2, 3, 3}, {1, 2, 2}, {1, 1, 0}, ceil, true), avg_pool3d(x, {2, 3, 3}, {1, 2, 2}, {1, 1, 0}, ceil, true));
    }
    check(std::get<0>(max_pool2d_with_indices(d.select(2, 0), {2, 2})), std::get<0>(max_pool2d_with_indices(x.select(2, 0), {2, 2})));
    check(avg_pool1d(d.select(2, 0).select(2, 0), {3}, {2}, {1}), avg_pool1d(x.select(2, 0).select(2, 0), {3}, {2}, {1}));
  }
}

TEST_CASE("CUDA pooling gradients through overlapping windows", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const Tensor x0 = finite(values(kFloat64, {2, 2, 5, 6, 7}, 0.1), 0.5);
  auto loss = [](const Tensor& x) {
    return std::get<0>(max_pool3d_with_indices(x, {2, 3, 3}, {1, 1, 2}, {0, 1, 1})).square().sum() +
           avg_pool3d(x, {3, 2, 2}, {1, 1, 1}, {1, 0, 1}, false, false).sum();
  };
  Tensor host = x0.clone().requires_grad_(true), device = x0.cuda().requires_grad_(true);
  loss(host).backward();
  loss(device).backward();
  REQUIRE(device.grad().defined());
  check(device.grad(), host.grad());
}

TEST_CASE("CUDA pooling gradients give the CPU's bits for every window option", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  // Each input element gathers its windows in output order (Note [CUDA pooling order]): the
  // same additions as the CPU's scatter, so the same bits on the emulated device.
  for (DType dtype : {kFloat32, kFloat64}) {
    const Tensor x0 = finite(values(dtype, {2, 2, 6, 7, 9}, 0.2), 0.5);
    for (bool ceil : {false, true}) {
      INFO(dtype_name(dtype) << (ceil ? ", ceil_mode" : ""));
      auto max_loss = [&](const Tensor& x) {
        auto [v, i] = max_pool3d_with_indices(x, {3, 2, 3}, {2, 1, 2}, {1, 1, 1}, {1, 2, 2}, ceil);
        return (v * v).sum();
      };
      for (bool include_pad : {false, true}) {
        auto avg_loss = [&](const Tensor& x) {
          return (avg_pool3d(x, {2, 3, 4}, {1, 2, 3}, {1, 1, 2}, ceil, include_pad) * 0.75).sum();
        };
        Tensor host = x0.clone().requires_grad_(true), device = x0.cuda().requires_grad_(true);
        avg_loss(host).backward();
        avg_loss(device).backward();
        check(device.grad(), host.grad());
      }
      Tensor host = x0.clone().requires_grad_(true), device = x0.cuda().requires_grad_(true);
      max_loss(host).backward();
      max_loss(device).backward();
      check(device.grad(), host.grad());
    }
  }
}

TEST_CASE("dropout on a CUDA tensor draws the CPU's mask", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const Tensor x = ones({40, 30});
  manual_seed(11);
  const Tensor host = nn::functional::dropout(x, 0.3, true);
  manual_seed(11);
  const Tensor device = nn::functional::dropout(x.cuda(), 0.3, true);
  check(device, host);
}
