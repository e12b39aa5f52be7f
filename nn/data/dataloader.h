// nn/data/dataloader.h: batches of a dataset in sampler order, prepared by worker threads.
//
//   using namespace convis;
//   auto ds = data::datasets::TensorDataset(x, y).map(data::transforms::Stack<>());
//   auto loader = data::make_data_loader(std::move(ds),
//       data::DataLoaderOptions().batch_size(32).workers(2).drop_last(true));   // RandomSampler
//   for (data::Example<>& batch : *loader) train_step(batch.data, batch.target);
//
// Note [Data loader]
// The sampler runs on the caller's thread and numbers the batches; workers (threads of the
// loader) call dataset.get_batch on the numbered index lists, and the caller receives batch k
// only after batch k - 1: the same batches in the same order for any worker count (0 workers:
// each batch is read when the caller asks for it).  At most max_jobs batches are requested
// ahead (default 2 x workers), so memory is bounded however slow the caller is.  An exception
// thrown by get_batch in a worker is carried to the caller and thrown there, at that batch's
// turn; the loader can start a new epoch afterwards.  begin() starts an epoch (sampler reset);
// calling it mid-epoch drops the batches in flight.  The destructor stops and joins the
// workers, also mid-epoch.  The dataset is shared by the workers: its get_batch must be safe to
// call from several threads at once (Note [Datasets]).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "convis/core/error.h"
#include "convis/nn/arg.h"
#include "convis/nn/data/datasets.h"
#include "convis/nn/data/samplers.h"
#include "convis/nn/data/transforms.h"

namespace convis::data {

struct DataLoaderOptions {
  CONVIS_ARG(size_t, batch_size) = 1;
  CONVIS_ARG(size_t, workers) = 0;
  CONVIS_ARG(std::optional<size_t>, max_jobs) = std::nullopt;  // default 2 x workers
  CONVIS_ARG(bool, drop_last) = false;
};

template <typename Dataset, typename SamplerType>
class DataLoader {
 public:
  using Batch = typename Dataset::BatchType;

  DataLoader(Dataset dataset, DataLoaderOptions options, SamplerType sampler)
      : dataset_(std::move(dataset)), options_(options), sampler_(std::move(sampler)) {
    CONVIS_CHECK(options_.batch_size() > 0, "DataLoader", "expected a batch size of at least 1, got {}",
                 options_.batch_size());
    // max_jobs: the option, else twice the workers.  (An if, not value_or: GCC's value_or reads
    // an empty optional's payload, which valgrind reports -- scripts/valgrind.supp.)
    max_jobs_ = 2 * options_.workers();
    if (options_.max_jobs().has_value()) {
      max_jobs_ = *options_.max_jobs();
      CONVIS_CHECK(max_jobs_ > 0, "DataLoader", "expected max_jobs >= 1, got {}", max_jobs_);
    }
    for (size_t w = 0; w < options_.workers(); ++w) workers_.emplace_back([this] { work(); });
  }
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;
  ~DataLoader() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    job_ready_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Batch;
    using difference_type = std::ptrdiff_t;
    using pointer = Batch*;
    using reference = Batch&;
    Iterator() = default;
    explicit Iterator(DataLoader* loader) : loader_(loader) { ++*this; }
    Batch& operator*() { return *batch_; }
    Batch* operator->() { return &*batch_; }
    Iterator& operator++() {
      batch_ = loader_->next();
      if (!batch_) loader_ = nullptr;
      return *this;
    }
    bool operator==(const Iterator& other) const { return loader_ == other.loader_; }

   private:
    DataLoader* loader_ = nullptr;
    std::optional<Batch> batch_;
  };

  // Starts an epoch and gives its first batch (Note [Data loader]).
  Iterator begin() {
    start_epoch();
    return Iterator(this);
  }
  Iterator end() { return Iterator(); }

  const DataLoaderOptions& options() const { return options_; }
  SamplerType& sampler() { return sampler_; }

  // The next batch of the epoch, nullopt at its end (what the iterator calls).
  std::optional<Batch> next() {
    if (options_.workers() == 0) {
      auto indices = next_indices();
      if (!indices) return std::nullopt;
      return dataset_.get_batch(*indices);
    }
    std::unique_lock<std::mutex> lock(mutex_);
    request_ahead(lock);
    if (delivered_ == requested_) return std::nullopt;  // the sampler is done and nothing is in flight
    result_ready_.wait(lock, [&] { return results_.count(delivered_) != 0; });
    Result r = std::move(results_[delivered_]);
    results_.erase(delivered_++);
    request_ahead(lock);
    if (r.error) std::rethrow_exception(r.error);
    return std::move(r.batch);
  }

 private:
  struct Job {
    uint64_t epoch, number;
    std::vector<size_t> indices;
  };
  struct Result {
    std::optional<Batch> batch;
    std::exception_ptr error;
  };

  std::optional<std::vector<size_t>> next_indices() {
    if (sampler_done_) return std::nullopt;
    auto indices = sampler_.next(options_.batch_size());
    if (!indices || indices->empty() || (options_.drop_last() && indices->size() < options_.batch_size())) {
      sampler_done_ = true;
      return std::nullopt;
    }
    return indices;
  }

  void start_epoch() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++epoch_;  // workers drop what they finish of the last epoch
    jobs_.clear();
    results_.clear();
    requested_ = delivered_ = 0;
    sampler_.reset();
    sampler_done_ = false;
  }

  // Requests batches until max_jobs are in flight or the sampler is done (caller holds the lock).
  void request_ahead(std::unique_lock<std::mutex>&) {
    bool added = false;
    while (requested_ - delivered_ < max_jobs_) {
      auto indices = next_indices();
      if (!indices) break;
      jobs_.push_back(Job{epoch_, requested_++, std::move(*indices)});
      added = true;
    }
    if (added) job_ready_.notify_all();
  }

  void work() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      job_ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      Result r;
      try {
        r.batch = dataset_.get_batch(job.indices);
      } catch (...) {
        r.error = std::current_exception();
      }
      lock.lock();
      if (job.epoch != epoch_) continue;  // begin() was called again meanwhile
      results_[job.number] = std::move(r);
      result_ready_.notify_all();
    }
  }

  Dataset dataset_;
  DataLoaderOptions options_;
  SamplerType sampler_;
  size_t max_jobs_ = 0;  // batches requested ahead at most
  bool sampler_done_ = true;
  std::mutex mutex_;
  std::condition_variable job_ready_, result_ready_;
  std::deque<Job> jobs_;
  std::map<uint64_t, Result> results_;
  uint64_t epoch_ = 0, requested_ = 0, delivered_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;  // last: started after everything they use exists
};

// LibTorch's make_data_loader: a RandomSampler over the dataset's size by default, or the
// sampler given, or SamplerType(size).
template <typename Dataset, typename SamplerType>
std::unique_ptr<DataLoader<Dataset, SamplerType>> make_data_loader(Dataset dataset, SamplerType sampler,
                                                                   DataLoaderOptions options = {}) {
  return std::make_unique<DataLoader<Dataset, SamplerType>>(std::move(dataset), options, std::move(sampler));
}

template <typename SamplerType = samplers::RandomSampler, typename Dataset>
std::unique_ptr<DataLoader<Dataset, SamplerType>> make_data_loader(Dataset dataset, DataLoaderOptions options = {}) {
  const std::optional<size_t> size = dataset.size();
  CONVIS_CHECK(size.has_value(), "make_data_loader", "expected a dataset that knows its size, got one without");
  SamplerType sampler(*size);
  return make_data_loader(std::move(dataset), std::move(sampler), options);
}

}  // namespace convis::data
