// core/allocator.cpp: see Note [CPU allocator] and Note [Caching allocator] in core/allocator.h.
#include "convis/core/allocator.h"

#include <atomic>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "convis/core/error.h"
#include "convis/core/pool.h"

namespace convis {

namespace {

std::atomic<int64_t> g_live{0};
std::atomic<int64_t> g_peak{0};
std::atomic<int64_t> g_count{0};
std::atomic<int64_t> g_system_count{0};

constexpr size_t kSmallLimit = 512;  // multiples of 64 up to here, then 4 classes per power of two
constexpr int kNumClasses = 8 + (std::bit_width(kMaxCachedBlock - 1) - 9) * 4;

// The size class of nbytes (> 0) and its block size.
int size_class(size_t nbytes, size_t* block) {
  if (nbytes <= kSmallLimit) {
    *block = (nbytes + 63) / 64 * 64;
    return int(*block / 64) - 1;
  }
  const int p = std::bit_width(nbytes - 1);  // 2^(p-1) < nbytes <= 2^p
  const size_t step = size_t(1) << (p - 3);
  *block = (nbytes + step - 1) / step * step;  // 5..8 steps
  return 8 + (p - 10) * 4 + int(*block / step) - 5;
}

// The free lists: each free block's first 8 bytes point at the next one.  Constant-initialized
// and never destroyed, so tensors that die during static destruction still find it.
struct Cache {
  std::mutex mutex;
  void* heads[kNumClasses] = {};
  std::atomic<int64_t> cached_bytes{0};
};
constinit Cache g_cache;

bool caching_from_environment() {
#if defined(__SANITIZE_ADDRESS__)
  return false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return false;
#endif
#endif
  const char* off = std::getenv("CONVIS_NO_CACHING_ALLOCATOR");
  return off == nullptr || off[0] == '\0' || std::strcmp(off, "0") == 0;
}

void* system_allocate(size_t block, size_t nbytes) {
  void* p = std::aligned_alloc(kCpuAlignment, block);
  CONVIS_CHECK(p != nullptr, "allocate", "expected to allocate {} bytes of CPU memory, got out of memory", nbytes);
  g_system_count.fetch_add(1, std::memory_order_relaxed);
  return p;
}

// A cached block of class `c`, or null.
void* pop_cached(int c, size_t block) {
  std::lock_guard<std::mutex> lock(g_cache.mutex);
  void* p = g_cache.heads[c];
  if (p == nullptr) return nullptr;
  std::memcpy(&g_cache.heads[c], p, sizeof(void*));
  g_cache.cached_bytes.fetch_sub(int64_t(block), std::memory_order_relaxed);
  return p;
}

// Keeps the block for reuse; false when the cache is full.
bool push_cached(void* p, int c, size_t block) {
  std::lock_guard<std::mutex> lock(g_cache.mutex);
  if (g_cache.cached_bytes.load(std::memory_order_relaxed) + int64_t(block) > int64_t(kMaxCachedBytes)) return false;
  std::memcpy(p, &g_cache.heads[c], sizeof(void*));
  g_cache.heads[c] = p;
  g_cache.cached_bytes.fetch_add(int64_t(block), std::memory_order_relaxed);
  return true;
}

// Note [Per-thread front of the cache]: the classes of blocks up to 512 bytes (0..7) have,
// besides the shared lists, a short list per thread that takes no lock.  A thread keeps at most
// kThreadBlocks blocks per class; the rest go to the shared lists.  At thread exit its blocks
// move to the shared lists.  cached_bytes counts both.
constexpr int kThreadClasses = 8;
constexpr int kThreadBlocks = 64;
struct ThreadCache {
  void* heads[kThreadClasses] = {};
  int counts[kThreadClasses] = {};
  bool armed = false;    // the exit hook is registered
  bool exiting = false;  // the thread is ending: use the shared lists only
};
constinit thread_local ThreadCache t_cache;

// Empties the calling thread's lists: into the shared lists (`keep`) or back to the system.
void drain_thread_cache(bool keep) {
  for (int c = 0; c < kThreadClasses; ++c) {
    const size_t block = size_t(c + 1) * 64;
    while (void* p = t_cache.heads[c]) {
      std::memcpy(&t_cache.heads[c], p, sizeof(void*));
      g_cache.cached_bytes.fetch_sub(int64_t(block), std::memory_order_relaxed);
      if (!keep || !push_cached(p, c, block)) std::free(p);
    }
    t_cache.counts[c] = 0;
  }
}

struct ThreadCacheHook {
  ~ThreadCacheHook() {
    t_cache.exiting = true;
    drain_thread_cache(/*keep=*/true);
  }
};

void* pop_thread_cached(int c) {
  void* p = t_cache.heads[c];
  if (p == nullptr) return nullptr;
  std::memcpy(&t_cache.heads[c], p, sizeof(void*));
  --t_cache.counts[c];
  g_cache.cached_bytes.fetch_sub(int64_t(c + 1) * 64, std::memory_order_relaxed);
  return p;
}

bool push_thread_cached(void* p, int c) {
  if (t_cache.exiting || t_cache.counts[c] >= kThreadBlocks) return false;
  if (!t_cache.armed) {
    thread_local ThreadCacheHook hook;
    (void)hook;
    t_cache.armed = true;
  }
  std::memcpy(p, &t_cache.heads[c], sizeof(void*));
  t_cache.heads[c] = p;
  ++t_cache.counts[c];
  g_cache.cached_bytes.fetch_add(int64_t(c + 1) * 64, std::memory_order_relaxed);
  return true;
}

void count_allocation(size_t nbytes) {
  int64_t live = g_live.fetch_add(int64_t(nbytes), std::memory_order_relaxed) + int64_t(nbytes);
  int64_t peak = g_peak.load(std::memory_order_relaxed);
  while (live > peak && !g_peak.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
  g_count.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

bool cpu_caching_enabled() {
  static const bool enabled = caching_from_environment();
  return enabled;
}

size_t cpu_block_size(size_t nbytes) {
  if (nbytes == 0) return 0;
  if (nbytes > kMaxCachedBlock) return (nbytes + kCpuAlignment - 1) / kCpuAlignment * kCpuAlignment;
  size_t block = 0;
  size_class(nbytes, &block);
  return block;
}

MemoryStats cpu_memory_stats() {
  return MemoryStats{g_live.load(), g_peak.load(), g_count.load(), g_cache.cached_bytes.load(), g_system_count.load()};
}

void reset_peak_cpu_memory() { g_peak.store(g_live.load()); }

void* cpu_allocate(size_t nbytes) {
  if (nbytes == 0) return nullptr;
  void* p = nullptr;
  if (nbytes <= kMaxCachedBlock && cpu_caching_enabled()) {
    size_t block = 0;
    int c = size_class(nbytes, &block);
    if (c < kThreadClasses) p = pop_thread_cached(c);
    if (p == nullptr) p = pop_cached(c, block);
    if (p == nullptr) p = system_allocate(block, nbytes);
  } else {
    p = system_allocate(cpu_block_size(nbytes), nbytes);
  }
  count_allocation(nbytes);
  return p;
}

void cpu_free(void* ptr, size_t nbytes) {
  if (!ptr) return;
  g_live.fetch_sub(int64_t(nbytes), std::memory_order_relaxed);
  if (nbytes <= kMaxCachedBlock && cpu_caching_enabled()) {
    size_t block = 0;
    int c = size_class(nbytes, &block);
    if (c < kThreadClasses && push_thread_cached(ptr, c)) return;
    if (push_cached(ptr, c, block)) return;
  }
  std::free(ptr);
}

void empty_cache() {
  detail::pool_release();  // the calling thread's small-object lists (core/pool.h)
  drain_thread_cache(/*keep=*/false);
  void* heads[kNumClasses];
  {
    std::lock_guard<std::mutex> lock(g_cache.mutex);
    std::memcpy(heads, g_cache.heads, sizeof heads);
    std::fill(std::begin(g_cache.heads), std::end(g_cache.heads), nullptr);
    g_cache.cached_bytes.store(0);
  }
  for (void* p : heads) {
    while (p != nullptr) {
      void* next = nullptr;
      std::memcpy(&next, p, sizeof(void*));
      std::free(p);
      p = next;
    }
  }
}

}  // namespace convis
