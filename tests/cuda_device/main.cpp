// tests/cuda_device/main.cpp: the CUDA kernels on a real device against the CPU ops.  Exits 77
// (CTest's skip) when no device is found, as on every machine without a GPU; the same kernel
// sources are tested on the CPU emulator in the normal suite (tests/cuda/).
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "convis/core/cuda.h"
#include "convis/core/ops.h"
#include "convis/core/factory.h"
#include "convis/kernels/cuda/launch.h"

using namespace convis;

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  std::printf("%s: %s\n", ok ? "ok" : "FAILED", what);
  failures += ok ? 0 : 1;
}

// A device copy of a contiguous CPU tensor's values (float or double), freed at scope end.
template <typename T>
struct DeviceBuffer {
  T* data = nullptr;
  std::size_t count = 0;
  explicit DeviceBuffer(std::size_t n) : count(n) { cudaMalloc(&data, n * sizeof(T)); }
  explicit DeviceBuffer(const Tensor& t) : DeviceBuffer(std::size_t(t.numel())) {
    cudaMemcpy(data, t.data_ptr<T>(), count * sizeof(T), cudaMemcpyHostToDevice);
  }
  ~DeviceBuffer() { cudaFree(data); }
  Tensor to_cpu(const Shape& sizes) const {
    Tensor t = empty(sizes, TensorOptions().dtype(sizeof(T) == 4 ? kFloat32 : kFloat64));
    cudaMemcpy(t.data_ptr<T>(), data, count * sizeof(T), cudaMemcpyDeviceToHost);
    return t;
  }
};

void test_elementwise() {
  Tensor a = randn({100003}), b = randn({100003});
  DeviceBuffer<float> da(a), db(b), out(100003);
  cuda_launch::mul_contiguous(out.data, da.data, db.data, 100003);
  cudaDeviceSynchronize();
  expect(out.to_cpu({100003}).equal(a * b), "mul_contiguous equals the CPU product bit for bit");
}

void test_sum() {
  Tensor x = randn({300001}, kFloat64);
  DeviceBuffer<double> dx(x), partial(std::size_t(cuda_launch::sum_blocks_needed(300001))), out(1);
  cuda_launch::sum(dx.data, 300001, partial.data, out.data);
  cudaDeviceSynchronize();
  const double got = out.to_cpu({1}).item<double>(), want = x.sum().item<double>();
  expect(std::abs(got - want) < 1e-9, "sum of 300001 doubles within 1e-9 of the CPU sum");
}

void test_conv3d() {
  Tensor x = randn({2, 1, 30, 67, 45}), w = randn({1, 1, 10, 7, 7});
  Tensor want = conv3d(x, w);
  DeviceBuffer<float> dx(x), dw(w), dy(std::size_t(want.numel()));
  cuda_launch::conv3d_one_channel(dx.data, dw.data, dy.data, {2, 30, 67, 45, 10, 7, 7});
  cudaDeviceSynchronize();
  expect(allclose(dy.to_cpu(want.sizes()), want, 1e-4, 1e-4), "conv3d_one_channel within 1e-4 of the CPU conv3d");
}

}  // namespace

int main() {
  if (cuda::device_count() == 0) {
    std::printf("no CUDA device: the device tests are skipped (the emulated ones ran in convis_tests)\n");
    return 77;
  }
  test_elementwise();
  test_sum();
  test_conv3d();
  std::printf("%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}
