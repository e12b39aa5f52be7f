// kernels/cuda/emu/emu.cpp: the scheduler of emulated kernels (Note [Emulated kernels] in emu.h).
#include "convis/kernels/cuda/emu/emu.h"

#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <exception>
#include <memory>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define CONVIS_EMU_ASAN 1
#endif

namespace convis::cuda_emu {

namespace {

constexpr std::size_t kStackBytes = 256 * 1024;

// A fiber's stack, mmap'ed with a guard page below it so that an overflow faults; kept for
// the next launch (mapping 256 stacks per launch would cost milliseconds).
class Stack {
 public:
  Stack() {
    const std::size_t page = std::size_t(sysconf(_SC_PAGESIZE));
    base_ = mmap(nullptr, kStackBytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base_ == MAP_FAILED) throw Error("cuda_emu: expected memory for a fiber stack, got none");
    mprotect(base_, page, PROT_NONE);
    bottom_ = static_cast<char*>(base_) + page;
    total_ = kStackBytes + page;
  }
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;
  ~Stack() { munmap(base_, total_); }
  char* bottom() const { return bottom_; }

 private:
  void* base_ = nullptr;
  char* bottom_ = nullptr;
  std::size_t total_ = 0;
};

enum class State { runnable, block_wait, warp_wait, done };

struct Fiber {
  ucontext_t context{};
  State state = State::runnable;
  const char* file = "";
  int line = 0;
  std::uint64_t slot = 0;  // what this lane put into the warp exchange
};

struct Block {
  std::vector<Fiber> fibers;
  std::vector<std::unique_ptr<Stack>> stacks;  // grows, reused
  std::vector<unsigned char> dynamic;          // dynamic shared memory of the running block
  ucontext_t scheduler{};
  const std::function<void()>* body = nullptr;
  std::exception_ptr failure;
  int current = -1;
  unsigned threads = 0;
#ifdef CONVIS_EMU_ASAN
  const void* scheduler_bottom = nullptr;
  std::size_t scheduler_size = 0;
#endif
};

thread_local Block* running = nullptr;  // the block this OS thread runs, if any

Block& block() {
  if (running == nullptr || running->current < 0) throw Error("cuda_emu: expected a call from inside a kernel");
  return *running;
}

// Switches from the running fiber back to the scheduler (the fiber's state says why).
void yield_to_scheduler(Block& b, bool finished) {
#ifdef CONVIS_EMU_ASAN
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(finished ? nullptr : &fake, b.scheduler_bottom, b.scheduler_size);
  swapcontext(&b.fibers[std::size_t(b.current)].context, &b.scheduler);
  __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#else
  (void)finished;
  swapcontext(&b.fibers[std::size_t(b.current)].context, &b.scheduler);
#endif
}

void fiber_entry() {
  Block& b = *running;
#ifdef CONVIS_EMU_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &b.scheduler_bottom, &b.scheduler_size);
#endif
  try {
    (*b.body)();
  } catch (...) {
    if (!b.failure) b.failure = std::current_exception();
  }
  b.fibers[std::size_t(b.current)].state = State::done;
  yield_to_scheduler(b, true);
}

void resume(Block& b, int i) {
  const unsigned id = unsigned(i);
  threadIdx = dim3(id % blockDim.x, id / blockDim.x % blockDim.y, id / (blockDim.x * blockDim.y));
  b.current = i;
#ifdef CONVIS_EMU_ASAN
  void* fake = nullptr;
  __sanitizer_start_switch_fiber(&fake, b.stacks[std::size_t(i)]->bottom(), kStackBytes);
  swapcontext(&b.scheduler, &b.fibers[std::size_t(i)].context);
  __sanitizer_finish_switch_fiber(fake, nullptr, nullptr);
#else
  swapcontext(&b.scheduler, &b.fibers[std::size_t(i)].context);
#endif
  b.current = -1;
}

std::string where(const char* file, int line) {
  std::string f = file;
  const auto slash = f.rfind('/');
  return (slash == std::string::npos ? f : f.substr(slash + 1)) + ":" + std::to_string(line);
}

std::string block_name() {
  return "[block " + std::to_string(blockIdx.x) + "," + std::to_string(blockIdx.y) + "," + std::to_string(blockIdx.z) + "]";
}

// Releases the warps whose live lanes all wait in a warp op; true if any was.
bool release_warps(Block& b) {
  bool released = false;
  for (unsigned first = 0; first < b.threads; first += warpSize) {
    const unsigned end = std::min<unsigned>(first + warpSize, b.threads);
    unsigned waiting = 0, live = 0;
    for (unsigned i = first; i < end; ++i) {
      const State s = b.fibers[i].state;
      live += s != State::done;
      waiting += s == State::warp_wait;
    }
    if (waiting > 0 && waiting == live) {
      for (unsigned i = first; i < end; ++i)
        if (b.fibers[i].state == State::warp_wait) b.fibers[i].state = State::runnable;
      released = true;
    }
  }
  return released;
}

// Every thread waits or is done and no warp can go on: release the block barrier, finish the
// block (false), or throw what is wrong.
bool release_block(Block& b) {
  unsigned done = 0, at_barrier = 0;
  const Fiber* first = nullptr;
  for (const Fiber& f : b.fibers) {
    if (f.state == State::warp_wait) {
      throw Error("cuda_emu: a warp op at " + where(f.file, f.line) +
                  " cannot complete: lanes of its warp exited or wait at __syncthreads " + block_name());
    }
    done += f.state == State::done;
    if (f.state == State::block_wait) {
      ++at_barrier;
      if (first == nullptr) first = &f;
      if (f.line != first->line || std::strcmp(f.file, first->file) != 0)
        throw Error("cuda_emu: threads wait at different __syncthreads, " + where(first->file, first->line) + " and " +
                    where(f.file, f.line) + " " + block_name());
    }
  }
  if (at_barrier == 0) return false;
  if (done > 0)
    throw Error("cuda_emu: __syncthreads divergence at " + where(first->file, first->line) + ": " + std::to_string(done) +
                " thread(s) exited, " + std::to_string(at_barrier) + " waiting " + block_name());
  for (Fiber& f : b.fibers) f.state = State::runnable;
  return true;
}

// A fresh fiber on `stack` that starts in fiber_entry.  (getcontext only fills the context
// here and never returns a second time -- makecontext then points it at fiber_entry -- so
// GCC's -Wclobbered, which assumes a second return as after setjmp, does not apply.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wclobbered"
[[gnu::noinline]] void prepare_fiber(Fiber& f, Stack& stack) {
  f = Fiber{};
  getcontext(&f.context);
  f.context.uc_stack.ss_sp = stack.bottom();
  f.context.uc_stack.ss_size = kStackBytes;
  f.context.uc_link = nullptr;
#ifdef CONVIS_EMU_ASAN
  __asan_unpoison_memory_region(stack.bottom(), kStackBytes);  // a reused stack's old frames
#endif
  makecontext(&f.context, fiber_entry, 0);
}
#pragma GCC diagnostic pop

void run_block(Block& b) {
  for (unsigned i = 0; i < b.threads; ++i) prepare_fiber(b.fibers[i], *b.stacks[i]);
  const bool reverse = config().reverse;
  do {
    do {
      for (unsigned k = 0; k < b.threads; ++k) {
        const int i = int(reverse ? b.threads - 1 - k : k);
        if (b.fibers[std::size_t(i)].state == State::runnable) resume(b, i);
        if (b.failure) std::rethrow_exception(b.failure);
      }
    } while (release_warps(b));
  } while (release_block(b));
}

void check_launch(dim3 grid, dim3 block, std::size_t dynamic_bytes) {
  const unsigned long long threads = 1ull * block.x * block.y * block.z;
  if (threads == 0 || threads > 1024 || block.z > 64 || grid.x == 0 || grid.y == 0 || grid.z == 0 ||
      grid.y > 65535 || grid.z > 65535)
    throw Error("cuda_emu: expected a launch of 1..1024 threads a block (z <= 64) and a grid of 1..65535 in y and z, got "
                "block " + std::to_string(block.x) + "x" + std::to_string(block.y) + "x" + std::to_string(block.z) +
                ", grid " + std::to_string(grid.x) + "x" + std::to_string(grid.y) + "x" + std::to_string(grid.z));
  if (dynamic_bytes > config().max_dynamic_shared)
    throw Error("cuda_emu: expected at most " + std::to_string(config().max_dynamic_shared) +
                " bytes of dynamic shared memory, got " + std::to_string(dynamic_bytes));
}

// The scheduler's own state for one launch; restores the built-ins of an enclosing launch.
struct LaunchScope {
  Block* outer = running;
  dim3 saved[4] = {threadIdx, blockIdx, blockDim, gridDim};
  ~LaunchScope() {
    running = outer;
    threadIdx = saved[0], blockIdx = saved[1], blockDim = saved[2], gridDim = saved[3];
  }
};

}  // namespace

Config& config() {
  static Config c;
  return c;
}

void* dynamic_shared() {
  Block& b = block();
  return b.dynamic.empty() ? nullptr : b.dynamic.data();
}

void run_grid(dim3 grid, dim3 block_size, std::size_t dynamic_bytes, const std::function<void()>& body) {
  check_launch(grid, block_size, dynamic_bytes);
  if (running != nullptr && running->current >= 0) throw Error("cuda_emu: expected a launch from the host, got one from a kernel");
  thread_local Block b;  // stacks kept for the next launch on this thread
  LaunchScope scope;
  b.threads = block_size.x * block_size.y * block_size.z;
  b.fibers.assign(b.threads, Fiber{});
  while (b.stacks.size() < b.threads) b.stacks.push_back(std::make_unique<Stack>());
  b.body = &body;
  b.failure = nullptr;
  running = &b;
  gridDim = grid, blockDim = block_size;
  for (unsigned z = 0; z < grid.z; ++z)
    for (unsigned y = 0; y < grid.y; ++y)
      for (unsigned x = 0; x < grid.x; ++x) {
        blockIdx = dim3(x, y, z);
        b.dynamic.assign(dynamic_bytes, 0xFF);
        run_block(b);
      }
}

void sync_block(const char* file, int line) {
  Block& b = block();
  Fiber& f = b.fibers[std::size_t(b.current)];
  f.state = State::block_wait, f.file = file, f.line = line;
  yield_to_scheduler(b, false);
}

void sync_warp(const char* file, int line) {
  Block& b = block();
  Fiber& f = b.fibers[std::size_t(b.current)];
  f.state = State::warp_wait, f.file = file, f.line = line;
  yield_to_scheduler(b, false);
}

int lane_count() {
  Block& b = block();
  const unsigned first = unsigned(b.current) / warpSize * warpSize;
  return int(std::min<unsigned>(warpSize, b.threads - first));
}

std::uint64_t exchange(std::uint64_t mine, int source, const char* file, int line) {
  Block& b = block();
  const unsigned first = unsigned(b.current) / warpSize * warpSize;
  b.fibers[std::size_t(b.current)].slot = mine;
  sync_warp(file, line);  // every lane has put its value
  const bool inside = source >= 0 && source < lane_count();
  const std::uint64_t got = inside ? b.fibers[first + unsigned(source)].slot : mine;
  sync_warp(file, line);  // every lane has read before any puts again
  return got;
}

void check_mask(unsigned mask, const char* op) {
  if (mask != 0xffffffffu) throw Error(std::string("cuda_emu: ") + op + " expected the full mask 0xffffffff (the emulator's only one)");
}

}  // namespace convis::cuda_emu
