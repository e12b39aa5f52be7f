// core/cuda.h: the CUDA devices, as LibTorch's torch::cuda namespace, and their memory.
//
//   if (convis::cuda::is_available()) {
//     auto x = convis::randn({1000}).cuda();       // or .to(convis::kCUDA)
//     convis::cuda::synchronize();
//     convis::cuda::memory_stats().live_bytes;     // 4000: x's block (rounded to its size class)
//   }
//   convis::cuda::device_count();   // 0 in a build without CUDA or on a machine without a GPU
//
// With CONVIS_CUDA_EMULATOR=1 in the environment the process has one emulated device instead
// (memory in host RAM, kernels run on the CPU by kernels/cuda/emu): slow, but every CUDA path
// of the library runs, which is how CI tests them (Note [Two CUDA runtimes] in
// kernels/cuda/runtime.h).
#pragma once

#include <cstdint>

#include "convis/core/allocator.h"

namespace convis::cuda {

// True when a CUDA device (real or emulated) is present.
bool is_available();
// Number of visible CUDA devices; 0 without a driver, without a GPU, or without CUDA support
// (1 on the emulated device).
int64_t device_count();
// True when the library was built with CONVIS_CUDA=ON.
bool is_built();
// True when this process runs on the emulated device (CONVIS_CUDA_EMULATOR=1).
bool is_emulated();

// Waits until the device (-1: every device) has finished its work.
void synchronize(int64_t device_index = -1);

// Note [CUDA caching allocator]
// Device memory is costly to take from the driver (cudaMalloc synchronizes the device), so
// freed blocks are kept for reuse, per device and per stream, by size class (the CPU
// allocator's classes: multiples of 64 bytes up to 512, then four per power of two).  A block
// is handed only to an allocation on the stream it was allocated on (Note [CUDA streams] in
// core/cuda_stream.h): work on one stream runs in order, so a block freed by one op may go to
// the next op on that stream at once, its last use ordered before any later kernel there.  When the runtime cannot allocate, the cache
// is given back and the allocation tried once more; then an Error names the device, the bytes
// asked and what is live and cached.  Stats as the CPU's (convis::MemoryStats).
MemoryStats memory_stats(int64_t device_index = 0);
void reset_peak_memory_stats(int64_t device_index = 0);
// Gives every cached block of every device back to the runtime.
void empty_cache();

}  // namespace convis::cuda

#include "convis/core/cuda_stream.h"
