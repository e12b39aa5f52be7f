// core/cuda_stream.cpp: the streams of core/cuda_stream.h (Note [CUDA streams]): each device's
// pool, created on first use, and each thread's current stream per device.
#include "convis/core/cuda_stream.h"

#include <array>
#include <atomic>
#include <mutex>
#include <ostream>

#include "convis/core/cuda_memory.h"
#include "convis/core/error.h"
#include "convis/kernels/cuda/runtime.h"

namespace convis {

namespace {

constexpr int kMaxDevices = 16;
constexpr int64_t kPoolSize = 32;

// Each device's pool streams (index id - 1), created on first use, and the next one to hand out.
struct Pools {
  std::mutex mutex;
  std::array<std::array<cuda_runtime::StreamHandle, kPoolSize>, kMaxDevices> handles{};
  std::array<std::atomic<int64_t>, kMaxDevices> next{};
};

Pools& pools() {
  static Pools* p = new Pools;  // never destroyed: streams may be used after main returns
  return *p;
}

// The calling thread's current stream id per device (0: the default stream).
thread_local std::array<int64_t, kMaxDevices> current_ids{};

int device_of(int64_t device_index, const char* op) {
  return cuda_memory::checked_index(Device(kCUDA, device_index < 0 ? 0 : int(device_index)), op);
}

cuda_runtime::StreamHandle handle_of(int device, int64_t id) {
  if (id == 0) return nullptr;
  Pools& p = pools();
  std::lock_guard<std::mutex> lock(p.mutex);
  cuda_runtime::StreamHandle& h = p.handles[size_t(device)][size_t(id - 1)];
  if (!h) h = cuda_runtime::active()->create_stream(device);
  return h;
}

}  // namespace

namespace cuda_memory {

int64_t current_stream_id(int device) { return current_ids[size_t(device)]; }
void* current_stream_handle(int device) { return handle_of(device, current_ids[size_t(device)]); }

}  // namespace cuda_memory

namespace cuda_runtime {

StreamHandle launch_stream() {
  const Runtime* r = active();
  const int d = r ? r->current_device() : 0;
  return d >= 0 && d < kMaxDevices ? handle_of(d, current_ids[size_t(d)]) : nullptr;
}

}  // namespace cuda_runtime

namespace cuda {

void* CUDAStream::stream() const { return handle_of(device_index_, id_); }

void CUDAStream::synchronize() const {
  cuda_runtime::active()->synchronize_stream(device_index_, handle_of(device_index_, id_));
}

bool CUDAStream::query() const { return cuda_runtime::active()->query_stream(device_index_, handle_of(device_index_, id_)); }

CUDAStream getDefaultCUDAStream(int64_t device_index) {
  return CUDAStream(device_of(device_index, "getDefaultCUDAStream"), 0);
}

CUDAStream getCurrentCUDAStream(int64_t device_index) {
  const int d = device_of(device_index, "getCurrentCUDAStream");
  return CUDAStream(d, current_ids[size_t(d)]);
}

CUDAStream getStreamFromPool(bool, int64_t device_index) {
  const int d = device_of(device_index, "getStreamFromPool");
  return CUDAStream(d, pools().next[size_t(d)]++ % kPoolSize + 1);
}

void setCurrentCUDAStream(CUDAStream stream) {
  device_of(stream.device_index(), "setCurrentCUDAStream");
  current_ids[size_t(stream.device_index())] = stream.id();
}

CUDAStreamGuard::CUDAStreamGuard(CUDAStream stream)
    : original_(getCurrentCUDAStream(stream.device_index())), current_(stream) {
  setCurrentCUDAStream(stream);
}

CUDAStreamGuard::~CUDAStreamGuard() { current_ids[size_t(original_.device_index())] = original_.id(); }

std::ostream& operator<<(std::ostream& out, const CUDAStream& stream) {
  return out << "stream " << stream.id() << " on " << stream.device().str();
}

}  // namespace cuda

}  // namespace convis
