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

void copy_to_device(Device device, void* dst, const void* src, size_t nbytes);
void copy_to_host(Device device, void* dst, const void* src, size_t nbytes);
void copy_on_device(Device device, void* dst, const void* src, size_t nbytes);

}  // namespace convis::cuda_memory
