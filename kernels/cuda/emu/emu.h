// kernels/cuda/emu/emu.h: CUDA kernels run on the CPU, for testing their logic without a GPU.
// The same kernel source (a .cuh) compiles with nvcc for the device and with g++ against this
// header; kernels/cuda/compat.h is the one place that chooses.
//
//   __global__ void scale(float* x, int n, float a) {
//     const int i = blockIdx.x * blockDim.x + threadIdx.x;
//     if (i < n) x[i] *= a;
//   }
//   std::vector<float> v(1000, 1.0f);
//   klaunch(scale, dim3(4), dim3(256), 0, v.data(), 1000, 2.0f);   // runs here, on this thread
//
// Note [Emulated kernels]
// A launch runs its blocks one after another on the calling thread; within a block each CUDA
// thread is a fiber (its own stack, switched with ucontext), started in thread order (or
// reversed: config().reverse).  A fiber runs until it finishes or waits: at __syncthreads (a
// block barrier) or in a warp op (shuffles, ballots, __syncwarp: a barrier of its warp).  When
// every fiber waits or is done, the scheduler releases a warp whose live lanes all wait in a
// warp op, else the block barrier if every live thread waits at the same __syncthreads (same
// file and line), and otherwise stops the launch with an emu::Error that says what went wrong:
// "__syncthreads divergence at f.cuh:40: 96 thread(s) exited, 160 waiting [block 1,0,0]",
// barriers at different lines, or a warp op that cannot complete.  Running every thread to its
// next barrier before the next thread starts is the most adversarial order for a missing
// barrier (a thread reads shared memory its neighbours have not written yet), and the reverse
// order catches the mirror case.  __shared__ arrays are static per OS thread, so all fibers of
// a block share them and the next block finds the last one's values; dynamic shared memory
// (DYN_SHARED) is a fresh buffer per block, filled with 0xFF bytes (NaN as floats), so a read
// before a write shows.  Atomics act on plain memory through std::atomic_ref.  What the
// emulator cannot tell: speed, coalescing, bank conflicts, the device's own FMA contraction
// (nvcc fuses a * b + c by default: compare with a tolerance).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
using uint3 = dim3;

// The built-ins: the scheduler writes them before it resumes a fiber.
inline thread_local dim3 threadIdx, blockIdx, blockDim, gridDim;
inline constexpr int warpSize = 32;

namespace convis::cuda_emu {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Config {
  bool reverse = false;                       // start and resume threads in reverse order
  std::size_t max_dynamic_shared = 48 * 1024;  // as cudaFuncSetAttribute would raise it
};
Config& config();

// The current block's dynamic shared memory (the launch's bytes, 0xFF-filled).
void* dynamic_shared();

// Runs `body` once per thread of every block (Note [Emulated kernels]).
void run_grid(dim3 grid, dim3 block, std::size_t dynamic_bytes, const std::function<void()>& body);

// Block and warp barriers, and the warp exchange behind the shuffles: each lane puts 8 bytes,
// then reads lane `source`'s (its own where source is outside the warp's live lanes).
void sync_block(const char* file, int line);
void sync_warp(const char* file, int line);
std::uint64_t exchange(std::uint64_t mine, int source, const char* file, int line);
int lane_count();  // live lanes of the calling thread's warp (32 but in a partial last warp)

template <typename T>
T shuffle(T value, int source, const char* file, int line) {
  static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>, "shuffles move values of at most 8 bytes");
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof(T));
  bits = exchange(bits, source, file, line);
  std::memcpy(&value, &bits, sizeof(T));
  return value;
}

void check_mask(unsigned mask, const char* op);

// The calling thread's lane in its warp (threads numbered x fastest, then y, then z).
inline int lane_id() { return int((threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z)) % warpSize); }

template <typename... Params, typename... Args>
void launch(void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t dynamic_bytes, Args&&... args) {
  const std::tuple<std::decay_t<Params>...> params(std::forward<Args>(args)...);
  run_grid(grid, block, dynamic_bytes, [&] {
    auto mine = params;  // each thread gets its own copy of the by-value parameters
    std::apply(kernel, mine);
  });
}

}  // namespace convis::cuda_emu

// ---- what kernel source sees -------------------------------------------------------------

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ thread_local

inline void __syncthreads(const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  convis::cuda_emu::sync_block(file, line);
}
inline void __syncwarp(unsigned mask = 0xffffffffu, const char* file = __builtin_FILE(), int line = __builtin_LINE()) {
  convis::cuda_emu::check_mask(mask, "__syncwarp");
  convis::cuda_emu::sync_warp(file, line);
}

template <typename T>
T __shfl_sync(unsigned mask, T value, int source, int width = warpSize, const char* file = __builtin_FILE(),
              int line = __builtin_LINE()) {
  convis::cuda_emu::check_mask(mask, "__shfl_sync");
  const int lane = convis::cuda_emu::lane_id();
  return convis::cuda_emu::shuffle(value, lane / width * width + source % width, file, line);
}
template <typename T>
T __shfl_down_sync(unsigned mask, T value, unsigned delta, int width = warpSize, const char* file = __builtin_FILE(),
                   int line = __builtin_LINE()) {
  convis::cuda_emu::check_mask(mask, "__shfl_down_sync");
  const int lane = convis::cuda_emu::lane_id();
  const int source = lane % width + int(delta) < width ? lane + int(delta) : lane;
  return convis::cuda_emu::shuffle(value, source, file, line);
}
template <typename T>
T __shfl_xor_sync(unsigned mask, T value, int lane_mask, int width = warpSize, const char* file = __builtin_FILE(),
                  int line = __builtin_LINE()) {
  convis::cuda_emu::check_mask(mask, "__shfl_xor_sync");
  const int lane = convis::cuda_emu::lane_id();
  const int source = lane ^ lane_mask;
  return convis::cuda_emu::shuffle(value, source / width == lane / width ? source : lane, file, line);
}

template <typename T>
T atomicAdd(T* address, T value) {
  return std::atomic_ref<T>(*address).fetch_add(value);
}
// *address = value where better(value, *address), atomically; returns the old value.
template <typename T, typename Better>
T atomic_replace_if(T* address, T value, Better better) {
  std::atomic_ref<T> ref(*address);
  T old = ref.load();
  while (better(value, old) && !ref.compare_exchange_weak(old, value)) {
  }
  return old;
}
template <typename T>
T atomicMax(T* address, T value) {
  return atomic_replace_if(address, value, [](T a, T b) { return b < a; });
}
template <typename T>
T atomicMin(T* address, T value) {
  return atomic_replace_if(address, value, [](T a, T b) { return a < b; });
}

// Launch: the emulator here, <<<grid, block, bytes>>> under nvcc (kernels/cuda/compat.h).
template <typename... Params, typename... Args>
void klaunch(void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t dynamic_bytes, Args&&... args) {
  convis::cuda_emu::launch(kernel, grid, block, dynamic_bytes, std::forward<Args>(args)...);
}

#define DYN_SHARED(T, name) T* name = static_cast<T*>(convis::cuda_emu::dynamic_shared())
