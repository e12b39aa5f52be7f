// nn/data/samplers.h: which examples, in which order -- the indices of each batch.
//
//   using namespace convis::data::samplers;
//   SequentialSampler s(10);         // 0 1 2 ... 9
//   RandomSampler r(10, /*seed=*/7); // a permutation, another one each epoch (reset), the same every run
//   DistributedRandomSampler d(10, /*num_replicas=*/3, /*rank=*/1);   // this rank's share
//   d.set_epoch(2);  d.reset();
//   while (auto batch = r.next(4)) use(*batch);   // {..4..}, {..4..}, {..2..}, then nullopt
//
// Note [Samplers]
// As LibTorch's torch::data::samplers: reset(new_size) starts an epoch, next(n) gives up to n
// indices and nullopt at the end.  RandomSampler draws its permutation from a Generator of its
// own (seed, epoch): an epoch's order does not depend on other random draws or on the threads.
// The distributed samplers give each of num_replicas ranks ceil(size / num_replicas) indices
// (allow_duplicates, the default): the epoch's order (sequential, or a permutation that every
// rank draws alike from (seed, epoch)) is padded to a multiple of num_replicas by repeating its
// first indices, and rank r takes positions r, r + num_replicas, r + 2 num_replicas, ... -- so
// every example is seen once per epoch across the ranks, and at most num_replicas - 1 twice.
// With allow_duplicates = false the order is cut instead to floor(size / num_replicas) per rank
// (at most num_replicas - 1 examples unseen that epoch).  set_epoch(e) before reset() gives
// every rank the epoch's permutation (PyTorch's DistributedSampler.set_epoch).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace convis::data::samplers {

class Sampler {
 public:
  virtual ~Sampler() = default;
  // Starts a new epoch (with a new dataset size when given).
  virtual void reset(std::optional<size_t> new_size = std::nullopt) = 0;
  // Up to `batch_size` indices of the epoch, nullopt when it is over.
  virtual std::optional<std::vector<size_t>> next(size_t batch_size) = 0;
};

// Serves a list of indices made at each reset.
class ListSampler : public Sampler {
 public:
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  // This epoch's indices (all of them, including those already served).
  const std::vector<size_t>& indices() const { return indices_; }

 protected:
  std::vector<size_t> indices_;
  size_t position_ = 0;
};

class SequentialSampler : public ListSampler {
 public:
  explicit SequentialSampler(size_t size);
  void reset(std::optional<size_t> new_size = std::nullopt) override;

 private:
  size_t size_;
};

class RandomSampler : public ListSampler {
 public:
  explicit RandomSampler(size_t size, uint64_t seed = 0);
  void reset(std::optional<size_t> new_size = std::nullopt) override;  // the next epoch's permutation

 private:
  size_t size_;
  uint64_t seed_, epoch_ = 0;
};

class DistributedSampler : public ListSampler {
 public:
  DistributedSampler(size_t size, size_t num_replicas, size_t rank, bool allow_duplicates, bool shuffle, uint64_t seed);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  void set_epoch(uint64_t epoch) { epoch_ = epoch; }
  uint64_t epoch() const { return epoch_; }
  // The indices each rank gets per epoch.
  size_t local_sample_count() const;

 private:
  size_t size_, num_replicas_, rank_;
  bool allow_duplicates_, shuffle_;
  uint64_t seed_, epoch_ = 0;
};

class DistributedRandomSampler : public DistributedSampler {
 public:
  explicit DistributedRandomSampler(size_t size, size_t num_replicas = 1, size_t rank = 0, bool allow_duplicates = true,
                                    uint64_t seed = 0)
      : DistributedSampler(size, num_replicas, rank, allow_duplicates, /*shuffle=*/true, seed) {}
};

class DistributedSequentialSampler : public DistributedSampler {
 public:
  explicit DistributedSequentialSampler(size_t size, size_t num_replicas = 1, size_t rank = 0,
                                        bool allow_duplicates = true)
      : DistributedSampler(size, num_replicas, rank, allow_duplicates, /*shuffle=*/false, 0) {}
};

// The permutation of 0 .. n-1 for (seed, epoch): Fisher-Yates over a Generator of its own.
std::vector<size_t> permutation(size_t n, uint64_t seed, uint64_t epoch);

}  // namespace convis::data::samplers
