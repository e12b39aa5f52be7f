// nn/data/datasets.h: datasets -- a source of examples by index -- and the ones convis has.
//
//   using namespace convis;
//   auto ds = data::datasets::TensorDataset(inputs, targets)     // examples along dim 0
//                 .map(data::transforms::Normalize<>(0.5, 0.25))  // on each example's data
//                 .map(data::transforms::Stack<>());              // a batch -> one Example
//   data::Example<> batch = ds.get_batch({0, 1, 2});             // data [3, ...]
//
// Note [Datasets]
// As LibTorch: a dataset is a class Self deriving from Dataset<Self, ExampleType> with
// `get(index)` and `size()`; `get_batch(indices)` gets each (a dataset may read a batch faster
// itself); `map(transform)` wraps it in a MapDataset that applies an example transform to each
// example of a batch or a batch transform (Stack) to the whole batch.  Datasets are read from
// the loader's worker threads at once: get() must be safe to call concurrently (TensorDataset
// only reads its tensors).
#pragma once

#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "convis/core/error.h"
#include "convis/nn/data/example.h"

namespace convis::data {

namespace datasets {

template <typename Source, typename Transform>
class MapDataset;

// A dataset's batch is what get_batch returns: a vector of examples here, one Example after
// map(Stack<>()).
template <typename Self, typename SingleExample = Example<>>
class Dataset {
 public:
  using ExampleType = SingleExample;
  using BatchType = std::vector<SingleExample>;
  virtual ~Dataset() = default;
  virtual SingleExample get(size_t index) = 0;
  virtual std::optional<size_t> size() const = 0;

  virtual BatchType get_batch(const std::vector<size_t>& indices) {
    BatchType batch;
    batch.reserve(indices.size());
    for (size_t i : indices) batch.push_back(get(i));
    return batch;
  }

  template <typename Transform>
  MapDataset<Self, Transform> map(Transform transform) && {
    return MapDataset<Self, Transform>(std::move(static_cast<Self&>(*this)), std::move(transform));
  }
  template <typename Transform>
  MapDataset<Self, Transform> map(Transform transform) const& {
    return MapDataset<Self, Transform>(static_cast<const Self&>(*this), std::move(transform));
  }
};

// A dataset whose batches go through `transform`: an example transform (apply(example)) on each
// example, or a batch transform (apply_batch(batch)) on the whole batch.
template <typename Source, typename Transform>
class MapDataset {
 public:
  using BatchType = decltype(std::declval<Transform&>().apply_batch(std::declval<typename Source::BatchType>()));

  MapDataset(Source source, Transform transform) : source_(std::move(source)), transform_(std::move(transform)) {}

  BatchType get_batch(const std::vector<size_t>& indices) { return transform_.apply_batch(source_.get_batch(indices)); }
  std::optional<size_t> size() const { return source_.size(); }

  template <typename Next>
  MapDataset<MapDataset, Next> map(Next next) && {
    return MapDataset<MapDataset, Next>(std::move(*this), std::move(next));
  }

  const Source& dataset() const { return source_; }
  const Transform& transform() const { return transform_; }

 private:
  Source source_;
  Transform transform_;
};

// Examples along dim 0 of `data`, each with the target along dim 0 of `targets` (as many).
class TensorDataset : public Dataset<TensorDataset, Example<>> {
 public:
  TensorDataset(Tensor data, Tensor targets) : data_(std::move(data)), targets_(std::move(targets)) {
    CONVIS_CHECK(data_.defined() && data_.dim() >= 1, "TensorDataset", "expected data with a first dimension, got {}",
                 data_.defined() ? data_.dim() : -1);
    CONVIS_CHECK(targets_.defined() && targets_.dim() >= 1 && targets_.size(0) == data_.size(0), "TensorDataset",
                 "expected as many targets as examples ({}), got {}", data_.size(0),
                 targets_.defined() && targets_.dim() >= 1 ? targets_.size(0) : -1);
  }
  Example<> get(size_t index) override {
    check_index(index);
    return {data_[int64_t(index)], targets_[int64_t(index)]};
  }
  std::optional<size_t> size() const override { return size_t(data_.size(0)); }

 private:
  void check_index(size_t index) const {
    CONVIS_CHECK(index < size_t(data_.size(0)), "TensorDataset", "expected an index below {}, got {}", data_.size(0),
                 index);
  }
  Tensor data_, targets_;
};

}  // namespace datasets

}  // namespace convis::data
