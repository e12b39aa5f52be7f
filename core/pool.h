// core/pool.h: where the small objects of every op (TensorImpl, Storage, Node, ...) come from.
//
//   auto impl = convis::detail::make_pooled<TensorImpl>(storage, sizes, strides, 0, kFloat32);
//   // same as std::make_shared, but the block (object + reference counts) is taken from,
//   // and given back to, a free list of this thread: no malloc, no lock.
//   std::vector<Edge, convis::detail::PoolAllocator<Edge>> edges;   // any allocator-aware container
//
// Note [Object pool]
// A recorded op creates a few small heap objects (the result's Storage and TensorImpl, the
// Node, the alias of a saved result; before Note [Small vectors in Nodes] and Note [History on
// the TensorImpl] also the Node's lists and an autograd meta) and a backward frees them all.
// On a chain of 1000 ops that is thousands of blocks alive at once, far more than glibc's
// per-thread cache (7 blocks per size) holds, so most of them took malloc's slow path: a
// quarter of the time of a recorded op went to malloc and free.  The pool is the textbook fix, a segregated free list:
//   - sizes are rounded up to a multiple of 16 bytes, up to kMaxPooled; each such class has a
//     singly linked list of free blocks threaded through the blocks themselves;
//   - the lists are per thread (thread_local), so taking and giving back a block is a few
//     loads and stores, with no lock and no atomic.  A block freed on another thread than the
//     one that allocated it simply joins the freeing thread's list: every block of a class has
//     the same size and came from operator new, so any thread may reuse or release it;
//   - each thread keeps at most kMaxPooledBytes in its lists; beyond that, and when the thread
//     exits, blocks go back to operator delete;
//   - bigger requests go straight to operator new / delete;
//   - in sanitizer builds (and with CONVIS_NO_CACHING_ALLOCATOR=1, like the tensor-memory
//     cache of core/allocator.h) every request goes to operator new, so ASan sees each life.
// Tensor DATA does not come from here but from the caching allocator (core/allocator.h),
// which counts live bytes and aligns to 64 bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>

namespace convis::detail {

inline constexpr size_t kMaxPooled = 512;                // larger blocks are never pooled
inline constexpr size_t kMaxPooledBytes = size_t(4) << 20;  // per thread

void* pool_allocate(size_t nbytes);
void pool_free(void* p, size_t nbytes);
// Bytes in the calling thread's free lists (for tests).
size_t pool_cached_bytes();
// Releases the calling thread's free lists (convis::empty_cache calls it).
void pool_release();

// A standard allocator on top of the pool.
template <typename T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() = default;
  template <typename U>
  PoolAllocator(const PoolAllocator<U>&) {}  // NOLINT: rebinding, as the standard requires
  T* allocate(size_t n) { return static_cast<T*>(pool_allocate(n * sizeof(T))); }
  void deallocate(T* p, size_t n) { pool_free(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const PoolAllocator<U>&) const {
    return true;
  }
};

// std::make_shared with the block from the pool.
template <typename T, typename... Args>
std::shared_ptr<T> make_pooled(Args&&... args) {
  static_assert(alignof(T) <= 16, "the pool hands out 16-byte aligned blocks");
  return std::allocate_shared<T>(PoolAllocator<T>(), std::forward<Args>(args)...);
}

}  // namespace convis::detail
