// tests/autograd/grad_rows.h: gradcheck rows, one or more per differentiable op.
//
//   rows.push_back({"exp", "non-contiguous", [](const variable_list& x) { return variable_list{x[0].exp()}; },
//                   {leaf64({3, 4}).t()}});
//
// Each family's test file defines its rows function; run_grad_rows runs gradcheck (and
// gradgradcheck where `gradgrad`) on each; test_grad_coverage.cpp checks every op in
// autograd::differentiable_ops() has a row.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "helpers.h"
#include "convis/autograd/gradcheck.h"

namespace convis_test {

struct GradRow {
  std::string op;    // as in autograd::differentiable_ops()
  std::string what;  // the case: "broadcast", "transposed input", ...
  convis::autograd::DifferentiableFn fn;
  convis::autograd::variable_list inputs;
  bool gradgrad = true;  // also run gradgradcheck
};

std::vector<GradRow> elementwise_grad_rows();  // tests/autograd/test_grad_elementwise.cpp
std::vector<GradRow> reduce_grad_rows();       // tests/autograd/test_grad_reduce.cpp
std::vector<GradRow> shape_grad_rows();        // tests/autograd/test_grad_shape.cpp
std::vector<GradRow> linalg_grad_rows();       // tests/autograd/test_grad_linalg.cpp

// A float64 leaf with values from a fixed generator (seeded by the shape), requiring grad.
convis::Tensor leaf64(const convis::Shape& shape, double lo = -1.0, double hi = 1.0);
// Runs gradcheck (and gradgradcheck) on each row, reporting failures by op and case.
void run_grad_rows(const std::vector<GradRow>& rows);

}  // namespace convis_test
