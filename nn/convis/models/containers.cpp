// nn/convis/models/containers.cpp: List and Parallel (containers.h).
#include "convis/nn/convis/models/containers.h"

#include "convis/core/error.h"
#include "convis/core/ops.h"

namespace convis::models {

namespace {
Combination cat_then(int64_t dim, bool sum) {
  return [dim, sum](const std::vector<Tensor>& outputs) {
    CONVIS_CHECK(!outputs.empty(), "List", "expected at least one output to combine, got none");
    Tensor joined = cat(outputs, dim);
    return sum ? joined.sum({dim}, /*keepdim=*/true) : joined;
  };
}
}  // namespace

Combination combination(const std::string& mode) {
  if (mode == "cat" || mode == "cat_0") return cat_then(0, false);
  if (mode == "cat_1") return cat_then(1, false);
  if (mode == "sum" || mode == "sum_0") return cat_then(0, true);
  if (mode == "sum_1") return cat_then(1, true);
  CONVIS_CHECK(false, "List", "expected a combination 'cat', 'cat_0', 'cat_1', 'sum', 'sum_0' or 'sum_1', got '{}'",
               mode);
  return {};
}

ListImpl::ListImpl(std::vector<std::shared_ptr<Layer>> layers, Mode mode_, const std::string& sum_mode)
    : mode(mode_), sum_if_parallel(combination(sum_mode)) {
  for (auto& layer : layers) append(std::move(layer));
}

void ListImpl::append(std::shared_ptr<Layer> layer) {
  CONVIS_CHECK(layer != nullptr, "List", "expected a layer, got a null pointer at position {}", layers_.size());
  layers_.push_back(register_module("layer_" + std::to_string(layers_.size()), std::move(layer)));
}

std::shared_ptr<Layer> ListImpl::operator[](size_t index) const {
  CONVIS_CHECK(index < layers_.size(), "List", "expected an index below the size {}, got {}", layers_.size(), index);
  return layers_[index];
}

Tensor ListImpl::forward(const Tensor& input) {
  if (mode == Mode::sequential) {
    Tensor x = input;
    for (const auto& layer : layers_) x = layer->forward(x);
    return x;
  }
  CONVIS_CHECK(!layers_.empty(), "Parallel", "expected at least one layer, got an empty container");
  CONVIS_CHECK(sum_if_parallel != nullptr, "Parallel", "expected a combination function, got an empty one");
  std::vector<Tensor> outputs;
  for (const auto& layer : layers_) outputs.push_back(layer->forward(input));
  return sum_if_parallel(outputs);
}

namespace {
std::shared_ptr<Layer> group_of(const std::vector<std::shared_ptr<Layer>>& group, ListImpl::Mode mode,
                                const std::string& sum) {
  CONVIS_CHECK(!group.empty(), "List", "expected a non-empty group of layers, got an empty one");
  if (group.size() == 1) return group[0];
  return std::make_shared<ListImpl>(group, mode, sum);
}
}  // namespace

std::shared_ptr<ListImpl> make_sequential_parallel_model(const std::vector<std::vector<std::shared_ptr<Layer>>>& groups,
                                                     const std::string& sum) {
  auto out = std::make_shared<ListImpl>(std::vector<std::shared_ptr<Layer>>{}, ListImpl::Mode::sequential, sum);
  for (const auto& group : groups) out->append(group_of(group, ListImpl::Mode::parallel, sum));
  return out;
}

std::shared_ptr<ListImpl> make_parallel_sequential_model(const std::vector<std::vector<std::shared_ptr<Layer>>>& groups,
                                                     const std::string& sum) {
  auto out = std::make_shared<ListImpl>(std::vector<std::shared_ptr<Layer>>{}, ListImpl::Mode::parallel, sum);
  for (const auto& group : groups) out->append(group_of(group, ListImpl::Mode::sequential, sum));
  return out;
}

}  // namespace convis::models
