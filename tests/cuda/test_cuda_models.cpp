// The convis models with their input on the CUDA device: the LN model and the Retina (OPL,
// bipolar, ganglion input currents and spikes) moved with to(kCUDA), run in chunks, against the
// same models on the CPU; the states move with the module (Layer::convert_other_tensors).
// The recursive filters and the spiking neurons run on the device kernels of
// kernels/cuda/recurrent.cuh (tests/cuda/test_cuda_recurrent.cpp); the bipolar stage as tensor
// ops (its graph path).  Run by cuda/test_cuda_models_emulated (CONVIS_CUDA_EMULATOR=1)
// and on a GPU.
#include "cuda/device_compare.h"

using namespace convis;
using namespace convis_test;

namespace {

Tensor movie(int64_t frames) {
  return (sin(arange(0, frames * 16 * 14, 1, TensorOptions(kFloat32)) * 0.37f) * 0.5f + 0.5f).reshape({1, 1, frames, 16, 14});
}

// The chunks of `dt` frames of `input` through `layer`, concatenated.
template <typename L>
Tensor in_chunks(L& layer, const Tensor& input, int64_t dt) {
  std::vector<Tensor> parts;
  for (int64_t t = 0; t < input.size(2); t += dt) parts.push_back(layer->forward(input.narrow(2, t, std::min(dt, input.size(2) - t))));
  return cat(parts, 2);
}

}  // namespace

TEST_CASE("the LN model runs on the CUDA device as on the CPU", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  NoGradGuard no_grad;
  models::LN host, device;
  device->to(kCUDA);
  const Tensor x = movie(24);
  const Tensor expected = in_chunks(host, x, 10), result = in_chunks(device, x.cuda(), 10);
  REQUIRE(result.is_cuda());
  const std::string diff = difference(result, expected, true);
  INFO(diff);
  CHECK(diff.empty());
}

TEST_CASE("the Retina runs with its input on the CUDA device", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  NoGradGuard no_grad;
  models::Retina currents_host(true, true, true, false), currents_device(true, true, true, false);
  currents_device->to(kCUDA);
  const Tensor x = movie(30) * 255;
  SECTION("ganglion input currents, chunk by chunk") {
    const Tensor expected = in_chunks(currents_host, x, 7), result = in_chunks(currents_device, x.cuda(), 7);
    REQUIRE(result.is_cuda());
    const Tensor error = abs(result.cpu() - expected);
    INFO("largest difference " << error.max().item<double>() << " of values up to " << abs(expected).max().item<double>());
    CHECK(error.le(abs(expected) * 1e-4 + 1e-3).all().item<bool>());
    // Every stage is a kernel with the CPU's order of operations: the emulated device gives its bits.
    if (cuda::is_emulated()) CHECK(equal(result.cpu(), expected));
  }
  SECTION("spikes") {
    manual_seed(5);  // the spiking noise: the same generator seed on both sides
    models::Retina host;
    manual_seed(5);
    models::Retina device;
    device->to(kCUDA);
    const Tensor expected = in_chunks(host, x, 10), result = in_chunks(device, x.cuda(), 10);
    REQUIRE(result.is_cuda());
    REQUIRE(result.dtype() == kBool);
    // Spikes follow thresholds: the device's sums may round a membrane across one rarely.
    const double differ = result.cpu().ne(expected).to(kFloat64).mean().item<double>();
    INFO("fraction of spike decisions that differ " << differ);
    CHECK(differ <= 0.01);
    if (cuda::is_emulated()) CHECK(differ == 0.0);
    CHECK(result.cpu().sum().item<int64_t>() > 0);
  }
}
