// core/allocator.h: where CPU tensor memory comes from, and how much of it is in use.
//
//   auto before = convis::cpu_memory_stats();
//   { auto t = convis::zeros({1000}); }            // 4000 bytes allocated, then freed
//   auto after = convis::cpu_memory_stats();
//   after.live_bytes == before.live_bytes;  after.allocations == before.allocations + 1
//
// Note [CPU allocator]
// Buffers are 64-byte aligned (one cache line, two AVX2 registers) so SIMD loops may use
// aligned loads at the start of a tensor.  Every allocation and free updates three
// counters that tests read: live bytes, the peak of live bytes, and the number of
// allocations.  The counters are atomics, so threads may allocate concurrently.
// Large fresh allocations cost page faults (perf-anchors.md measured 1.3 µs per 4 KiB
// page); a caching allocator that reuses freed blocks is the performance issue's job and
// will sit behind these same two functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace convis {

struct MemoryStats {
  int64_t live_bytes = 0;   // allocated and not yet freed
  int64_t peak_bytes = 0;   // the largest live_bytes since start or reset_peak_memory
  int64_t allocations = 0;  // number of allocations since start
};

MemoryStats cpu_memory_stats();
void reset_peak_cpu_memory();

void* cpu_allocate(size_t nbytes);          // never returns null for nbytes > 0; throws Error
void cpu_free(void* ptr, size_t nbytes);

inline constexpr size_t kCpuAlignment = 64;

}  // namespace convis
