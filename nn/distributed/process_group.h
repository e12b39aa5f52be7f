// nn/distributed/process_group.h: collectives over a group of processes (ranks), as c10d's.
//
//   using namespace convis;
//   auto pg = distributed::ProcessGroupMPI::create();   // under mpirun -np 2: ranks 0 and 1
//   Tensor t = full({4}, double(pg->rank() + 1), kFloat64);
//   std::vector<Tensor> ts{t};
//   auto work = pg->allreduce(ts);                    // returns at once; runs on the group's thread
//   work->wait();                                     // t == 3 on both ranks; throws what failed
//   pg->broadcast(ts, {.rootRank = 1})->wait();       // rank 1's values everywhere
//
// Note [Process groups]
// A collective is a Work: the call checks its tensors (on the CPU, contiguous, the dtype the
// operation needs: an Error naming the rank and the call otherwise), queues the operation and
// returns.  One thread of the group runs the queued operations one after the other, in the
// order they were queued, so every rank issues the same collectives in the same order as long
// as its caller does (DistributedDataParallel guarantees it for its buckets).  The caller
// keeps computing meanwhile: that is how the gradient allreduce overlaps backward.
// Work::wait() blocks until the operation finished and throws its Error.  It never waits
// forever: past the group's timeout (default 30 minutes, as c10d's) it throws an Error that
// names the call, the rank and the wait; a rank that died or stopped taking part cannot hang the
// others.  After such a timeout the group is broken (its thread is stuck inside the library),
// every later call throws, and the process should exit: mpirun then ends the job.
// The names are c10d's (ReduceOp::SUM, AllreduceOptions::reduceOp, BroadcastOptions::rootRank,
// Work::wait, isCompleted), so a LibTorch program's collectives port by changing the namespace.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "convis/core/tensor.h"

namespace convis::distributed {

// A wait without a deadline of its own: the group's timeout applies.
inline constexpr std::chrono::milliseconds kNoTimeout{-1};
inline constexpr std::chrono::milliseconds kDefaultTimeout = std::chrono::minutes(30);

// Bool tensors reduce as logical values: SUM and MAX are "or", PRODUCT and MIN "and".
enum class ReduceOp { SUM, PRODUCT, MIN, MAX };

struct AllreduceOptions {
  ReduceOp reduceOp = ReduceOp::SUM;
};
struct BroadcastOptions {
  int64_t rootRank = 0;
};

// One queued collective.
class Work {
 public:
  using Clock = std::chrono::steady_clock;
  // `group_broken` (may be null) is set when a wait times out (Note [Process groups]).
  Work(std::string operation, int rank, std::chrono::milliseconds group_timeout,
       std::shared_ptr<std::atomic<bool>> group_broken = nullptr);

  bool isCompleted() const;
  // Blocks until the operation finished (true) and rethrows its Error; an Error after
  // `timeout` (kNoTimeout: the group's timeout).
  bool wait(std::chrono::milliseconds timeout = kNoTimeout);

  // When the group's thread started and finished the operation (for traces; zero before).
  Clock::time_point started() const;
  Clock::time_point finished() const;
  const std::string& operation() const { return operation_; }

  // Called by the group's thread.
  void mark_started();
  void finish(std::exception_ptr error);

 private:
  std::string operation_;
  int rank_;
  std::chrono::milliseconds group_timeout_;
  std::shared_ptr<std::atomic<bool>> group_broken_;
  mutable std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::exception_ptr error_;
  Clock::time_point started_{}, finished_{};
};

// The interface DistributedDataParallel talks to; ProcessGroupMPI is the implementation.
class ProcessGroup {
 public:
  virtual ~ProcessGroup() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual std::string backend_name() const = 0;
  virtual std::chrono::milliseconds timeout() const = 0;

  // Every tensor, in place, reduced over the ranks.
  virtual std::shared_ptr<Work> allreduce(std::vector<Tensor>& tensors, const AllreduceOptions& options = {}) = 0;
  // Every tensor, in place, gets the root rank's values.
  virtual std::shared_ptr<Work> broadcast(std::vector<Tensor>& tensors, const BroadcastOptions& options = {}) = 0;
  // outputs[i][r] gets rank r's inputs[i] (outputs[i] holds size() tensors shaped as inputs[i]).
  virtual std::shared_ptr<Work> allgather(std::vector<std::vector<Tensor>>& outputs,
                                          std::vector<Tensor>& inputs) = 0;
  virtual std::shared_ptr<Work> barrier() = 0;
};

// Whether this build of convis has MPI (CONVIS_MPI at configure time).
bool mpi_available();

}  // namespace convis::distributed
