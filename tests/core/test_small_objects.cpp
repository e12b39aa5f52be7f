// The small-object machinery behind per-op overhead: SmallVector (core/small_vector.h), the
// object pool (core/pool.h), the per-thread front of the tensor-memory cache
// (core/allocator.h) and the elementwise flat fast path (Note [Elementwise fast path]).
#include "helpers.h"

#include <convis/core/pool.h>
#include <convis/core/small_vector.h>

#include <memory>
#include <string>
#include <thread>

using namespace convis;

TEST_CASE("SmallVector keeps N elements inline, spills beyond, and copies and moves either way", "[small]") {
  SmallVector<std::string, 2> v;
  CHECK(v.empty());
  v.push_back("a");
  v.emplace_back(3, 'b');
  const std::string* inline_data = v.data();
  CHECK(v.size() == 2);
  CHECK(v[1] == "bbb");
  v.push_back("c");  // spills: every element moves to the heap
  CHECK(v.size() == 3);
  CHECK(v.data() != inline_data);
  CHECK(v[0] == "a");
  CHECK(v[1] == "bbb");
  CHECK(v.back() == "c");

  SmallVector<std::string, 2> copy = v;  // spilled copy
  SmallVector<std::string, 2> moved = std::move(v);
  CHECK(v.empty());  // NOLINT: moved-from is empty by contract
  CHECK(moved.size() == 3);
  CHECK(copy.size() == 3);
  CHECK(copy[2] == "c");

  SmallVector<std::string, 2> small{"x", "y"};  // inline move
  SmallVector<std::string, 2> taken = std::move(small);
  CHECK(taken.size() == 2);
  CHECK(taken[0] == "x");
  CHECK(small.empty());  // NOLINT
  std::string joined;
  for (const std::string& s : taken) joined += s;
  CHECK(joined == "xy");
  taken = copy;  // copy-assign over inline contents
  CHECK(taken.size() == 3);
  taken.clear();
  CHECK(taken.empty());
  taken.reserve(5);  // reserve beyond N spills an empty vector
  taken.push_back("z");
  CHECK(taken.size() == 1);
  CHECK(taken[0] == "z");
}

TEST_CASE("SmallVector destroys exactly what it holds", "[small]") {
  auto counted = std::make_shared<int>(0);
  {
    SmallVector<std::shared_ptr<int>, 2> v;
    for (int i = 0; i < 5; ++i) v.push_back(counted);
    CHECK(counted.use_count() == 6);
    SmallVector<std::shared_ptr<int>, 2> w{counted};
    CHECK(counted.use_count() == 7);
    w = std::move(v);
    CHECK(counted.use_count() == 6);
  }
  CHECK(counted.use_count() == 1);
}

TEST_CASE("the object pool reuses a freed block of the same size class on the same thread", "[small]") {
  detail::pool_release();
  CHECK(detail::pool_cached_bytes() == 0);
  void* a = detail::pool_allocate(40);  // the 48-byte class
  detail::pool_free(a, 40);
  if (cpu_caching_enabled()) {
    CHECK(detail::pool_cached_bytes() == 48);
    void* b = detail::pool_allocate(33);  // same class
    CHECK(b == a);
    CHECK(detail::pool_cached_bytes() == 0);
    detail::pool_free(b, 33);
  }
  void* big = detail::pool_allocate(detail::kMaxPooled + 1);  // never pooled
  detail::pool_free(big, detail::kMaxPooled + 1);
  CHECK(detail::pool_cached_bytes() == (cpu_caching_enabled() ? 48 : 0));
  empty_cache();  // releases this thread's pool too
  CHECK(detail::pool_cached_bytes() == 0);
}

TEST_CASE("pooled objects may die on another thread than the one that made them", "[small]") {
  std::vector<Tensor> made;
  for (int i = 0; i < 100; ++i) made.push_back(full({3}, double(i)));
  std::thread other([&made] {
    double sum = 0;
    for (const Tensor& t : made) sum += t.sum().item<double>();
    CHECK(sum == 3 * 4950.0);
    made.clear();  // TensorImpls and Storages freed into this thread's lists, released at its exit
  });
  other.join();
  CHECK(made.empty());
  Tensor again = full({3}, 2.0);  // this thread's lists still work
  CHECK(again.sum().item<double>() == 6.0);
}

TEST_CASE("small tensor blocks cached per thread are counted and move to the shared cache at thread exit",
          "[allocator]") {
  empty_cache();
  const int64_t live = cpu_memory_stats().live_bytes;
  std::thread worker([] {
    void* p = cpu_allocate(100);  // the 128-byte class: a per-thread list
    cpu_free(p, 100);
    CHECK(cpu_memory_stats().cached_bytes == (cpu_caching_enabled() ? 128 : 0));
  });
  worker.join();
  CHECK(cpu_memory_stats().cached_bytes == (cpu_caching_enabled() ? 128 : 0));  // now in the shared lists
  void* q = cpu_allocate(128);  // found in the shared list
  CHECK(cpu_memory_stats().cached_bytes == 0);
  CHECK(cpu_memory_stats().live_bytes == live + 128);
  cpu_free(q, 128);
  empty_cache();
  CHECK(cpu_memory_stats().cached_bytes == 0);
  CHECK(cpu_memory_stats().live_bytes == live);
}

TEST_CASE("the flat fast path and the strided path give the same values", "[elementwise]") {
  // Contiguous same-shape operands take the fast path; a transposed copy of the same values
  // takes the general one.  Odd sizes, plain numbers as operands, integer and float dtypes.
  for (int64_t n : {1, 3, 7, 33}) {
    Tensor a = arange(0, n * 5, TensorOptions(kFloat64)).reshape({n, 5}) / 7.0 - 1.0;
    Tensor b = (a * 3.0).cos();
    Tensor at = a.t().contiguous().t(), bt = b.t().contiguous().t();  // same values, column-major
    REQUIRE((n == 1 || !at.is_contiguous()));  // a (1, 5) transposed back is contiguous again
    CHECK(equal(a + b, at + bt));
    CHECK(equal(a.mul(2.5), at.mul(2.5)));
    CHECK(equal(a.sub(b, 2), at.sub(bt, 2)));
    CHECK(equal(a.tanh(), at.tanh()));
    CHECK(equal(a.to(kFloat32).sigmoid(), at.to(kFloat32).sigmoid()));
    CHECK(equal(a.clamp(-0.5, 0.5), at.clamp(-0.5, 0.5)));
    CHECK(equal(a < b, at < bt));  // a kBool result
    Tensor i = arange(0, n * 5).reshape({n, 5});
    Tensor it = i.t().contiguous().t();
    CHECK(equal(i * 3 - 1, it * 3 - 1));
    CHECK(equal(i.remainder(4), it.remainder(4)));
  }
  Tensor none = empty({0, 3});
  CHECK((none + 1).sizes() == Shape{0, 3});
}
