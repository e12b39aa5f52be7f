// core/cuda_memory.h: device memory and byte copies for core (storage, transfers); the public
// face is core/cuda.h.  Every function checks the device (a CUDA device that exists) first.
//
//   void* p = convis::cuda_memory::allocate(Device(kCUDA, 0), 4096);   // cached block
//   convis::cuda_memory::copy_to_device(Device(kCUDA, 0), p, host, 4096);
//   convis::cuda_memory::free(Device(kCUDA, 0), p, 4096);
#pragma once

#include <cstddef>

#include "convis/core/device.h"

namespace convis::cuda_memory {

// The device's index, checked: an Error naming `op` when there is no such CUDA device (a build
// without CUDA, a machine without a GPU, an index past the last device).
int checked_index(Device device, const char* op);

void* allocate(Device device, size_t nbytes);
void free(Device device, void* ptr, size_t nbytes);

// Copies on the device's current stream (Note [CUDA streams] in core/cuda_stream.h); they have
// finished when they return unless `non_blocking` (then the caller keeps the host memory, which
// must be pinned, alive and unchanged until the stream is done).
void copy_to_device(Device device, void* dst, const void* src, size_t nbytes, bool non_blocking = false);
void copy_to_host(Device device, void* dst, const void* src, size_t nbytes);
void copy_on_device(Device device, void* dst, const void* src, size_t nbytes);

// The calling thread's current stream on device d: its id (0: the default) and runtime handle.
int64_t current_stream_id(int device);
void* current_stream_handle(int device);

// Page-locked host memory for Tensor::pin_memory (Storage frees it with free_pinned).
void* allocate_pinned(size_t nbytes);
void free_pinned(void* ptr);

}  // namespace convis::cuda_memory
