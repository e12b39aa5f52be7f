#include "convis/core/allocator.h"

#include <atomic>
#include <cstdlib>

#include "convis/core/error.h"

namespace convis {

namespace {
std::atomic<int64_t> g_live{0};
std::atomic<int64_t> g_peak{0};
std::atomic<int64_t> g_count{0};
}  // namespace

MemoryStats cpu_memory_stats() { return MemoryStats{g_live.load(), g_peak.load(), g_count.load()}; }

void reset_peak_cpu_memory() { g_peak.store(g_live.load()); }

void* cpu_allocate(size_t nbytes) {
  if (nbytes == 0) return nullptr;
  size_t rounded = (nbytes + kCpuAlignment - 1) / kCpuAlignment * kCpuAlignment;
  void* p = std::aligned_alloc(kCpuAlignment, rounded);
  CONVIS_CHECK(p != nullptr, "allocate", "expected to allocate {} bytes of CPU memory, got out of memory", nbytes);
  int64_t live = g_live.fetch_add(int64_t(nbytes)) + int64_t(nbytes);
  int64_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  g_count.fetch_add(1);
  return p;
}

void cpu_free(void* ptr, size_t nbytes) {
  if (!ptr) return;
  std::free(ptr);
  g_live.fetch_sub(int64_t(nbytes));
}

}  // namespace convis
