// nn/convis/models/containers.h: layers that combine layers (docs/convis-toolbox.md 1.8).
//
//   using namespace convis::models;
//   List seq(std::vector<std::shared_ptr<Layer>>{a, b});   // b(a(x))
//   Parallel par(std::vector<std::shared_ptr<Layer>>{a, b}, "cat_1");
//   Tensor y = (*par)(video);      // a(x) and b(x) side by side as channels
//   par->append(c);                // registered as layer_2
//
// Note [Combining parallel outputs]
// The outputs of the sub-layers (each called on the same input) are combined by `combine`:
//   "cat" / "cat_0": concatenated along dim 0 (batch);  "cat_1": along dim 1 (channel);
//   "sum" / "sum_0": concatenated along dim 0, then summed over it keeping it (size 1);
//   "sum_1": the same over dim 1;  or any function of the list of outputs.
// Sub-layers are named layer_0, layer_1, ... (flat parameter names layer_0_conv_weight ...).
// Every sub-layer keeps its own state, so chunked runs are exact when each sub-layer's are.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "convis/nn/convis/layer.h"

namespace convis::models {

using Combination = std::function<Tensor(const std::vector<Tensor>&)>;

// The named combinations of Note [Combining parallel outputs]; an unknown name is an Error.
Combination combination(const std::string& mode);

class ListImpl : public Layer {
 public:
  enum class Mode { sequential, parallel };
  explicit ListImpl(std::vector<std::shared_ptr<Layer>> layers = {}, Mode mode = Mode::sequential,
                const std::string& sum_if_parallel = "cat");

  Tensor forward(const Tensor& input) override;
  void append(std::shared_ptr<Layer> layer);
  size_t size() const { return layers_.size(); }
  std::shared_ptr<Layer> operator[](size_t index) const;

  Mode mode;
  Combination sum_if_parallel;  // how parallel outputs are combined

 private:
  std::vector<std::shared_ptr<Layer>> layers_;
};

// List in parallel mode: every layer sees the input, the outputs are combined by `sum`.
class ParallelImpl : public ListImpl {
 public:
  explicit ParallelImpl(std::vector<std::shared_ptr<Layer>> layers = {}, const std::string& sum = "cat")
      : ListImpl(std::move(layers), Mode::parallel, sum) {}
  ParallelImpl(std::vector<std::shared_ptr<Layer>> layers, Combination sum) : ListImpl(std::move(layers), Mode::parallel) {
    sum_if_parallel = std::move(sum);
  }
};

// Alternating nests: a sequential List whose stages run their layers in parallel (combined by
// `sum`), and a parallel List (combined by `sum`) of sequential chains.  A group of one layer
// is used as it is.
//   make_sequential_parallel_model({{a}, {b, c}})   // (b(a(x)) cat c(a(x)))
//   make_parallel_sequential_model({{a, b}, {c}})   // b(a(x)) cat c(x)
std::shared_ptr<ListImpl> make_sequential_parallel_model(const std::vector<std::vector<std::shared_ptr<Layer>>>& groups,
                                                     const std::string& sum = "cat");
std::shared_ptr<ListImpl> make_parallel_sequential_model(const std::vector<std::vector<std::shared_ptr<Layer>>>& groups,
                                                     const std::string& sum = "cat");

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(List);
CONVIS_MODULE(Parallel);

}  // namespace convis::models
