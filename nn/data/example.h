// nn/data/example.h: one example of a dataset, and the stacking of a batch of them.
//
//   using namespace convis;
//   data::Example<> e{randn({3, 8}), tensor({1.0})};         // data and target
//   std::vector<data::Example<>> batch{e, e};
//   data::Example<> b = data::transforms::Stack<>().apply_batch(batch);   // data [2, 3, 8]
//
// As LibTorch's torch::data: Example<Data, Target> with `data` and `target`; TensorExample
// (Example<Tensor, NoTarget>) for datasets without targets.
#pragma once

#include <vector>

#include "convis/core/ops.h"
#include "convis/core/tensor.h"

namespace convis::data {

struct NoTarget {};

template <typename Data = Tensor, typename Target = Tensor>
struct Example {
  using DataType = Data;
  using TargetType = Target;
  Data data;
  Target target;
};

template <typename Data>
struct Example<Data, NoTarget> {
  using DataType = Data;
  using TargetType = NoTarget;
  Data data;
};

using TensorExample = Example<Tensor, NoTarget>;

}  // namespace convis::data
