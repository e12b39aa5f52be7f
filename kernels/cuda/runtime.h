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

struct Runtime {
  const char* name;  // "cuda" or "emulated"
  std::int64_t (*device_count)();
  // Raw device memory (the caching allocator in core/cuda.cpp sits in front); throws Error
  // naming the device and the runtime's message when it fails.
  void* (*allocate)(int device, std::size_t nbytes);
  void (*free)(int device, void* ptr);
  // Synchronous copies (the device is idle after them), on `device`.
  void (*copy)(int device, void* dst, const void* src, std::size_t nbytes, CopyKind kind);
  void (*synchronize)(int device);
  // Fills the dispatch table's kCUDA entries with this runtime's kernels.
  void (*register_kernels)();
};

// The real devices' runtime: null in a build without CUDA (kernels/cuda/device.cu defines it,
// core/cuda_stub.cpp otherwise).
const Runtime* device_runtime();
// The emulated device (core/cuda_emulated.cpp).
const Runtime& emulated_runtime();
// The one this process uses (Note [Two CUDA runtimes]); null when there is none.
const Runtime* active();

}  // namespace convis::cuda_runtime
