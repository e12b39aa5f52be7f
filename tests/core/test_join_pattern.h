// tests/core/test_join_pattern.h: the deterministic inputs of the join family's tests.
//
//   pattern({2, 3})          -> float32 [[-3, -2.5, -2], [-1.5, -1, -0.5]]
//   pattern({4}, kInt64)     -> [-5, -4, -3, -2]
//   pattern({4}, kBool)      -> [true, false, false, true]
//
// tests/golden/make_join.py builds the same tensors with torch, so a golden file only
// stores the expected output.  Every element differs from the others (except for bool),
// so a value in the wrong place shows.
#pragma once

#include <vector>

#include "convis/convis.h"

#include "helpers.h"

namespace convis_test {

inline convis::Tensor pattern(const convis::Shape& shape, convis::DType dtype = convis::kFloat32) {
  const int64_t n = convis::numel(shape);
  convis::Tensor out;
  if (dtype == convis::kBool) {
    std::vector<bool> v;
    for (int64_t i = 0; i < n; ++i) v.push_back(i % 3 == 0);
    out = convis::tensor(v);
  } else if (dtype == convis::kInt64) {
    std::vector<int64_t> v;
    for (int64_t i = 0; i < n; ++i) v.push_back(i - 5);
    out = convis::tensor(v);
  } else {
    std::vector<double> v;
    for (int64_t i = 0; i < n; ++i) v.push_back(double(i) * 0.5 - 3.0);
    out = convis::tensor(v, convis::kFloat64).to(dtype);
  }
  return out.reshape(shape);
}

// A golden tensor of the join family: tests/golden/data/join/<name>.npy.
inline convis::Tensor join_golden(const std::string& name) { return golden("join/" + name + ".npy"); }

}  // namespace convis_test
