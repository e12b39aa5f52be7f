// nn/distributed/process_group.cpp: Work (Note [Process groups] in process_group.h).
#include "convis/nn/distributed/process_group.h"

#include "convis/core/error.h"

namespace convis::distributed {

Work::Work(std::string operation, int rank, std::chrono::milliseconds group_timeout,
           std::shared_ptr<std::atomic<bool>> group_broken)
    : operation_(std::move(operation)),
      rank_(rank),
      group_timeout_(group_timeout),
      group_broken_(std::move(group_broken)) {}

bool Work::isCompleted() const {
  std::lock_guard lock(mutex_);
  return done_;
}

bool Work::wait(std::chrono::milliseconds timeout) {
  if (timeout == kNoTimeout) timeout = group_timeout_;
  std::unique_lock lock(mutex_);
  if (!done_cv_.wait_for(lock, timeout, [&] { return done_; })) {
    if (group_broken_) group_broken_->store(true);
    detail::throw_error(operation_,
                        fmt::format("rank {}: the collective did not complete within {} ms (another rank may have "
                                    "failed, exited or stopped calling collectives); this process group is now "
                                    "unusable",
                                    rank_, timeout.count()));
  }
  if (error_) std::rethrow_exception(error_);
  return true;
}

Work::Clock::time_point Work::started() const {
  std::lock_guard lock(mutex_);
  return started_;
}

Work::Clock::time_point Work::finished() const {
  std::lock_guard lock(mutex_);
  return finished_;
}

void Work::mark_started() {
  std::lock_guard lock(mutex_);
  started_ = Clock::now();
}

void Work::finish(std::exception_ptr error) {
  {
    std::lock_guard lock(mutex_);
    error_ = std::move(error);
    finished_ = Clock::now();
    done_ = true;
  }
  done_cv_.notify_all();
}

}  // namespace convis::distributed
