// The CUDA emulator itself (kernels/cuda/emu/emu.h, Note [Emulated kernels]): barriers in both
// thread orders, the bugs it must catch (a missing __syncthreads, an early return before one,
// barriers at different lines, an index one past the end), warp shuffles, poisoned dynamic
// shared memory and the launch limits.
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "cuda/emu_order.h"
#include "helpers.h"

#include "convis/kernels/cuda/compat.h"

using Catch::Contains;
namespace emu = convis::cuda_emu;

namespace {

// Each block reverses its 64 values through shared memory.
__global__ void reverse_block(const int* in, int* out) {
  __shared__ int values[64];
  const unsigned base = blockIdx.x * blockDim.x;
  values[threadIdx.x] = in[base + threadIdx.x];
  __syncthreads();
  out[base + threadIdx.x] = values[blockDim.x - 1 - threadIdx.x];
}

// The same without the barrier: a thread reads what its mirror has not written yet.
__global__ void reverse_block_no_barrier(const int* in, int* out) {
  __shared__ int values[64];
  const unsigned base = blockIdx.x * blockDim.x;
  values[threadIdx.x] = in[base + threadIdx.x] + 1000 * int(blockIdx.x);
  out[base + threadIdx.x] = values[blockDim.x - 1 - threadIdx.x];
}

__global__ void early_return(int* out, int n) {
  if (int(threadIdx.x) >= n) return;  // a bug: the others then wait at the barrier forever
  __syncthreads();
  out[threadIdx.x] = 1;
}

__global__ void two_barriers(int* out) {
  if (threadIdx.x % 2 == 0) {
    __syncthreads();
  } else {
    __syncthreads();
  }
  out[threadIdx.x] = 1;
}

// out[i] = 2 * in[i]; `past` = 1 is the off-by-one bug of writing one element too many.
__global__ void twice(const float* in, float* out, int n, int past) {
  const int i = int(blockIdx.x * blockDim.x + threadIdx.x);
  if (i < n + past) out[i] = 2.0f * in[i < n ? i : n - 1];
}

__global__ void warp_ops(const float* in, float* down, float* butterfly, float* broadcast) {
  const unsigned i = threadIdx.x;
  float v = in[i];
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(0xffffffffu, v, offset);
  down[i] = v;  // lane 0 holds the warp's sum
  float w = in[i];
  for (int mask = 1; mask < 32; mask *= 2) w += __shfl_xor_sync(0xffffffffu, w, mask);
  butterfly[i] = w;  // every lane holds it
  broadcast[i] = __shfl_sync(0xffffffffu, in[i], 5);
}

__global__ void partial_mask(float* x) { x[threadIdx.x] = __shfl_down_sync(0x0000ffffu, x[threadIdx.x], 1); }

__global__ void read_dynamic(float* out) {
  DYN_SHARED(float, scratch);
  out[threadIdx.x] = scratch[threadIdx.x];  // never written
}

__global__ void nothing(int*) {}

}  // namespace

TEST_CASE("cuda_emu: a block barrier orders shared memory, in either thread order", "[cuda_emu]") {
  convis_test::EmuOrderGuard order;
  std::vector<int> in(192), out(192), want(192);
  std::iota(in.begin(), in.end(), 0);
  for (int i = 0; i < 192; ++i) want[size_t(i)] = i / 64 * 64 + 63 - i % 64;
  for (bool reverse : {false, true}) {
    emu::config().reverse = reverse;
    std::fill(out.begin(), out.end(), -1);
    klaunch(reverse_block, dim3(3), dim3(64), 0, in.data(), out.data());
    CHECK(out == want);
  }
}

TEST_CASE("cuda_emu: catches a missing __syncthreads, an early return and barriers at different lines", "[cuda_emu]") {
  convis_test::EmuOrderGuard order;
  std::vector<int> in(128), out(128);
  std::iota(in.begin(), in.end(), 0);
  for (bool reverse : {false, true}) {
    emu::config().reverse = reverse;
    klaunch(reverse_block_no_barrier, dim3(2), dim3(64), 0, in.data(), out.data());
    int right = 0;
    for (int i = 0; i < 128; ++i) right += out[size_t(i)] == i / 64 * 1064 + 63 - i % 64;
    CHECK(right < 128);  // threads read before their mirrors wrote (stale values of block 0)
  }
  CHECK_THROWS_WITH(klaunch(early_return, dim3(2), dim3(64), 0, out.data(), 40),
                    Contains("__syncthreads divergence at test_emu.cpp:") &&
                        Contains(": 24 thread(s) exited, 40 waiting [block 0,0,0]"));
  CHECK_THROWS_WITH(klaunch(two_barriers, dim3(1), dim3(32), 0, out.data()),
                    Contains("threads wait at different __syncthreads, test_emu.cpp:"));
  klaunch(early_return, dim3(1), dim3(64), 0, out.data(), 64);  // every thread reaches it: fine
}

TEST_CASE("cuda_emu: an index one past the end shows in the guard after the output", "[cuda_emu]") {
  const int n = 100;
  std::vector<float> in(n, 1.0f), out(n + 8, -1.0f);  // 8 guard values after the n outputs
  klaunch(twice, dim3(2), dim3(64), 0, in.data(), out.data(), n, 0);
  CHECK(std::all_of(out.begin(), out.begin() + n, [](float v) { return v == 2.0f; }));
  CHECK(out[n] == -1.0f);
  klaunch(twice, dim3(2), dim3(64), 0, in.data(), out.data(), n, 1);  // the bug
  CHECK(out[n] == 2.0f);  // caught here; under ASan an exact-size buffer gives a heap overflow
}

TEST_CASE("cuda_emu: warp shuffles down, xor and from one lane, in a block of several warps", "[cuda_emu]") {
  convis_test::EmuOrderGuard order;
  std::vector<float> in(96), down(96), butterfly(96), broadcast(96);
  for (int i = 0; i < 96; ++i) in[size_t(i)] = float(i % 7) + 0.5f * float(i / 32);
  for (bool reverse : {false, true}) {
    emu::config().reverse = reverse;
    klaunch(warp_ops, dim3(1), dim3(96), 0, in.data(), down.data(), butterfly.data(), broadcast.data());
    for (int warp = 0; warp < 3; ++warp) {
      float sum = 0;
      for (int lane = 0; lane < 32; ++lane) sum += in[size_t(warp * 32 + lane)];
      CHECK(down[size_t(warp * 32)] == sum);
      for (int lane = 0; lane < 32; ++lane) {
        CHECK(butterfly[size_t(warp * 32 + lane)] == sum);
        CHECK(broadcast[size_t(warp * 32 + lane)] == in[size_t(warp * 32 + 5)]);
      }
    }
  }
  CHECK_THROWS_WITH(klaunch(partial_mask, dim3(1), dim3(32), 0, in.data()), Contains("expected the full mask"));
}

TEST_CASE("cuda_emu: dynamic shared memory reads NaN before it is written; launch limits", "[cuda_emu]") {
  std::vector<float> out(32, 0.0f);
  klaunch(read_dynamic, dim3(1), dim3(32), 32 * sizeof(float), out.data());
  CHECK(std::all_of(out.begin(), out.end(), [](float v) { return std::isnan(v); }));
  int dummy = 0;
  CHECK_THROWS_WITH(klaunch(nothing, dim3(1), dim3(2048), 0, &dummy),
                    Contains("expected a launch of 1..1024 threads a block") && Contains("got block 2048x1x1"));
  CHECK_THROWS_WITH(klaunch(nothing, dim3(1, 70000), dim3(32), 0, &dummy), Contains("grid 1x70000x1"));
  CHECK_THROWS_WITH(klaunch(nothing, dim3(1), dim3(32), 64 * 1024, &dummy),
                    Contains("expected at most 49152 bytes of dynamic shared memory, got 65536"));
  CHECK_THROWS_WITH(emu::dynamic_shared(), Contains("expected a call from inside a kernel"));
}
