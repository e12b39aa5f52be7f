// Convolution on CUDA tensors (kernels/cuda/conv_direct.cuh, Note [CUDA direct convolution])
// against the CPU's: 1-D, 2-D and 3-D, stride, padding, dilation, groups, bias, a time slice of
// a multi-channel video read in place, every dtype; the gradients of input, weight and bias;
// the CPU's bits for the convis shapes on the emulated device; and the stateful
// filters::Conv3d run on the device in chunks.  Run by cuda/test_cuda_conv_emulated
// (CONVIS_CUDA_EMULATOR=1) and on a GPU.
#include "convis/core/cpu_capability.h"
#include "cuda/device_compare.h"

using namespace convis;
using namespace convis_test;

namespace {

Tensor sample(DType dtype, const Shape& shape, double shift) { return finite_sample(dtype, shape, shift, 0.01); }

// A device result against the CPU's: integers exactly; floats within the error bound of a sum of
// `terms` products in any order, from the float64 result on |inputs| (`bound_of`).
void check_sum(const Tensor& device, const Tensor& host, const Tensor& magnitude, int64_t terms) {
  REQUIRE(device.is_cuda());
  if (!is_floating_point(host.scalar_type())) {
    CHECK(equal(device.cpu(), host));
    return;
  }
  const double eps = host.scalar_type() == kFloat32 ? 6e-8 : 1.2e-16;
  const Tensor error = abs(device.cpu().to(kFloat64) - host.to(kFloat64));
  const Tensor bound = magnitude.to(kFloat64) * (4 * double(terms) * eps) + 1e-300;
  INFO("largest error over bound " << (error / bound).max().item<double>());
  CHECK(error.le(bound).all().item<bool>());
}

struct Geometry {
  Shape stride, padding, dilation;
  int64_t groups;
};

}  // namespace

TEST_CASE("CUDA conv1d, conv2d and conv3d give the CPU's values for every geometry", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const Geometry geometries[] = {{{1}, {0}, {1}, 1}, {{2}, {1}, {1}, 1}, {{1}, {2}, {2}, 2}, {{3}, {0}, {2}, 4}};
  for (DType dtype : {kInt64, kFloat32, kFloat64}) {
    for (const Geometry& g : geometries) {
      INFO(dtype_name(dtype) << ", stride " << g.stride[0] << ", padding " << g.padding[0] << ", dilation "
                             << g.dilation[0] << ", groups " << g.groups);
      const Tensor x3 = sample(dtype, {2, 4, 7, 9, 8}, 0.3), w3 = sample(dtype, {8, 4 / g.groups, 3, 2, 3}, -0.2);
      const Tensor b = sample(dtype, {8}, 0.1);
      auto conv = [&](const Tensor& x, const Tensor& w, const Tensor& bias) {
        return conv3d(x, w, bias, g.stride, g.padding, g.dilation, g.groups);
      };
      const int64_t terms = w3[0].numel() + 1;
      check_sum(conv(x3.cuda(), w3.cuda(), b.cuda()), conv(x3, w3, b), conv(abs(x3), abs(w3), abs(b)), terms);
      const Tensor x1 = x3.select(3, 0).select(3, 0), w1 = w3.select(3, 0).select(3, 0);
      check_sum(conv1d(x1.cuda(), w1.cuda(), {}, g.stride, g.padding, g.dilation, g.groups),
                conv1d(x1, w1, {}, g.stride, g.padding, g.dilation, g.groups),
                conv1d(abs(x1), abs(w1), {}, g.stride, g.padding, g.dilation, g.groups), terms);
      const Tensor x2 = x3.select(2, 1), w2 = w3.select(2, 0);
      check_sum(conv2d(x2.cuda(), w2.cuda(), b.cuda(), g.stride, g.padding, g.dilation, g.groups),
                conv2d(x2, w2, b, g.stride, g.padding, g.dilation, g.groups),
                conv2d(abs(x2), abs(w2), abs(b), g.stride, g.padding, g.dilation, g.groups), terms);
    }
  }
  // A time slice of a longer two-channel video, read in place on both devices.
  const Tensor video = sample(kFloat32, {2, 2, 12, 6, 7}, 0.4), w = sample(kFloat32, {3, 2, 4, 3, 3}, 0.1);
  const Tensor slice = video.slice(2, 3, 10);
  check_sum(conv3d(video.cuda().slice(2, 3, 10), w.cuda()), conv3d(slice, w), conv3d(abs(slice), abs(w)), w[0].numel());
}

TEST_CASE("CUDA convolution gradients of input, weight and bias", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  for (const Geometry& g : {Geometry{{1}, {1}, {1}, 1}, Geometry{{2}, {1}, {2}, 2}}) {
    INFO("stride " << g.stride[0] << ", groups " << g.groups);
    const Tensor x0 = sample(kFloat64, {2, 4, 6, 7, 5}, 0.3), w0 = sample(kFloat64, {6, 4 / g.groups, 3, 3, 2}, -0.2);
    const Tensor b0 = sample(kFloat64, {6}, 0.1);
    auto run = [&](const Tensor& x, const Tensor& w, const Tensor& b) {
      Tensor y = conv3d(x, w, b, g.stride, g.padding, g.dilation, g.groups);
      (y * y).sum().backward();
      return y;
    };
    Tensor xh = x0.clone().requires_grad_(true), wh = w0.clone().requires_grad_(true), bh = b0.clone().requires_grad_(true);
    Tensor xd = x0.cuda().requires_grad_(true), wd = w0.cuda().requires_grad_(true), bd = b0.cuda().requires_grad_(true);
    run(xh, wh, bh);
    run(xd, wd, bd);
    for (auto [device, host] : {std::pair{xd, xh}, std::pair{wd, wh}, std::pair{bd, bh}}) {
      REQUIRE(device.grad().defined());
      const std::string diff = difference(device.grad(), host.grad(), true);
      INFO(diff);
      CHECK(diff.empty());
    }
  }
}

TEST_CASE("the emulated device gives the CPU's bits for the convis shapes", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  if (!cuda::is_emulated() || cpu_capability() == "default") {
    SUCCEED("bitwise equality needs the emulator and a CPU with fused multiply-add");
    return;
  }
  // One channel, stride 1 (the CPU's direct kernels): the same fused chain per output.
  const Tensor x = sample(kFloat32, {1, 1, 14, 12, 13}, 0.2);
  for (const Shape& k : {Shape{5, 3, 3}, Shape{7, 1, 1}, Shape{1, 5, 5}}) {
    INFO(k);
    const Tensor w = sample(kFloat32, {1, 1, k[0], k[1], k[2]}, 0.3);
    CHECK(equal(conv3d(x.cuda(), w.cuda()).cpu(), conv3d(x, w)));
    CHECK(equal(conv3d(x.cuda(), w.cuda(), {}, 1, {1, 1, 1}).cpu(), conv3d(x, w, {}, 1, {1, 1, 1})));
  }
}

TEST_CASE("filters::Conv3d runs on the device, in chunks, as one call", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const Tensor video = sample(kFloat32, {1, 1, 20, 9, 8}, 0.1);
  filters::Conv3d host(1, 1, Shape{6, 3, 3});
  host->set_weight(sample(kFloat32, {6, 3, 3}, 0.2));
  filters::Conv3d device(1, 1, Shape{6, 3, 3});
  device->set_weight(sample(kFloat32, {6, 3, 3}, 0.2));
  device->to(kCUDA);
  NoGradGuard no_grad;
  const Tensor expected = host->forward(video);
  std::vector<Tensor> chunks;
  const Tensor on_device = video.cuda();
  for (int64_t t = 0; t < 20; t += 7) chunks.push_back(device->forward(on_device.slice(2, t, std::min<int64_t>(t + 7, 20))));
  const Tensor result = cat(chunks, 2);
  REQUIRE(result.is_cuda());
  const std::string diff = difference(result, expected, true);
  INFO(diff);
  CHECK(diff.empty());
}
