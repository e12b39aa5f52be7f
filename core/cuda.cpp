// core/cuda.cpp: the CUDA devices as core sees them: which runtime the process uses (Note [Two
// CUDA runtimes] in kernels/cuda/runtime.h), the caching allocator (Note [CUDA caching
// allocator] in core/cuda.h) and byte copies.
#include "convis/core/cuda.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>
#include <unordered_map>
#include <vector>

#include "convis/core/cuda_memory.h"
#include "convis/core/error.h"
#include "convis/kernels/cuda/runtime.h"
#include "convis/kernels/dispatch.h"

namespace convis {

namespace cuda_runtime {
const Runtime* active() {
  static const Runtime* const chosen = [] {
    const char* flag = std::getenv("CONVIS_CUDA_EMULATOR");
    return flag && std::strcmp(flag, "1") == 0 ? &emulated_runtime() : device_runtime();
  }();
  return chosen;
}
}  // namespace cuda_runtime

// Only where there is a device: elsewhere a lookup on kCUDA says that no kernel is registered.
void register_cuda_kernels() {
  const cuda_runtime::Runtime* r = cuda_runtime::active();
  if (r && r->device_count() > 0) r->register_kernels();
}

namespace {

constexpr int kMaxDevices = 16;

// One device's cache: free blocks by (size class, stream id), the stream of each live block,
// and the counters of core/cuda.h.
struct DeviceCache {
  std::map<std::pair<size_t, int64_t>, std::vector<void*>> free_blocks;
  std::unordered_map<void*, int64_t> live_streams;
  MemoryStats stats;
};

struct Allocator {
  std::mutex mutex;
  DeviceCache devices[kMaxDevices];
};

Allocator& allocator() {
  static Allocator* a = new Allocator;  // never destroyed: tensors may die after main returns
  return *a;
}

const cuda_runtime::Runtime& runtime_for(const char* op) {
  const cuda_runtime::Runtime* r = cuda_runtime::active();
  if (r) return *r;
  CONVIS_CHECK(cuda::is_built(), op, "expected a CUDA device, got a build without CUDA (configure with "
               "-DCONVIS_CUDA=ON on a machine with nvcc, or set CONVIS_CUDA_EMULATOR=1 for the emulated device)");
  CONVIS_CHECK(false, op, "expected a CUDA device, got none on this machine (cudaGetDeviceCount finds none; "
               "CONVIS_CUDA_EMULATOR=1 gives an emulated one)");
  throw Error("unreachable");
}

// Gives device d's cached blocks back to the runtime; the caller holds the mutex.
void release_cached(const cuda_runtime::Runtime& r, int d) {
  DeviceCache& cache = allocator().devices[d];
  for (auto& [key, blocks] : cache.free_blocks)
    for (void* p : blocks) r.free(d, p);
  cache.free_blocks.clear();
  cache.stats.cached_bytes = 0;
}

}  // namespace

namespace cuda_memory {

int checked_index(Device device, const char* op) {
  const cuda_runtime::Runtime& r = runtime_for(op);
  const int64_t count = r.device_count();
  CONVIS_CHECK(count > 0, op, "expected a CUDA device, got none on this machine (cudaGetDeviceCount finds none; "
               "CONVIS_CUDA_EMULATOR=1 gives an emulated one)");
  const int index = device.has_index() ? device.index() : 0;
  CONVIS_CHECK(index < count && index < kMaxDevices, op, "expected a CUDA device index below {}, got {}", count,
               device.str());
  return index;
}

void* allocate(Device device, size_t nbytes) {
  const int d = checked_index(device, "allocate");
  const cuda_runtime::Runtime& r = *cuda_runtime::active();
  const size_t size = cpu_block_size(nbytes);
  const int64_t stream = current_stream_id(d);
  std::lock_guard<std::mutex> lock(allocator().mutex);
  DeviceCache& cache = allocator().devices[d];
  void* p = nullptr;
  if (auto it = cache.free_blocks.find({size, stream}); it != cache.free_blocks.end() && !it->second.empty()) {
    p = it->second.back();
    it->second.pop_back();
    cache.stats.cached_bytes -= int64_t(size);
  } else {
    try {
      p = r.allocate(d, size);
    } catch (const Error&) {  // the cache may hold what is missing: give it back, try once more
      release_cached(r, d);
      try {
        p = r.allocate(d, size);
      } catch (const Error& e) {
        CONVIS_CHECK(false, "allocate", "expected {} bytes on {}, got out of memory with {} bytes live ({})", size,
                     device.str(), cache.stats.live_bytes, e.what());
      }
    }
    ++cache.stats.system_allocations;
  }
  ++cache.stats.allocations;
  cache.live_streams[p] = stream;
  cache.stats.live_bytes += int64_t(size);
  cache.stats.peak_bytes = std::max(cache.stats.peak_bytes, cache.stats.live_bytes);
  return p;
}

void free(Device device, void* ptr, size_t nbytes) {
  if (ptr == nullptr) return;
  const int d = device.has_index() ? device.index() : 0;
  const size_t size = cpu_block_size(nbytes);
  std::lock_guard<std::mutex> lock(allocator().mutex);
  DeviceCache& cache = allocator().devices[d];
  cache.stats.live_bytes -= int64_t(size);
  const auto live = cache.live_streams.find(ptr);
  const int64_t stream = live == cache.live_streams.end() ? 0 : live->second;
  if (live != cache.live_streams.end()) cache.live_streams.erase(live);
  if (!cpu_caching_enabled()) return cuda_runtime::active()->free(d, ptr);  // sanitizers see every block
  cache.free_blocks[{size, stream}].push_back(ptr);
  cache.stats.cached_bytes += int64_t(size);
}

namespace {
void copy_bytes(Device device, void* dst, const void* src, size_t nbytes, cuda_runtime::CopyKind kind, bool wait) {
  const int d = checked_index(device, "to");
  if (nbytes) cuda_runtime::active()->copy(d, dst, src, nbytes, kind, current_stream_handle(d), wait);
}
}  // namespace

void copy_to_device(Device device, void* dst, const void* src, size_t nbytes, bool non_blocking) {
  copy_bytes(device, dst, src, nbytes, cuda_runtime::CopyKind::host_to_device, !non_blocking);
}
void copy_to_host(Device device, void* dst, const void* src, size_t nbytes) {
  copy_bytes(device, dst, src, nbytes, cuda_runtime::CopyKind::device_to_host, true);
}
void copy_on_device(Device device, void* dst, const void* src, size_t nbytes) {
  copy_bytes(device, dst, src, nbytes, cuda_runtime::CopyKind::device_to_device, true);
}

void* allocate_pinned(size_t nbytes) {
  checked_index(Device(kCUDA, 0), "pin_memory");
  return cuda_runtime::active()->allocate_pinned(nbytes);
}
void free_pinned(void* ptr) { cuda_runtime::active()->free_pinned(ptr); }

}  // namespace cuda_memory

namespace cuda {

bool is_built() { return cuda_runtime::device_runtime() != nullptr; }
bool is_emulated() { return cuda_runtime::active() == &cuda_runtime::emulated_runtime(); }
int64_t device_count() {
  const cuda_runtime::Runtime* r = cuda_runtime::active();
  return r ? r->device_count() : 0;
}
bool is_available() { return device_count() > 0; }

void synchronize(int64_t device_index) {
  const cuda_runtime::Runtime& r = runtime_for("synchronize");
  cuda_memory::checked_index(Device(kCUDA, 0), "synchronize");  // some device exists
  if (device_index >= 0) return r.synchronize(cuda_memory::checked_index(Device(kCUDA, int(device_index)), "synchronize"));
  for (int64_t d = 0; d < r.device_count(); ++d) r.synchronize(int(d));
}

MemoryStats memory_stats(int64_t device_index) {
  const int d = cuda_memory::checked_index(Device(kCUDA, int(device_index)), "memory_stats");
  std::lock_guard<std::mutex> lock(allocator().mutex);
  return allocator().devices[d].stats;
}

void reset_peak_memory_stats(int64_t device_index) {
  const int d = cuda_memory::checked_index(Device(kCUDA, int(device_index)), "reset_peak_memory_stats");
  std::lock_guard<std::mutex> lock(allocator().mutex);
  MemoryStats& s = allocator().devices[d].stats;
  s.peak_bytes = s.live_bytes;
}

void empty_cache() {
  const cuda_runtime::Runtime* r = cuda_runtime::active();
  if (!r) return;
  std::lock_guard<std::mutex> lock(allocator().mutex);
  for (int64_t d = 0; d < std::min<int64_t>(r->device_count(), kMaxDevices); ++d) {
    r->synchronize(int(d));
    release_cached(*r, int(d));
  }
}

}  // namespace cuda

}  // namespace convis
