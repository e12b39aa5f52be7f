// tests/helpers.h: what many tests share.
//
//   Tensor expected = golden("elementwise/add_broadcast.npy");   // tests/golden/data/...
//   CHECK_ALLCLOSE(convis::add(a, b), expected);                  // prints the worst element
//   CHECK_THROWS_WITH(convis::mm(a, b), Catch::Contains("[mm]"));
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "convis/convis.h"

namespace convis_test {

inline std::string golden_path(const std::string& name) { return std::string(CONVIS_TEST_DATA_DIR) + "/" + name; }
inline convis::Tensor golden(const std::string& name) { return convis::load_npy(golden_path(name)); }

// Empty string when `actual` matches `expected` in shape, dtype and values; otherwise a
// description of the first difference (for the failure message).
std::string compare_tensors(const convis::Tensor& actual, const convis::Tensor& expected, double rtol, double atol,
                            bool check_dtype);

}  // namespace convis_test

#define CHECK_ALLCLOSE_TOL(actual, expected, rtol, atol)                                          \
  do {                                                                                            \
    std::string convis_diff_ = convis_test::compare_tensors((actual), (expected), rtol, atol, true); \
    INFO(convis_diff_);                                                                           \
    CHECK(convis_diff_.empty());                                                                  \
  } while (0)
#define CHECK_ALLCLOSE(actual, expected) CHECK_ALLCLOSE_TOL(actual, expected, 1e-5, 1e-6)

namespace convis_test {
// Overwrites `t` with `value` outside autograd (loading reference weights into a layer).
inline void set_no_grad(convis::Tensor& t, const convis::Tensor& value) {
  convis::NoGradGuard no_grad;
  t.copy_(value);
}
inline void set_no_grad(convis::Tensor& t, double value) {
  convis::NoGradGuard no_grad;
  t.fill_(value);
}
// gradcheck and gradgradcheck of fn at inputs, each reported on failure.
template <typename Fn>
void check_gradients_twice(const Fn& fn, const std::vector<convis::Tensor>& inputs) {
  auto first = convis::autograd::gradcheck(fn, inputs);
  INFO(first.message);
  CHECK(first.ok);
  auto second = convis::autograd::gradgradcheck(fn, inputs);
  INFO(second.message);
  CHECK(second.ok);
}
// A convis layer's forward over consecutive chunks of dt frames (time = dim 2), concatenated:
// what a chunked run computes, for chunk-equivalence tests.
inline convis::Tensor chunked(convis::Layer& layer, const convis::Tensor& x, int64_t dt) {
  std::vector<convis::Tensor> parts;
  for (int64_t s = 0; s < x.size(2); s += dt) parts.push_back(layer.forward(x.narrow(2, s, std::min(dt, x.size(2) - s))));
  return convis::cat(parts, 2);
}
// The elements of `t` in row-major order, as doubles (reads any strides and dtype).
std::vector<double> values(const convis::Tensor& t);
// A 1-D float64 leaf that requires grad, and the name of a tensor's grad_fn ("(none)" if none).
inline convis::Tensor leaf(std::initializer_list<double> v) {
  return convis::tensor(v, convis::dtype(convis::kFloat64).requires_grad(true));
}
inline std::string grad_fn_name(const convis::Tensor& t) { return t.grad_fn() ? t.grad_fn()->name() : "(none)"; }
// The plain triple loop in float64 over any strides: the reference for 2-D products.
convis::Tensor naive_mm(const convis::Tensor& a, const convis::Tensor& b);
// Same shape, dtype and bytes (unlike equal(), a NaN matches the same NaN).
bool same_bits(const convis::Tensor& a, const convis::Tensor& b);
}  // namespace convis_test
