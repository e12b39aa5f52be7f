// nn/data/samplers.cpp: the samplers of nn/data/samplers.h (Note [Samplers]).
#include "convis/nn/data/samplers.h"

#include <algorithm>
#include <numeric>

#include "convis/core/error.h"
#include "convis/core/generator.h"

namespace convis::data::samplers {

std::vector<size_t> permutation(size_t n, uint64_t seed, uint64_t epoch) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t(0));
  const Generator generator(splitmix64(seed) ^ (epoch * 0x9E3779B97F4A7C15ull));
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[size_t(generator.bits(i) % i)]);
  return order;
}

std::optional<std::vector<size_t>> ListSampler::next(size_t batch_size) {
  CONVIS_CHECK(batch_size > 0, "Sampler", "expected a batch size of at least 1, got {}", batch_size);
  if (position_ >= indices_.size()) return std::nullopt;
  const size_t end = std::min(indices_.size(), position_ + batch_size);
  std::vector<size_t> batch(indices_.begin() + std::ptrdiff_t(position_), indices_.begin() + std::ptrdiff_t(end));
  position_ = end;
  return batch;
}

SequentialSampler::SequentialSampler(size_t size) : size_(size) { reset(); }

void SequentialSampler::reset(std::optional<size_t> new_size) {
  if (new_size) size_ = *new_size;
  indices_.resize(size_);
  std::iota(indices_.begin(), indices_.end(), size_t(0));
  position_ = 0;
}

RandomSampler::RandomSampler(size_t size, uint64_t seed) : size_(size), seed_(seed) {
  indices_ = permutation(size_, seed_, epoch_);
}

void RandomSampler::reset(std::optional<size_t> new_size) {
  if (new_size) size_ = *new_size;
  indices_ = permutation(size_, seed_, ++epoch_);
  position_ = 0;
}

DistributedSampler::DistributedSampler(size_t size, size_t num_replicas, size_t rank, bool allow_duplicates,
                                       bool shuffle, uint64_t seed)
    : size_(size), num_replicas_(num_replicas), rank_(rank), allow_duplicates_(allow_duplicates), shuffle_(shuffle),
      seed_(seed) {
  CONVIS_CHECK(num_replicas >= 1 && rank < num_replicas, "DistributedSampler",
               "expected a rank in [0, num_replicas) and num_replicas >= 1, got rank {} of {}", rank, num_replicas);
  reset();
}

size_t DistributedSampler::local_sample_count() const {
  return allow_duplicates_ ? (size_ + num_replicas_ - 1) / num_replicas_ : size_ / num_replicas_;
}

void DistributedSampler::reset(std::optional<size_t> new_size) {
  if (new_size) size_ = *new_size;
  std::vector<size_t> order(size_);
  if (shuffle_) {
    order = permutation(size_, seed_, epoch_);
  } else {
    std::iota(order.begin(), order.end(), size_t(0));
  }
  const size_t total = local_sample_count() * num_replicas_;
  for (size_t i = size_; i < total; ++i) order.push_back(order[i - size_]);  // padding: the first again
  indices_.clear();
  for (size_t i = rank_; i < total; i += num_replicas_) indices_.push_back(order[i]);
  position_ = 0;
}

}  // namespace convis::data::samplers
