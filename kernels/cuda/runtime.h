// kernels/cuda/runtime.h: the few runtime calls a CUDA device needs, behind one struct, so that
// one process runs on the real device (cudart, kernels/cuda/device.cu) or on the emulated one
// (host memory, kernels run by kernels/cuda/emu; core/cuda_emulated.cpp) with the same core code.
// C++17: kernels/cuda/*.cu include it.
//
//   const convis::cuda_runtime::Runtime* r = convis::cuda_runtime::active();   // null: no CUDA here
//   void* p = r->allocate(0, 1024);
//   r->copy(0, p, host, 1024, convis::cuda_runtime::CopyKind::host_to_device);
//   r->free(0, p);
//
// Note [Two CUDA runtimes]
// The process chooses once, at its first CUDA call: CONVIS_CUDA_EMULATOR=1 in the environment
// gives one emulated device (its memory is host memory, its kernels are the .cuh sources
// compiled by g++ against kernels/cuda/emu, run on the CPU); otherwise the real devices of a
// CUDA build, or none.  Core code (storage, copies, the dispatch table's kCUDA entries) sees only
// this struct, so what the emulated device runs in CI -- the allocator, every transfer, every
// kernel's launch and logic -- is what a GPU runs, less speed and true concurrency.
#pragma once

#include <cstddef>
#include <cstdint>

namespace convis::cuda_runtime {

enum class CopyKind { host_to_device, device_to_host, device_to_device };

// A stream as the runtime knows it: a cudaStream_t (null: the device's default stream) or, on
// the emulated device, a number.
using StreamHandle = void*;

struct Runtime {
  const char* name;  // "cuda" or "emulated"
  std::int64_t (*device_count)();
  // Raw device memory (the caching allocator in core/cuda.cpp sits in front); throws Error
  // naming the device and the runtime's message when it fails.
  void* (*allocate)(int device, std::size_t nbytes);
  void (*free)(int device, void* ptr);
  // A copy on `stream` of `device`; with `wait` it has finished when the call returns.
  void (*copy)(int device, void* dst, const void* src, std::size_t nbytes, CopyKind kind, StreamHandle stream,
               bool wait);
  void (*synchronize)(int device);
  // Fills the dispatch table's kCUDA entries with this runtime's kernels.
  void (*register_kernels)();
  // Streams (Note [CUDA streams] in core/cuda_stream.h): a new one (never destroyed: the pool
  // keeps them), waiting for one, and whether its work is done.
  StreamHandle (*create_stream)(int device);
  void (*synchronize_stream)(int device, StreamHandle stream);
  bool (*query_stream)(int device, StreamHandle stream);
  // Page-locked host memory (Tensor::pin_memory), which copies can read without staging.
  void* (*allocate_pinned)(std::size_t nbytes);
  void (*free_pinned)(void* ptr);
  // The device the calling thread's kernels go to (cudaGetDevice; 0 emulated).
  int (*current_device)();
};

// The real devices' runtime: null in a build without CUDA (kernels/cuda/device.cu defines it,
// core/cuda_stub.cpp otherwise).
const Runtime* device_runtime();
// The emulated device (core/cuda_emulated.cpp).
const Runtime& emulated_runtime();
// The one this process uses (Note [Two CUDA runtimes]); null when there is none.
const Runtime* active();
// The calling thread's current stream on its current device, where every kernel launches
// (kernels/cuda/compat.h's klaunch; core/cuda_stream.cpp keeps the current streams).
StreamHandle launch_stream();

}  // namespace convis::cuda_runtime
