// Matrix products on CUDA tensors (kernels/cuda/gemm.cuh, Note [CUDA GEMM tiles]) against the
// CPU's: odd sizes across the 64 x 64 tiles, transposed and strided operands, batches with
// broadcasting, every dtype; and a small network trained on the device, step for step with the
// same network on the CPU (nn::Module::to(kCUDA), autograd, loss, SGD and Adam).  Run by
// cuda/test_cuda_linalg_emulated (CONVIS_CUDA_EMULATOR=1) and on a GPU.
#include "cuda/device_compare.h"

using namespace convis;
using namespace convis_test;

namespace {

Tensor matrix(DType dtype, const Shape& shape, double shift) { return finite_sample(dtype, shape, shift, 0.1); }

// op(a, b) on the device against the CPU: integers exactly; floats within the error bound of a
// sum of k products in any order, k * eps * (|a| @ |b|), from the float64 product.
template <typename Op>
void check_product(const Op& op, const Tensor& a, const Tensor& b) {
  const Tensor device = op(a.cuda(), b.cuda());
  REQUIRE(device.is_cuda());
  const Tensor host = op(a, b);
  if (!is_floating_point(a.scalar_type())) {
    CHECK(equal(device.cpu(), host));
    return;
  }
  const double eps = a.scalar_type() == kFloat32 ? 6e-8 : 1.2e-16;
  const double k = double(a.dim() > 1 ? a.size(-1) : a.size(0));
  const Tensor exact = op(a.to(kFloat64), b.to(kFloat64));
  const Tensor bound = op(abs(a).to(kFloat64), abs(b).to(kFloat64)) * (2 * k * eps) + 1e-30;
  CHECK(device.scalar_type() == host.scalar_type());
  const Tensor error = abs(device.cpu().to(kFloat64) - exact);
  INFO("largest error over bound " << (error / bound).max().item<double>());
  CHECK(error.le(bound).all().item<bool>());
}

}  // namespace

TEST_CASE("CUDA mm, bmm and matmul give the CPU's products", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  for (DType dtype : {kInt64, kFloat32, kFloat64}) {
    INFO(dtype_name(dtype));
    const Tensor a = matrix(dtype, {70, 33}, 0.1), b = matrix(dtype, {33, 129}, -0.3);
    auto mm_op = [](const Tensor& p, const Tensor& q) { return mm(p, q); };
    auto matmul_op = [](const Tensor& p, const Tensor& q) { return matmul(p, q); };
    check_product(mm_op, a, b);          // 2 x 3 tiles, a partial k tile
    check_product(mm_op, b.t(), a.t());  // transposed operands, read in place on the device
    check_product(mm_op, a.slice(1, 0, 33, 2), b.slice(0, 0, 33, 2));
    const Tensor x = matrix(dtype, {3, 1, 5, 17}, 0.7), y = matrix(dtype, {4, 17, 9}, 0.2);
    check_product(matmul_op, x, y);  // batch broadcast to [3, 4]
    check_product([](const Tensor& p, const Tensor& q) { return bmm(p, q); }, y.transpose(1, 2), y);
    check_product(matmul_op, a, a.select(0, 3));  // matrix @ vector
    check_product(mm_op, a.narrow(1, 0, 0), b.narrow(0, 0, 0));  // k = 0: zeros
  }
}

TEST_CASE("a network trains on the CUDA device as on the CPU", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  manual_seed(7);
  auto make = [] {
    return nn::Sequential(nn::Linear(6, 16), nn::Tanh(), nn::Linear(16, 3));
  };
  nn::Sequential host = make(), device = make();
  for (size_t i = 0; i < host->parameters().size(); ++i) {
    NoGradGuard no_grad;
    device->parameters()[i].copy_(host->parameters()[i]);
  }
  device->to(kCUDA);
  for (const Tensor& p : device->parameters()) CHECK(p.is_cuda());
  optim::Adam host_opt(host->parameters(), optim::AdamOptions(0.01));
  optim::Adam device_opt(device->parameters(), optim::AdamOptions(0.01));
  const Tensor x = matrix(kFloat32, {20, 6}, 0.5), target = matrix(kFloat32, {20, 3}, -0.5);
  const Tensor x_device = x.cuda(), target_device = target.cuda();
  for (int step = 0; step < 5; ++step) {
    host_opt.zero_grad();
    device_opt.zero_grad();
    Tensor host_loss = nn::functional::mse_loss(host->forward(x), target);
    Tensor device_loss = nn::functional::mse_loss(device->forward(x_device), target_device);
    host_loss.backward();
    device_loss.backward();
    host_opt.step();
    device_opt.step();
    INFO("step " << step);
    CHECK(device_loss.is_cuda());
    CHECK(std::abs(device_loss.item<float>() - host_loss.item<float>()) <= 1e-5f * std::abs(host_loss.item<float>()));
  }
  for (size_t i = 0; i < host->parameters().size(); ++i) {
    const Tensor d = device->parameters()[i].cpu(), h = host->parameters()[i];
    CHECK(allclose(d, h, 1e-4, 1e-6));
  }
}
