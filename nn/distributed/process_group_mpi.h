// nn/distributed/process_group_mpi.h: the process group over MPI (Debian's OpenMPI).
//
//   // mpirun -np 2 ./program
//   auto pg = convis::distributed::ProcessGroupMPI::create();   // MPI_Init_thread on first use
//   std::cout << "rank " << pg->rank() << " of " << pg->size() << "\n";
//   pg->barrier()->wait();
//
// Note [MPI in convis]
// create() initialises MPI once per process (MPI_THREAD_SERIALIZED: only the group's thread
// calls MPI after that, never two threads at once) unless the program did, duplicates
// MPI_COMM_WORLD, and sets the error handler MPI_ERRORS_RETURN on the copy, so that a failed
// call becomes an Error naming the rank, the call and MPI's message instead of an abort.  MPI
// is finalised at exit when convis initialised it and every group ended cleanly.  Without MPI
// (configured with CONVIS_MPI=OFF, or no libopenmpi-dev found) create() is an Error saying so.
// Run without mpirun, create() gives a group of one rank (MPI's singleton start).
#pragma once

#include <functional>
#include <memory>
#include <thread>

#include "convis/nn/distributed/process_group.h"

namespace convis::distributed {

class ProcessGroupMPI final : public ProcessGroup {
 public:
  // `timeout` bounds every Work::wait (Note [Process groups]).
  static std::shared_ptr<ProcessGroupMPI> create(std::chrono::milliseconds timeout = kDefaultTimeout);
  ~ProcessGroupMPI() override;
  ProcessGroupMPI(const ProcessGroupMPI&) = delete;
  ProcessGroupMPI& operator=(const ProcessGroupMPI&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backend_name() const override { return "mpi"; }
  std::chrono::milliseconds timeout() const override { return timeout_; }

  std::shared_ptr<Work> allreduce(std::vector<Tensor>& tensors, const AllreduceOptions& options = {}) override;
  std::shared_ptr<Work> broadcast(std::vector<Tensor>& tensors, const BroadcastOptions& options = {}) override;
  std::shared_ptr<Work> allgather(std::vector<std::vector<Tensor>>& outputs, std::vector<Tensor>& inputs) override;
  std::shared_ptr<Work> barrier() override;

 private:
  struct Handle;  // the MPI communicator (process_group_mpi.cpp)
  struct State;   // the queue and the communicator, shared with the group's thread
  ProcessGroupMPI(std::shared_ptr<State> state, std::chrono::milliseconds timeout);
  std::shared_ptr<Work> enqueue(const char* operation, std::function<void(Handle&)> run);

  std::shared_ptr<State> state_;
  int rank_ = 0, size_ = 1;
  std::chrono::milliseconds timeout_;
  std::thread thread_;
};

}  // namespace convis::distributed
