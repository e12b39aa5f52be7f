// CUDA tensors: memory, transfers, the caching allocator and the device errors (core/cuda.h,
// Note [Transfers] in core/native/copy.cpp).  The suite runs this file twice: as is, where a
// machine without a GPU checks the errors of a process without a device, and as
// cuda/test_cuda_tensors_emulated with CONVIS_CUDA_EMULATOR=1, where every case runs on the
// emulated device (Note [Two CUDA runtimes] in kernels/cuda/runtime.h).  On a GPU it runs there.
#include <cmath>

#include "convis/kernels/dispatch.h"
#include "cuda/device_compare.h"

using namespace convis;
using Catch::Contains;

namespace {

Tensor sample(DType dtype, const Shape& shape) {
  int64_t numel = 1;
  for (int64_t s : shape) numel *= s;
  Tensor x = arange(0, numel, 1, TensorOptions(kFloat64)).reshape(shape) * 0.75 - 3.0;
  return dtype == kBool ? x.gt(0) : x.to(dtype);
}

}  // namespace

TEST_CASE("without a CUDA device, every CUDA request is an Error naming the op", "[cuda_tensor]") {
  if (cuda::is_available()) {
    SUCCEED("a device is present: the error cases do not apply");
    return;
  }
  CHECK(cuda::device_count() == 0);
  CHECK_FALSE(cuda::is_emulated());
  Tensor x = ones({2, 3});
  CHECK_THROWS_WITH(x.cuda(), Contains("[to] expected a CUDA device, got"));
  CHECK_THROWS_WITH(x.to(Device(kCUDA, 0)), Contains("CONVIS_CUDA_EMULATOR=1"));
  CHECK_THROWS_WITH(empty({2}, TensorOptions().device(kCUDA)), Contains("[allocate] expected a CUDA device"));
  CHECK_THROWS_WITH(cuda::synchronize(), Contains("[synchronize] expected a CUDA device"));
  CHECK_THROWS_WITH(cuda::memory_stats(), Contains("[memory_stats] expected a CUDA device"));
  cuda::empty_cache();  // nothing to give back: no error
  CHECK(x.to(kCPU).is_same(x));
}

TEST_CASE("the emulated device is one device, cuda:0", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  if (!cuda::is_emulated()) {
    SUCCEED("a real device");
    return;
  }
  CHECK(cuda::device_count() == 1);
  Tensor x = ones({3}).cuda();
  CHECK(x.is_cuda());
  CHECK(x.device() == Device(kCUDA, 0));
  CHECK(x.device().str() == "cuda:0");
  CHECK_THROWS_WITH(ones({3}).to(Device(kCUDA, 1)), Contains("[to] expected a CUDA device index below 1, got cuda:1"));
  // Fresh device memory holds 0xFF bytes on the emulated device: a read before a write shows.
  CHECK(std::isnan(empty({4}, TensorOptions().device(kCUDA)).cpu()[2].item<float>()));
  CHECK(empty({2}, TensorOptions(kInt64).device(kCUDA)).cpu()[0].item<int64_t>() == -1);
}

TEST_CASE("to(kCUDA) and back gives every dtype's values, contiguous or not", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  for (DType dtype : {kBool, kInt64, kFloat32, kFloat64}) {
    INFO(dtype_name(dtype));
    Tensor x = sample(dtype, {3, 5, 7});
    Tensor views[] = {x, x.transpose(0, 2), x.slice(1, 1, 5, 2), x.select(2, 3), x.slice(0, 1, 2).expand({4, 5, 7}),
                      x.narrow(2, 0, 0)};
    for (const Tensor& v : views) {
      Tensor d = v.cuda();
      CHECK(d.is_cuda());
      CHECK(d.dtype() == dtype);
      CHECK(d.sizes() == v.sizes());
      CHECK(d.is_contiguous());
      CHECK(equal(d.cpu(), v));
    }
  }
}

TEST_CASE("device views, casts and copies run on the device", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  Tensor x = sample(kFloat64, {4, 6});
  Tensor d = x.cuda();
  SECTION("a strided device view comes back as its values") {
    CHECK(equal(d.t().cpu(), x.t()));
    CHECK(equal(d.slice(1, 1, 6, 2).cpu(), x.slice(1, 1, 6, 2)));
    CHECK(equal(d.t().contiguous().cpu(), x.t().contiguous()));
    CHECK(equal(d.clone().cpu(), x));
  }
  SECTION("casts on the device and across devices") {
    for (DType to : {kBool, kInt64, kFloat32, kFloat64}) {
      INFO(dtype_name(to));
      CHECK(equal(d.to(to).cpu(), x.to(to)));                  // on the device
      CHECK(equal(x.to(Device(kCUDA), to).cpu(), x.to(to)));   // host -> device, cast first
      CHECK(equal(d.to(Device(kCPU), to), x.to(to)));          // device -> host, cast after
      CHECK(equal(d.t().to(to).cpu(), x.t().to(to)));          // strided and cast
    }
    CHECK(equal(x.gt(0).cuda().to(kFloat32).cpu(), x.gt(0).to(kFloat32)));
  }
  SECTION("copy_ between devices, broadcasting, into views") {
    Tensor target = zeros({4, 6}, TensorOptions(kFloat32).device(kCUDA));
    target.slice(1, 0, 6, 2).copy_(x.slice(1, 0, 6, 2));  // host -> a device view, with a cast
    Tensor expected = zeros({4, 6}, TensorOptions(kFloat32));
    expected.slice(1, 0, 6, 2).copy_(x.slice(1, 0, 6, 2));
    CHECK(equal(target.cpu(), expected));
    target.copy_(x.select(0, 1));  // broadcast over the rows
    CHECK(equal(target.cpu(), x.select(0, 1).to(kFloat32).expand({4, 6})));
    Tensor host = empty({6, 4}, TensorOptions(kFloat64));
    host.copy_(d.t());  // device view -> host
    CHECK(equal(host, x.t()));
  }
  SECTION("fill_ and zeros on the device") {
    d.slice(0, 1, 3).fill_(2.5);
    Tensor expected = x.clone();
    expected.slice(0, 1, 3).fill_(2.5);
    CHECK(equal(d.cpu(), expected));
    CHECK(equal(zeros({2, 3}, TensorOptions(kInt64).device(kCUDA)).cpu(), zeros({2, 3}, kInt64)));
    CHECK(equal(full({3}, true, TensorOptions(kBool).device(kCUDA)).cpu(), full({3}, true, kBool)));
  }
}

TEST_CASE("CUDA tensors and the rest of the engine", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  Tensor x = sample(kFloat32, {2, 3});
  Tensor d = x.cuda();
  SECTION("mixing devices is an Error naming both") {
    CHECK_THROWS_WITH(d + x, Contains("expected all tensors on one device, got cuda:0 and cpu"));
    CHECK_THROWS_WITH(mm(d, x.t()), Contains("[mm] expected both operands on one device, got cuda:0 and cpu"));
  }
  SECTION("a dtype without a CUDA kernel says what is registered") {
    CHECK_THROWS_WITH(find_kernel_raw(OpKind::lif_forward, kCUDA, kFloat64),
                      Contains("no kernel for lif_forward on cuda/float64; registered: cpu/float32, cuda/float32"));
  }
  SECTION("printing copies to the host and names the device") {
    std::ostringstream out;
    out << d;
    CHECK_THAT(out.str(), Contains("CUDA"));
    CHECK_THAT(out.str(), Contains("-3"));
  }
  SECTION("autograd carries gradients across devices") {
    Tensor leaf = x.to(kFloat64).requires_grad_(true);
    Tensor there = leaf.cuda();
    CHECK(there.grad_fn() != nullptr);
    (there.cpu() * 2.0).sum().backward();
    REQUIRE(leaf.grad().defined());
    CHECK(leaf.grad().is_cpu());
    CHECK(equal(leaf.grad(), full({2, 3}, 2.0, kFloat64)));
  }
}

TEST_CASE("the CUDA caching allocator counts, reuses and gives back", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  cuda::empty_cache();
  const MemoryStats before = cuda::memory_stats();
  CHECK(before.cached_bytes == 0);
  {
    Tensor a = empty({1000}, TensorOptions().device(kCUDA));  // 4000 bytes -> the 4096 class
    const MemoryStats live = cuda::memory_stats();
    CHECK(live.live_bytes == before.live_bytes + 4096);
    CHECK(live.allocations == before.allocations + 1);
    CHECK(live.system_allocations == before.system_allocations + 1);
    CHECK(live.peak_bytes >= live.live_bytes);
  }
  const MemoryStats freed = cuda::memory_stats();
  CHECK(freed.live_bytes == before.live_bytes);
  if (cpu_caching_enabled()) {  // off in sanitizer builds: every block goes back at once
    CHECK(freed.cached_bytes == 4096);
    { Tensor again = empty({1000}, TensorOptions().device(kCUDA)); }  // the same class: from the cache
    CHECK(cuda::memory_stats().system_allocations == freed.system_allocations);
    CHECK(cuda::memory_stats().allocations == freed.allocations + 1);
  }
  cuda::empty_cache();
  CHECK(cuda::memory_stats().cached_bytes == 0);
  cuda::reset_peak_memory_stats();
  CHECK(cuda::memory_stats().peak_bytes == cuda::memory_stats().live_bytes);
  cuda::synchronize();
  cuda::synchronize(0);
  CHECK_THROWS_WITH(cuda::synchronize(3), Contains("[synchronize] expected a CUDA device index below"));
}
