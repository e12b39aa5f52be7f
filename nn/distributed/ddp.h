// nn/distributed/ddp.h: data-parallel training, PyTorch's DistributedDataParallel in C++.
//
//   // mpirun -np 2 ./train: each rank trains on its share of every batch
//   auto pg = distributed::ProcessGroupMPI::create();
//   auto net = std::make_shared<NetImpl>();                // same construction on every rank
//   distributed::DistributedDataParallel ddp(net, pg);     // rank 0's parameters everywhere
//   optim::SGD opt(net->parameters(), 0.1);
//   for (auto& batch : *loader) {                          // a DistributedRandomSampler's share
//     opt.zero_grad();
//     nn::functional::mse_loss(ddp(batch.data), batch.target).backward();  // grads averaged
//     opt.step();                                          // same step on every rank
//   }
//   { auto no_sync = ddp.no_sync(); loss.backward(); }     // accumulate locally, no allreduce
//
// Note [Buckets and hooks]
// At construction the ranks check that they hold the same parameters (count, shapes, dtypes:
// an Error on every rank naming the first difference), rank 0's parameters and buffers are
// broadcast, and the parameters that require grad are laid out in buckets: in reverse
// registration order (backward produces the last layer's gradients first), one dtype per bucket,
// up to bucket_cap_mb (the first bucket up to 1 MB, so that the first allreduce starts early).
// A post-accumulate-grad hook on every parameter copies its .grad into its bucket's flat tensor;
// when the last parameter of bucket k is in and buckets 0..k-1 are launched, bucket k's
// allreduce is queued on the process group and backward goes on while it runs
// (Note [Process groups]).  Buckets are launched only in index order, and the layout is the
// same on every rank (checked), so every rank issues the same allreduces in the same order.
// The first hook of a backward queues a callback (autograd::queue_callback) that runs when
// backward has run its last Node: it launches what is left, waits for every bucket, and
// writes sum / world size back into each .grad.  .grad then holds the gradient of the mean
// loss over the global batch, the same on every rank.
// Parameters that got no gradient in a backward: with find_unused_parameters(false) (the
// default, as PyTorch) the callback throws an Error naming them.  With true they count as
// zero in their bucket, and one more allreduce counts on how many ranks each parameter was
// used: a parameter used nowhere keeps its .grad as it was (undefined stays undefined, as
// in PyTorch), one used somewhere gets the average.
// no_sync(): while the guard lives, the hooks do nothing, gradients accumulate in .grad; the
// first backward after it reduces the accumulated .grad.  overlap(false) queues every
// allreduce only after backward (the baseline bench_ddp compares against).
// broadcast_buffers(true) (the default): each forward first broadcasts rank 0's buffers
// (BatchNorm's running statistics), as PyTorch.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "convis/nn/arg.h"
#include "convis/nn/distributed/process_group.h"
#include "convis/nn/module.h"
#include "convis/nn/module_holder.h"

namespace convis::distributed {

struct DistributedDataParallelOptions {
  CONVIS_ARG(double, bucket_cap_mb) = 25.0;
  CONVIS_ARG(bool, broadcast_buffers) = true;
  CONVIS_ARG(bool, find_unused_parameters) = false;
  CONVIS_ARG(bool, overlap) = true;
};

// What the last synchronised backward did, for tests and benchmarks.
struct DdpTrace {
  using Clock = std::chrono::steady_clock;
  struct Bucket {
    int64_t bytes = 0;
    Clock::time_point queued, started, finished;  // queued by backward; run by the group's thread
  };
  std::vector<Bucket> buckets;       // in launch order (= bucket index order)
  Clock::time_point backward_end{};  // when the engine had run its last Node
  Clock::time_point reduced{};       // when every .grad held its average
};

namespace detail {

// The part of DistributedDataParallel that does not depend on the module's type.
class Reducer : public std::enable_shared_from_this<Reducer> {
 public:
  Reducer(std::shared_ptr<nn::Module> module, std::shared_ptr<ProcessGroup> group,
          DistributedDataParallelOptions options);
  void install_hooks();     // once, after construction (the hooks hold a weak pointer)
  void prepare_forward();   // broadcast_buffers
  void set_sync(bool sync) { sync_ = sync; }
  bool sync() const { return sync_; }
  size_t bucket_count() const { return buckets_.size(); }
  const DdpTrace& last_trace() const { return trace_; }

 private:
  struct Bucket {
    Tensor flat;                  // the gradients of its parameters, end to end
    std::vector<size_t> params;   // indices into params_
    std::vector<int64_t> offsets; // where each starts in flat
    size_t pending = 0;           // parameters not yet in this backward
    std::shared_ptr<Work> work;
  };
  void check_same_parameters();
  void broadcast_state();
  void make_buckets();
  void start_backward();
  void on_gradient(size_t param);
  void launch(size_t bucket);
  void finish_backward();
  std::vector<int64_t> used_counts();

  std::shared_ptr<nn::Module> module_;
  std::shared_ptr<ProcessGroup> group_;
  DistributedDataParallelOptions options_;
  std::vector<Tensor> params_;
  std::vector<std::string> names_;
  std::vector<std::pair<size_t, size_t>> location_;  // param -> (bucket, position in it)
  std::vector<Bucket> buckets_;
  std::vector<char> got_gradient_;  // this backward
  bool sync_ = true;
  bool in_backward_ = false;
  size_t next_launch_ = 0;
  DdpTrace trace_;
};

}  // namespace detail

// Turns synchronisation off while it lives (PyTorch's `with ddp.no_sync():`).
class NoSyncGuard {
 public:
  explicit NoSyncGuard(std::shared_ptr<detail::Reducer> reducer) : reducer_(std::move(reducer)), before_(reducer_->sync()) {
    reducer_->set_sync(false);
  }
  ~NoSyncGuard() { reducer_->set_sync(before_); }
  NoSyncGuard(const NoSyncGuard&) = delete;
  NoSyncGuard& operator=(const NoSyncGuard&) = delete;

 private:
  std::shared_ptr<detail::Reducer> reducer_;
  bool before_;
};

template <typename ModuleType>
class DistributedDataParallel {
 public:
  DistributedDataParallel(std::shared_ptr<ModuleType> module, std::shared_ptr<ProcessGroup> group,
                          DistributedDataParallelOptions options = {})
      : module_(std::move(module)),
        reducer_(std::make_shared<detail::Reducer>(module_, std::move(group), options)) {
    reducer_->install_hooks();
  }
  DistributedDataParallel(nn::ModuleHolder<ModuleType> module, std::shared_ptr<ProcessGroup> group,
                          DistributedDataParallelOptions options = {})
      : DistributedDataParallel(module.ptr(), std::move(group), options) {}

  template <typename... Args>
  auto forward(Args&&... args) {
    reducer_->prepare_forward();
    return module_->forward(std::forward<Args>(args)...);
  }
  template <typename... Args>
  auto operator()(Args&&... args) {
    return forward(std::forward<Args>(args)...);
  }

  const std::shared_ptr<ModuleType>& module() const { return module_; }
  NoSyncGuard no_sync() { return NoSyncGuard(reducer_); }
  size_t bucket_count() const { return reducer_->bucket_count(); }
  const DdpTrace& last_trace() const { return reducer_->last_trace(); }

 private:
  std::shared_ptr<ModuleType> module_;
  std::shared_ptr<detail::Reducer> reducer_;
};

template <typename M>
DistributedDataParallel(std::shared_ptr<M>, std::shared_ptr<ProcessGroup>, DistributedDataParallelOptions = {})
    -> DistributedDataParallel<M>;
template <typename M>
DistributedDataParallel(nn::ModuleHolder<M>, std::shared_ptr<ProcessGroup>, DistributedDataParallelOptions = {})
    -> DistributedDataParallel<M>;

}  // namespace convis::distributed
