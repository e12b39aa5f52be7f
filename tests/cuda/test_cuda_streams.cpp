// CUDA streams and pinned memory (core/cuda_stream.h, Note [CUDA streams]): the default and
// pool streams, the calling thread's current stream and its guard, work on a pool stream, the
// caching allocator's blocks kept per stream, pin_memory and non_blocking copies.  On the
// emulated device every launch and copy finishes before it returns, so these check the
// bookkeeping and the values; overlap needs a GPU.  Run by cuda/test_cuda_streams_emulated
// (CONVIS_CUDA_EMULATOR=1) and on a GPU.
#include <set>
#include <sstream>
#include <thread>

#include "cuda/device_compare.h"

using namespace convis;
using namespace convis_test;

TEST_CASE("CUDA streams: default, pool, current, guard", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const cuda::CUDAStream default_stream = cuda::getDefaultCUDAStream();
  CHECK(default_stream.id() == 0);
  CHECK(default_stream.device() == Device(kCUDA, 0));
  CHECK(default_stream.stream() == nullptr);
  CHECK(cuda::getCurrentCUDAStream() == default_stream);
  const cuda::CUDAStream a = cuda::getStreamFromPool(), b = cuda::getStreamFromPool();
  CHECK(a != default_stream);
  CHECK(a != b);
  CHECK(a.id() >= 1);
  CHECK(a.id() <= 32);
  CHECK(a.stream() != nullptr);
  {
    cuda::CUDAStreamGuard guard(a);
    CHECK(cuda::getCurrentCUDAStream() == a);
    CHECK(guard.original_stream() == default_stream);
    {
      cuda::CUDAStreamGuard inner(b);
      CHECK(cuda::getCurrentCUDAStream() == b);
    }
    CHECK(cuda::getCurrentCUDAStream() == a);
    // another thread starts on the default stream: the current stream is per thread
    cuda::CUDAStream seen = a;
    std::thread([&] { seen = cuda::getCurrentCUDAStream(); }).join();
    CHECK(seen == default_stream);
  }
  CHECK(cuda::getCurrentCUDAStream() == default_stream);
  cuda::setCurrentCUDAStream(b);
  CHECK(cuda::getCurrentCUDAStream() == b);
  cuda::setCurrentCUDAStream(default_stream);
  // 32 pool streams, handed out in turn
  std::vector<int64_t> ids;
  for (int i = 0; i < 33; ++i) ids.push_back(cuda::getStreamFromPool().id());
  CHECK(ids.front() == ids.back());
  CHECK(std::set<int64_t>(ids.begin(), ids.end()).size() == 32);
  a.synchronize();
  CHECK(a.query());
  CHECK_THROWS_WITH(cuda::getStreamFromPool(false, 7), Catch::Contains("expected a CUDA device index below"));
  std::ostringstream text;
  text << a;
  CHECK(text.str() == fmt::format("stream {} on cuda:0", a.id()));
}

TEST_CASE("work on a pool stream gives the default stream's values", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const Tensor x = finite_sample(kFloat32, {3, 1, 9, 8, 7}, 0.2, 0.1);
  const Tensor w = finite_sample(kFloat32, {2, 1, 3, 3, 2}, 0.1, 0.2);
  const Tensor expected = conv3d(x.cuda(), w.cuda()).sum({0, 2}).cpu();
  const cuda::CUDAStream side = cuda::getStreamFromPool();
  Tensor result;
  {
    cuda::CUDAStreamGuard guard(side);
    result = conv3d(x.cuda(), w.cuda()).sum({0, 2});  // copies, kernels and the reduction on `side`
  }
  side.synchronize();
  CHECK(equal(result.cpu(), expected));
}

TEST_CASE("the CUDA caching allocator keeps a freed block for its stream", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  if (!cpu_caching_enabled()) {
    SUCCEED("no caching under the sanitizers");
    return;
  }
  const Shape shape{1 << 14};  // a size class of its own
  const cuda::CUDAStream side = cuda::getStreamFromPool();
  { Tensor warm = empty(shape, TensorOptions(kFloat32).device(kCUDA)); }  // a free block on the default stream
  const MemoryStats before = cuda::memory_stats();
  {
    cuda::CUDAStreamGuard guard(side);
    Tensor there = empty(shape, TensorOptions(kFloat32).device(kCUDA));  // not the default stream's block
  }
  const MemoryStats after_side = cuda::memory_stats();
  CHECK(after_side.system_allocations == before.system_allocations + 1);
  { Tensor here = empty(shape, TensorOptions(kFloat32).device(kCUDA)); }  // the default stream's block again
  {
    cuda::CUDAStreamGuard guard(side);
    Tensor there = empty(shape, TensorOptions(kFloat32).device(kCUDA));  // and the side stream's
  }
  CHECK(cuda::memory_stats().system_allocations == after_side.system_allocations);
}

TEST_CASE("pinned host memory and non_blocking copies", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const Tensor x = finite_sample(kFloat64, {5, 7}, 0.3, 1.0);
  CHECK_FALSE(x.is_pinned());
  const Tensor pinned = x.pin_memory();
  CHECK(pinned.is_pinned());
  CHECK(pinned.is_cpu());
  CHECK(equal(pinned, x));
  CHECK(pinned.pin_memory().is_same(pinned));
  CHECK(x.t().pin_memory().is_contiguous());
  CHECK(equal(x.t().pin_memory(), x.t()));
  const cuda::CUDAStream side = cuda::getStreamFromPool();
  {
    cuda::CUDAStreamGuard guard(side);
    Tensor there = pinned.to(kCUDA, /*non_blocking=*/true);
    side.synchronize();  // the copy read `pinned`, which stays alive until here
    CHECK(equal(there.cpu(), x));
    CHECK(equal(x.to(kCUDA, true).cpu(), x));  // pageable memory: the copy waits
  }
  CHECK_THROWS_WITH(x.cuda().pin_memory(), Catch::Contains("[pin_memory] expected a CPU tensor, got one on cuda:0"));
  Tensor grad_leaf = x.clone().requires_grad_(true);
  grad_leaf.pin_memory().sum().backward();
  CHECK(equal(grad_leaf.grad(), ones_like(x)));
}
