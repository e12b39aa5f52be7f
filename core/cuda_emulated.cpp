// core/cuda_emulated.cpp: the emulated CUDA device (Note [Two CUDA runtimes] in
// kernels/cuda/runtime.h): one device whose memory is host memory and whose kernels run on the
// CPU through kernels/cuda/emu.  Fresh device memory is filled with 0xFF bytes (NaN as floats,
// -1 as integers), so a kernel that reads what nothing wrote shows it, as uninitialised device
// memory would only by chance.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "convis/core/error.h"
#include "convis/kernels/cuda/runtime.h"

namespace convis {

void register_emulated_cuda_kernels();  // kernels/cuda/emulated_kernels.cpp

namespace cuda_runtime {

namespace {

constexpr size_t kAlignment = 256;  // what cudaMalloc guarantees

std::int64_t emulated_count() { return 1; }

void* emulated_allocate(int device, std::size_t nbytes) {
  void* p = std::aligned_alloc(kAlignment, (nbytes + kAlignment - 1) / kAlignment * kAlignment);
  CONVIS_CHECK(p != nullptr, "allocate", "expected {} bytes on the emulated cuda:{}, got out of host memory", nbytes,
               device);
  std::memset(p, 0xFF, nbytes);
  return p;
}

void emulated_free(int, void* ptr) { std::free(ptr); }

// Every launch and copy runs to its end before it returns, so every stream is always done.
void emulated_copy(int, void* dst, const void* src, std::size_t nbytes, CopyKind, StreamHandle, bool) {
  std::memmove(dst, src, nbytes);
}

void emulated_synchronize(int) {}

// Streams are numbers 1, 2, ... (null is the default stream).
StreamHandle emulated_create_stream(int) {
  static std::atomic<std::uintptr_t> next{1};
  return reinterpret_cast<StreamHandle>(next++);
}
void emulated_synchronize_stream(int, StreamHandle) {}
bool emulated_query_stream(int, StreamHandle) { return true; }

void* emulated_allocate_pinned(std::size_t nbytes) {
  void* p = std::aligned_alloc(kAlignment, (nbytes + kAlignment - 1) / kAlignment * kAlignment);
  CONVIS_CHECK(p != nullptr, "pin_memory", "expected {} bytes of host memory, got out of memory", nbytes);
  return p;
}
void emulated_free_pinned(void* ptr) { std::free(ptr); }
int emulated_current_device() { return 0; }

}  // namespace

const Runtime& emulated_runtime() {
  static const Runtime runtime{"emulated",
                               &emulated_count,
                               &emulated_allocate,
                               &emulated_free,
                               &emulated_copy,
                               &emulated_synchronize,
                               &register_emulated_cuda_kernels,
                               &emulated_create_stream,
                               &emulated_synchronize_stream,
                               &emulated_query_stream,
                               &emulated_allocate_pinned,
                               &emulated_free_pinned,
                               &emulated_current_device};
  return runtime;
}

}  // namespace cuda_runtime

}  // namespace convis
