// kernels/cuda/device.cu: the real devices' runtime (Note [Two CUDA runtimes] in
// kernels/cuda/runtime.h): discovery, memory, copies, streams, pinned host memory, through cudart.
//
// cudaGetDeviceCount fails with cudaErrorInsufficientDriver (35) on a machine without a
// driver and cudaErrorNoDevice (100) on one without a GPU; both mean "no device" here, so
// a CUDA build still runs everything on a CPU-only machine (see
// ../shared/reference/cuda-without-gpu.md).  We link the runtime only, never libcuda.
#include <cuda_runtime.h>

#include <cstdio>

#include "convis/core/error.h"
#include "convis/kernels/cuda/runtime.h"

namespace convis {

void register_device_cuda_kernels();  // kernels/cuda/kernels.cu

namespace cuda_runtime {

namespace {

// Throws an Error naming the call, the device and CUDA's message when `status` is not success.
// (The message is formatted into a buffer: std::string temporaries here would make the core
// library take std::string's members from higher layers' objects; tests/layers/check_layers.sh.)
void check(cudaError_t status, const char* call, int device) {
  if (status == cudaSuccess) return;
  cudaGetLastError();  // clear the sticky error so later calls start clean
  char message[320];
  std::snprintf(message, sizeof(message), "[%s] expected success on cuda:%d, got %s (%s)", call, device,
                cudaGetErrorName(status), cudaGetErrorString(status));
  throw Error(message);
}

std::int64_t count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return n;
}

void* allocate(int device, std::size_t nbytes) {
  check(cudaSetDevice(device), "cudaSetDevice", device);
  void* p = nullptr;
  check(cudaMalloc(&p, nbytes), "cudaMalloc", device);
  return p;
}

void release(int device, void* ptr) {
  check(cudaSetDevice(device), "cudaSetDevice", device);
  check(cudaFree(ptr), "cudaFree", device);
}

void copy(int device, void* dst, const void* src, std::size_t nbytes, CopyKind kind, StreamHandle stream, bool wait) {
  check(cudaSetDevice(device), "cudaSetDevice", device);
  const cudaMemcpyKind k = kind == CopyKind::host_to_device   ? cudaMemcpyHostToDevice
                           : kind == CopyKind::device_to_host ? cudaMemcpyDeviceToHost
                                                              : cudaMemcpyDeviceToDevice;
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  check(cudaMemcpyAsync(dst, src, nbytes, k, s), "cudaMemcpyAsync", device);
  if (wait) check(cudaStreamSynchronize(s), "cudaStreamSynchronize", device);
}

void synchronize(int device) {
  check(cudaSetDevice(device), "cudaSetDevice", device);
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize", device);
}

// Pool streams do not wait for the legacy default stream (LibTorch's pool streams are the same).
StreamHandle create_stream(int device) {
  check(cudaSetDevice(device), "cudaSetDevice", device);
  cudaStream_t s = nullptr;
  check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "cudaStreamCreateWithFlags", device);
  return s;
}

void synchronize_stream(int device, StreamHandle stream) {
  check(cudaSetDevice(device), "cudaSetDevice", device);
  check(cudaStreamSynchronize(static_cast<cudaStream_t>(stream)), "cudaStreamSynchronize", device);
}

bool query_stream(int device, StreamHandle stream) {
  check(cudaSetDevice(device), "cudaSetDevice", device);
  const cudaError_t status = cudaStreamQuery(static_cast<cudaStream_t>(stream));
  if (status == cudaErrorNotReady) return false;
  check(status, "cudaStreamQuery", device);
  return true;
}

void* allocate_pinned(std::size_t nbytes) {
  void* p = nullptr;
  check(cudaMallocHost(&p, nbytes), "cudaMallocHost", 0);
  return p;
}

void free_pinned(void* ptr) { check(cudaFreeHost(ptr), "cudaFreeHost", 0); }

int current_device() {
  int d = 0;
  check(cudaGetDevice(&d), "cudaGetDevice", 0);
  return d;
}

}  // namespace

const Runtime* device_runtime() {
  static const Runtime runtime{"cuda",           &count,          &allocate,           &release,
                               &copy,            &synchronize,    &register_device_cuda_kernels,
                               &create_stream,   &synchronize_stream, &query_stream, &allocate_pinned,
                               &free_pinned,     &current_device};
  return &runtime;
}

}  // namespace cuda_runtime

}  // namespace convis
