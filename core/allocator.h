// core/allocator.h: where CPU tensor memory comes from, and how much of it is in use.
//
//   auto before = convis::cpu_memory_stats();
//   { auto t = convis::zeros({1000}); }            // 4000 bytes allocated, then freed
//   auto after = convis::cpu_memory_stats();
//   after.live_bytes == before.live_bytes;  after.allocations == before.allocations + 1
//   after.cached_bytes >= 4000;                    // the block waits in the cache for reuse
//   convis::empty_cache();                         // gives every cached block back to the system
//
// Note [CPU allocator]
// Buffers are 64-byte aligned (one cache line, two AVX2 registers) so SIMD loops may use
// aligned loads at the start of a tensor.  Every allocation and free updates counters
// that tests read: live bytes (handed out and not yet freed: a block waiting in the cache
// is NOT live, so "saved tensors are freed after backward" stays checkable), the peak of
// live bytes, and the number of allocations.  The counters are atomics.
//
// Note [Caching allocator]
// A small tensor costs a malloc and a free for its buffer, and a big fresh one page faults
// (measured on the development machine: 1.3 us per 4 KiB page), so freed blocks are kept for reuse, as
// LibTorch's CUDA caching allocator does:
//   - A request is rounded up to a size class: multiples of 64 bytes up to 512, then four
//     classes per power of two (at most 25% slack).  Each class has a free list, threaded
//     through the free blocks themselves (the first 8 bytes hold the next pointer), so
//     caching allocates nothing.
//   - Blocks larger than kMaxCachedBlock, and frees that would push the cache beyond
//     kMaxCachedBytes, go straight back to the system.
//   - One mutex guards the shared lists.  Kernels do not allocate from OpenMP threads today,
//     but users may create tensors on several threads (data loading).
//   - In front of the shared lists, the small classes (blocks up to 512 bytes, what size-1 to
//     size-128 float tensors take) have a short list per thread, at most 64 blocks a class,
//     that needs no lock: the lock pair was a tenth of the cost of an op on a tiny tensor.  A
//     block freed on another thread joins that thread's list; a thread's blocks move to the
//     shared lists when it exits.  cached_bytes counts both kinds of list.
//   - empty_cache() releases every shared block and the calling thread's own (DESIGN idea 8:
//     one call releases all the memory the library caches); other live threads' short lists
//     stay until those threads exit.  It also empties the thread's object pool (core/pool.h).
//   - Off (every allocation goes to the system) in sanitizer builds, so ASan sees each
//     block's life, and when the environment sets CONVIS_NO_CACHING_ALLOCATOR=1.
#pragma once

#include <cstddef>
#include <cstdint>

namespace convis {

struct MemoryStats {
  int64_t live_bytes = 0;    // allocated and not yet freed (cached blocks do not count)
  int64_t peak_bytes = 0;    // the largest live_bytes since start or reset_peak_memory
  int64_t allocations = 0;   // number of allocations since start (cache hits included)
  int64_t cached_bytes = 0;  // freed blocks kept for reuse (by their size class)
  // Blocks taken from the system (aligned_alloc): the allocations the cache could not serve.
  // A loop that runs without new system blocks after its first rounds allocates nothing new.
  int64_t system_allocations = 0;
};

MemoryStats cpu_memory_stats();
void reset_peak_cpu_memory();

void* cpu_allocate(size_t nbytes);          // never returns null for nbytes > 0; throws Error
void cpu_free(void* ptr, size_t nbytes);

// Releases every block the CPU caching allocator holds (see Note [Caching allocator]).
void empty_cache();
// Whether freed CPU blocks are cached (false in sanitizer builds or with
// CONVIS_NO_CACHING_ALLOCATOR=1 in the environment).
bool cpu_caching_enabled();

inline constexpr size_t kCpuAlignment = 64;
inline constexpr size_t kMaxCachedBlock = size_t(1) << 28;  // 256 MiB: bigger blocks are never cached
inline constexpr size_t kMaxCachedBytes = size_t(1) << 30;  // 1 GiB: the cache never holds more

// The size class `nbytes` is rounded up to (the bytes a block for it really has).
size_t cpu_block_size(size_t nbytes);

}  // namespace convis
