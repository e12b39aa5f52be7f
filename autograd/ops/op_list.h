// autograd/ops/op_list.h: the names of every public differentiable op, by family.
//
//   for (const std::string& op : convis::autograd::differentiable_ops()) ...
//
// Each family's list sits in its own file next to its table of derivatives; the test
// tests/autograd/test_grad_coverage.cpp fails when an op here has no gradcheck row.
#pragma once

#include <string>
#include <vector>

namespace convis::autograd {

const std::vector<std::string>& elementwise_differentiable_ops();  // autograd/ops/elementwise.cpp
// reductions and scans (reduce.cpp) and the indexing ops (index.cpp): listed in reduce.cpp
const std::vector<std::string>& reduce_differentiable_ops();       // autograd/ops/reduce.cpp
// views and copies (view.cpp), joins and pads (join.cpp): listed in view.cpp
const std::vector<std::string>& shape_differentiable_ops();        // autograd/ops/view.cpp
// matrix products (linalg.cpp), convolutions (conv.cpp), poolings (pool.cpp): listed in linalg.cpp
const std::vector<std::string>& linalg_differentiable_ops();       // autograd/ops/linalg.cpp
std::vector<std::string> differentiable_ops();                     // all of the above

}  // namespace convis::autograd
