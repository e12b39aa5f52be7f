// The CPU caching allocator (core/allocator.h, Note [Caching allocator]): size classes,
// reuse, empty_cache, exact live bytes, many sizes and concurrent use.
#include "helpers.h"

#include <cstring>
#include <thread>

using namespace convis;

namespace {
bool aligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % kCpuAlignment == 0; }
}  // namespace

TEST_CASE("size classes: multiples of 64 up to 512, then four per power of two", "[allocator]") {
  CHECK(cpu_block_size(0) == 0);
  CHECK(cpu_block_size(1) == 64);
  CHECK(cpu_block_size(64) == 64);
  CHECK(cpu_block_size(65) == 128);
  CHECK(cpu_block_size(500) == 512);
  CHECK(cpu_block_size(512) == 512);
  CHECK(cpu_block_size(513) == 640);
  CHECK(cpu_block_size(1024) == 1024);
  CHECK(cpu_block_size(1025) == 1280);
  CHECK(cpu_block_size(3900) == 4096);
  CHECK(cpu_block_size(4097) == 5120);
  CHECK(cpu_block_size(kMaxCachedBlock) == kMaxCachedBlock);
  CHECK(cpu_block_size(kMaxCachedBlock + 1) == kMaxCachedBlock + 64);  // not cached: 64-byte rounding
  for (size_t n = 1; n < (size_t(1) << 22); n = n * 3 / 2 + 1) {
    size_t b = cpu_block_size(n);
    CHECK(b >= n);
    CHECK(b % kCpuAlignment == 0);
    CHECK((n <= 512 ? b - n < 64 : b - n < n / 4 + 1));  // at most 25% slack
  }
}

TEST_CASE("a freed block is reused for the next request of its size class", "[allocator]") {
  MemoryStats base = cpu_memory_stats();
  void* a = cpu_allocate(4000);
  REQUIRE(a != nullptr);
  CHECK(aligned(a));
  CHECK(cpu_memory_stats().live_bytes == base.live_bytes + 4000);  // exact, not the class size
  CHECK(cpu_memory_stats().allocations == base.allocations + 1);
  int64_t cached_before_free = cpu_memory_stats().cached_bytes;
  cpu_free(a, 4000);
  CHECK(cpu_memory_stats().live_bytes == base.live_bytes);
  void* b = cpu_allocate(3900);  // same class (4096 bytes)
  if (cpu_caching_enabled()) {
    CHECK(b == a);
    CHECK(cpu_memory_stats().cached_bytes == cached_before_free);  // freed 4096, then taken back
  }
  CHECK(cpu_memory_stats().live_bytes == base.live_bytes + 3900);
  CHECK(cpu_memory_stats().allocations == base.allocations + 2);
  cpu_free(b, 3900);
  CHECK(cpu_memory_stats().live_bytes == base.live_bytes);
}

TEST_CASE("system_allocations counts the blocks the cache could not serve", "[allocator]") {
  empty_cache();
  const int64_t base = cpu_memory_stats().system_allocations;
  void* a = cpu_allocate(100000);
  CHECK(cpu_memory_stats().system_allocations == base + 1);  // an empty cache: from the system
  cpu_free(a, 100000);
  void* b = cpu_allocate(99000);  // the same class: the cached block when caching is on
  CHECK(cpu_memory_stats().system_allocations == base + (cpu_caching_enabled() ? 1 : 2));
  void* c = cpu_allocate(99000);  // the cache is empty again
  CHECK(cpu_memory_stats().system_allocations == base + (cpu_caching_enabled() ? 2 : 3));
  cpu_free(b, 99000);
  cpu_free(c, 99000);
  void* big = cpu_allocate(kMaxCachedBlock + 1);  // never cached, always from the system
  cpu_free(big, kMaxCachedBlock + 1);
  CHECK(cpu_memory_stats().system_allocations == base + (cpu_caching_enabled() ? 3 : 4));
}

TEST_CASE("cached bytes grow on free and empty_cache releases them all", "[allocator]") {
  empty_cache();
  CHECK(cpu_memory_stats().cached_bytes == 0);
  int64_t live = cpu_memory_stats().live_bytes;
  {
    Tensor t = empty({1000}, kFloat32);  // 4000 bytes -> a 4096-byte block
    CHECK(cpu_memory_stats().live_bytes == live + 4000);
    CHECK(cpu_memory_stats().cached_bytes == 0);
  }
  CHECK(cpu_memory_stats().live_bytes == live);
  CHECK(cpu_memory_stats().cached_bytes == (cpu_caching_enabled() ? 4096 : 0));
  {
    Tensor t = empty({1000}, kFloat32);  // reuses the cached block
    CHECK(cpu_memory_stats().cached_bytes == 0);
  }
  empty_cache();
  CHECK(cpu_memory_stats().cached_bytes == 0);
  CHECK(cpu_memory_stats().live_bytes == live);
}

TEST_CASE("blocks above kMaxCachedBlock go straight back to the system", "[allocator]") {
  empty_cache();
  size_t big = kMaxCachedBlock + 1;  // aligned_alloc reserves it; no page is touched
  void* p = cpu_allocate(big);
  CHECK(aligned(p));
  cpu_free(p, big);
  CHECK(cpu_memory_stats().cached_bytes == 0);
}

TEST_CASE("many sizes at once: aligned, disjoint, fully writable, live bytes exact", "[allocator]") {
  int64_t live = cpu_memory_stats().live_bytes;
  std::vector<std::pair<unsigned char*, size_t>> blocks;
  int64_t total = 0;
  for (int round = 0; round < 2; ++round) {
    for (size_t n = 1; n < (size_t(1) << 20); n = n * 5 / 4 + 1) {
      auto* p = static_cast<unsigned char*>(cpu_allocate(n));
      REQUIRE(aligned(p));
      std::memset(p, int(blocks.size() % 251), n);
      blocks.emplace_back(p, n);
      total += int64_t(n);
    }
  }
  CHECK(cpu_memory_stats().live_bytes == live + total);
  bool intact = true;
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto [p, n] = blocks[i];
    intact = intact && p[0] == i % 251 && p[n - 1] == i % 251;  // a shared block would be overwritten
  }
  CHECK(intact);
  for (auto [p, n] : blocks) cpu_free(p, n);
  CHECK(cpu_memory_stats().live_bytes == live);
}

TEST_CASE("threads allocate and free concurrently without losing or sharing blocks", "[allocator]") {
  int64_t live = cpu_memory_stats().live_bytes;
  int64_t count = cpu_memory_stats().allocations;
  constexpr int kThreads = 4, kRounds = 2000;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &failures] {
      unsigned char* held[8] = {};
      size_t sizes[8] = {};
      for (int r = 0; r < kRounds; ++r) {
        int slot = r % 8;
        if (held[slot]) {
          failures[size_t(t)] += held[slot][0] != t || held[slot][sizes[slot] - 1] != t;
          cpu_free(held[slot], sizes[slot]);
        }
        sizes[slot] = size_t(1 + (r * 37 + t * 101) % 9000);
        held[slot] = static_cast<unsigned char*>(cpu_allocate(sizes[slot]));
        std::memset(held[slot], t, sizes[slot]);
      }
      for (int s = 0; s < 8; ++s) cpu_free(held[s], sizes[s]);
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == std::vector<int>(kThreads, 0));
  CHECK(cpu_memory_stats().live_bytes == live);
  CHECK(cpu_memory_stats().allocations == count + kThreads * kRounds);
}
