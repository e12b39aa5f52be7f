// The kernels that run along time on the CUDA device (kernels/cuda/recurrent.cuh): the linear
// recursion (forward and its gradients), the streamed first-order recursion of the recursive
// filters and the spiking neurons, against the CPU kernels, bit for bit (Note [Exact CUDA
// units]: on the emulated device and on a GPU alike).  Run by cuda/test_cuda_recurrent_emulated
// (CONVIS_CUDA_EMULATOR=1) and on a GPU.
#include "cuda/device_compare.h"
#include "cuda/emu_order.h"

#include "convis/nn/convis/filters/recursive.h"
#include "convis/nn/convis/retina/bipolar.h"
#include "convis/nn/convis/retina/ganglion.h"

using namespace convis;
using namespace convis_test;

namespace {

// Smooth finite values in [-1, 1] of `dtype`.
Tensor signal(DType dtype, const Shape& shape, double shift) {
  return finite_sample(kFloat64, shape, shift, 0.37).sin().to(dtype);
}

}  // namespace

TEST_CASE("linear_recursion on the CUDA device gives the CPU's bits, gradients too", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  for (DType dtype : {kFloat32, kFloat64}) {
    INFO(dtype_name(dtype));
    const Tensor x = signal(dtype, {2, 3, 9, 5, 7}, 0.3);
    const Tensor y0 = signal(dtype, {2, 3, 1, 5, 7}, 1.1);
    auto coefficient = [&](double v) { return scalar_tensor(v, TensorOptions(dtype)); };
    for (int64_t dim : {2, 4, 0}) {
      INFO("dim " << dim);
      const Tensor start = dim == 2 ? y0 : Tensor();
      const Tensor host = filters::linear_recursion(x, coefficient(0.7), coefficient(-0.2), coefficient(0.9),
                                                    coefficient(-0.3), start, dim);
      const Tensor device = filters::linear_recursion(x.cuda(), coefficient(0.7).cuda(), coefficient(-0.2).cuda(),
                                                      coefficient(0.9).cuda(), coefficient(-0.3).cuda(),
                                                      start.defined() ? start.cuda() : Tensor(), dim);
      check_device(device, host, !cuda::is_emulated());
    }
  }
  SECTION("gradients in every argument, float64") {
    auto run = [](const Tensor& x, std::vector<Tensor>& leaves) {
      leaves.clear();
      for (double v : {0.7, -0.2, 0.9, -0.3}) leaves.push_back(scalar_tensor(v, TensorOptions(kFloat64).device(x.device())).requires_grad_(true));
      Tensor y0 = full({1, 2, 1, 3, 4}, 0.5, TensorOptions(kFloat64).device(x.device())).requires_grad_(true);
      leaves.push_back(y0);
      Tensor y = filters::linear_recursion(x, leaves[0], leaves[1], leaves[2], leaves[3], y0, 2);
      (y * y).sum().backward();
    };
    const Tensor x_host = signal(kFloat64, {1, 2, 6, 3, 4}, 0.0).requires_grad_(true);
    const Tensor x_device = x_host.detach().cuda().requires_grad_(true);
    std::vector<Tensor> host, device;
    run(x_host, host);
    run(x_device, device);
    check_device(x_device.grad(), x_host.grad(), true);
    for (size_t i = 0; i < host.size(); ++i) {
      INFO("argument " << i + 1);
      check_device(device[i].grad(), host[i].grad(), true);
    }
  }
}

TEST_CASE("the streamed first-order recursion on the CUDA device gives the CPU's bits", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  for (DType dtype : {kFloat32, kFloat64}) {
    for (bool highpass : {false, true}) {
      for (bool fresh : {true, false}) {
        INFO(dtype_name(dtype) << (highpass ? " high-pass" : " low-pass") << (fresh ? ", fresh" : ", with a state"));
        const Tensor x = signal(dtype, {2, 1, 11, 5, 3}, 0.2);
        const Tensor previous = highpass ? signal(dtype, {2, 1, 1, 5, 3}, 2.0) : Tensor();
        Tensor state_host = signal(dtype, {2, 1, 1, 5, 3}, -1.0), state_device = state_host.cuda();
        filters::FirstOrderStream f{0.25, 0.75, 0.5, 0.01, highpass ? 0.8 : 0.0, highpass};
        const Tensor host = filters::first_order_stream(x, state_host, fresh, previous, f);
        const Tensor device = filters::first_order_stream(x.cuda(), state_device, fresh,
                                                          previous.defined() ? previous.cuda() : Tensor(), f);
        check_device(device, host, !cuda::is_emulated());
        check_device(state_device, state_host, !cuda::is_emulated());
      }
    }
  }
  SECTION("a state on another device is an Error naming both") {
    Tensor state = zeros({1, 1, 1, 2, 2});
    CHECK_THROWS_WITH(filters::first_order_stream(zeros({1, 1, 3, 2, 2}).cuda(), state, false, Tensor(), {1, 0, 1, 1}),
                      Catch::Contains("on cuda:0, got shape [1, 1, 1, 2, 2] of dtype float32 on cpu"));
  }
}

TEST_CASE("the spiking neurons on the CUDA device give the CPU's spikes and states", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  NoGradGuard no_grad;
  models::GanglionConfig config;
  // Both noises on: the membrane's and the refractory periods' normals are drawn on the device.
  config.refr_stdev = 0.001;
  models::GanglionSpiking host(config, 11), device(config, 11);
  device->to(kCUDA);
  // 3 x 5 neurons per frame: an odd count, the last pair has one neuron; two planes.
  const Tensor current = (signal(kFloat32, {1, 2, 40, 3, 5}, 0.4) + 1.0f) * 60.0f;
  for (int64_t t = 0; t < 40; t += 13) {
    const Tensor chunk = current.narrow(2, t, std::min<int64_t>(13, 40 - t));
    const Tensor expected = host->forward(chunk), result = device->forward(chunk.cuda());
    REQUIRE(result.is_cuda());
    check_device(result, expected, false);
  }
  CHECK(host->state("V").device() == Device(kCPU));
  CHECK(device->state("V").is_cuda());
  check_device(device->state("V"), host->state("V"), !cuda::is_emulated());
  check_device(device->state("refr"), host->state("refr"), !cuda::is_emulated());
  CHECK(device->state("rng_offset").item<int64_t>() == host->state("rng_offset").item<int64_t>());
}

TEST_CASE("the bipolar cells on the CUDA device", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  NoGradGuard no_grad;
  const Tensor x = (signal(kFloat32, {2, 1, 30, 6, 5}, 0.1) + 0.2f) * 3.0f;  // two planes
  SECTION("gain control off (the default): one kernel, the CPU's bits") {
    // On the emulated device also with its threads started in reverse order: the frame's
    // conductance goes through shared memory between two barriers (a missing one shows there).
    EmuOrderGuard order;
    for (bool reverse : {false, true}) {
      if (reverse && !cuda::is_emulated()) break;
      cuda_emu::config().reverse = reverse;
      for (DType dtype : {kFloat32, kFloat64}) {
        INFO(dtype_name(dtype) << (reverse ? ", threads in reverse order" : ""));
        models::Bipolar host, device;
        host->to(dtype);
        device->to(dtype);
        device->to(kCUDA);
        for (int64_t t = 0; t < 30; t += 11) {
          const Tensor chunk = x.narrow(2, t, std::min<int64_t>(11, 30 - t)).to(dtype);
          check_device(device->forward(chunk.cuda()), host->forward(chunk), !cuda::is_emulated());
        }
        REQUIRE(device->state("V").is_cuda());
        check_device(device->state("V"), host->state("V"), !cuda::is_emulated());
        check_device(device->state("Q"), host->state("Q"), !cuda::is_emulated());
      }
    }
  }
  SECTION("gain control on: the smoothing as tensor ops on the device") {
    // float32 tensor ops against the CPU loop's double arithmetic: float32's rounding apart
    models::BipolarConfig config;
    config.lambda_amp = 3.0;
    models::Bipolar host(config), device(config);
    device->to(kCUDA);
    for (int64_t t = 0; t < 30; t += 11) {
      const Tensor chunk = x.narrow(2, t, std::min<int64_t>(11, 30 - t));
      const Tensor result = device->forward(chunk.cuda()), expected = host->forward(chunk);
      REQUIRE(result.is_cuda());
      const Tensor error = abs(result.cpu() - expected);
      INFO("largest difference " << error.max().item<double>());
      CHECK(error.le(abs(expected) * 1e-5 + 1e-6).all().item<bool>());
    }
  }
}
