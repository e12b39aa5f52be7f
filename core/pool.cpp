// core/pool.cpp: see Note [Object pool] in core/pool.h.
#include "convis/core/pool.h"

#include <cstdlib>
#include <cstring>
#include <new>

#include "convis/core/allocator.h"

namespace convis::detail {

namespace {

constexpr size_t kGrain = 16;
constexpr size_t kNumClasses = kMaxPooled / kGrain;

// One thread's free lists.  Plain data, constant-initialized, so using it costs no guard.
struct Lists {
  void* heads[kNumClasses] = {};
  size_t bytes = 0;          // in all lists
  bool releaser_armed = false;
  bool thread_exiting = false;  // after the release at thread exit, frees bypass the lists
};
constinit thread_local Lists t_lists;

void release(Lists& l) {
  for (size_t c = 0; c < kNumClasses; ++c) {
    void* p = l.heads[c];
    while (p != nullptr) {
      void* next = nullptr;
      std::memcpy(&next, p, sizeof next);
      ::operator delete(p);
      p = next;
    }
    l.heads[c] = nullptr;
  }
  l.bytes = 0;
}

// Gives the lists back when the thread ends; created on the thread's first pooled free.
struct Releaser {
  ~Releaser() {
    release(t_lists);
    t_lists.thread_exiting = true;
  }
};

void arm_releaser() {
  thread_local Releaser releaser;
  (void)releaser;
  t_lists.releaser_armed = true;
}

bool pooling() {
  // The same switch as the tensor-memory cache: off under sanitizers and on request.
  return cpu_caching_enabled();
}

}  // namespace

void* pool_allocate(size_t nbytes) {
  if (nbytes == 0 || nbytes > kMaxPooled || !pooling()) return ::operator new(nbytes);
  const size_t c = (nbytes - 1) / kGrain;
  Lists& l = t_lists;
  void* p = l.heads[c];
  if (p == nullptr) return ::operator new((c + 1) * kGrain);
  std::memcpy(&l.heads[c], p, sizeof(void*));
  l.bytes -= (c + 1) * kGrain;
  return p;
}

void pool_free(void* p, size_t nbytes) {
  if (p == nullptr) return;
  if (nbytes == 0 || nbytes > kMaxPooled || !pooling()) return ::operator delete(p);
  const size_t c = (nbytes - 1) / kGrain;
  const size_t block = (c + 1) * kGrain;
  Lists& l = t_lists;
  if (l.thread_exiting || l.bytes + block > kMaxPooledBytes) return ::operator delete(p);
  if (!l.releaser_armed) arm_releaser();
  std::memcpy(p, &l.heads[c], sizeof(void*));
  l.heads[c] = p;
  l.bytes += block;
}

size_t pool_cached_bytes() { return t_lists.bytes; }

void pool_release() { release(t_lists); }

}  // namespace convis::detail
