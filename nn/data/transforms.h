// nn/data/transforms.h: what a dataset's map() applies -- to each example, or to a batch.
//
//   using namespace convis::data;
//   transforms::Normalize<>({0.5, 0.4}, {0.2, 0.1})   // per channel (dim 0 of each example's data)
//   transforms::Lambda<Example<>>([](Example<> e) { e.data = e.data.flip({1}); return e; })
//   transforms::Stack<>()                             // a batch of examples -> one stacked Example
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"
#include "convis/nn/data/example.h"

namespace convis::data::transforms {

// An example transform: apply() on one example; apply_batch() maps it over a batch.
template <typename Input = Example<>, typename Output = Input>
class Transform {
 public:
  using InputType = Input;
  using OutputType = Output;
  virtual ~Transform() = default;
  virtual Output apply(Input input) = 0;
  std::vector<Output> apply_batch(std::vector<Input> batch) {
    std::vector<Output> out;
    out.reserve(batch.size());
    for (Input& e : batch) out.push_back(apply(std::move(e)));
    return out;
  }
};

// Any function of one example.
template <typename Input = Example<>, typename Output = Input>
class Lambda : public Transform<Input, Output> {
 public:
  explicit Lambda(std::function<Output(Input)> fn) : fn_(std::move(fn)) {}
  Output apply(Input input) override { return fn_(std::move(input)); }

 private:
  std::function<Output(Input)> fn_;
};

// (data - mean) / stddev, one value for all, or one per channel (dim 0 of the example's data).
template <typename Target = Tensor>
class Normalize : public Transform<Example<Tensor, Target>> {
 public:
  Normalize(double mean, double stddev) : Normalize(std::vector<double>{mean}, std::vector<double>{stddev}) {}
  Normalize(std::vector<double> mean, std::vector<double> stddev) : mean_(std::move(mean)), stddev_(std::move(stddev)) {
    CONVIS_CHECK(!mean_.empty() && mean_.size() == stddev_.size(), "Normalize",
                 "expected as many means as standard deviations (at least one), got {} and {}", mean_.size(),
                 stddev_.size());
    for (double s : stddev_) CONVIS_CHECK(s != 0, "Normalize", "expected non-zero standard deviations, got {}", s);
  }
  Example<Tensor, Target> apply(Example<Tensor, Target> e) override {
    const int64_t channels = int64_t(mean_.size());
    CONVIS_CHECK(channels == 1 || (e.data.dim() >= 1 && e.data.size(0) == channels), "Normalize",
                 "expected data with {} channels along dim 0, got shape {}", channels, e.data.sizes());
    Shape shape(size_t(std::max<int64_t>(e.data.dim(), 1)), 1);
    shape[0] = channels;
    if (channels == 1) shape = {};
    if (!e.data.is_floating_point()) e.data = e.data.to(get_default_dtype());  // pixels as integers
    const Tensor mean = tensor(mean_, e.data.scalar_type()).reshape(shape);
    const Tensor stddev = tensor(stddev_, e.data.scalar_type()).reshape(shape);
    e.data = (e.data - mean) / stddev;
    return e;
  }

 private:
  std::vector<double> mean_, stddev_;
};

// A batch transform: the batch's data (and targets) stacked along a new dim 0.
template <typename E = Example<>>
struct Stack {
  E apply_batch(const std::vector<E>& batch) const {
    CONVIS_CHECK(!batch.empty(), "Stack", "expected a batch of at least one example, got none");
    std::vector<Tensor> data;
    data.reserve(batch.size());
    for (const E& e : batch) data.push_back(e.data);
    if constexpr (std::is_same_v<typename E::TargetType, NoTarget>) {
      return E{stack(data, 0)};
    } else {
      std::vector<Tensor> targets;
      targets.reserve(batch.size());
      for (const E& e : batch) targets.push_back(e.target);
      return E{stack(data, 0), stack(targets, 0)};
    }
  }
};

}  // namespace convis::data::transforms
