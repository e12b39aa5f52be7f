// Gradchecks of the linalg ops (rows used by test_grad_coverage.cpp too): the matrix products
// here, convolution and pooling in test_grad_linalg_conv.cpp; hand-checked gradients and node
// names of the products.
#include "grad_rows.h"

#include "convis/autograd/engine.h"
#include "convis/autograd/grad_mode.h"
#include "convis/autograd/ops/op_list.h"

using namespace convis;
using autograd::variable_list;
using convis_test::values;
using V = std::vector<double>;

namespace {
// Backward from every element of y with gradient one (sum() records only with the reduce family).
void backward_ones(const Tensor& y) { autograd::backward({y}, {ones_like(y)}); }
}  // namespace

namespace convis_test {

std::vector<GradRow> linalg_conv_grad_rows();  // test_grad_linalg_conv.cpp

// Note [Rows before the other families record]
// Non-contiguous inputs are leaves made from views of a plain tensor (as_leaf), so that they
// require grad before the view ops record.  The backward formulas use other families' ops
// (t, transpose, mul, sum, scatter_add ...): a row runs gradgradcheck once those are in
// differentiable_ops(), i.e. after the merge; first derivatives are checked always.
Tensor plain64(const Shape& shape) { return leaf64(shape).detach(); }
Tensor as_leaf(const Tensor& t) { return t.detach().requires_grad_(true); }

bool recorded(std::initializer_list<const char*> ops) {
  const std::vector<std::string> all = autograd::differentiable_ops();
  for (const char* op : ops)
    if (std::find(all.begin(), all.end(), op) == all.end()) return false;
  return true;
}

namespace {

autograd::DifferentiableFn binary(Tensor (*op)(const Tensor&, const Tensor&)) {
  return [op](const variable_list& x) { return variable_list{op(x[0], x[1])}; };
}

void add(std::vector<GradRow>& rows, const char* op, const char* what, Tensor (*f)(const Tensor&, const Tensor&),
         Tensor a, Tensor b, bool gradgrad) {
  rows.push_back({op, what, binary(f), {std::move(a), std::move(b)}, gradgrad});
}

// matmul's rows: every rank pairing, broadcast batch dims (size-1 and missing), strides.
void matmul_rows(std::vector<GradRow>& rows) {
  const bool gg = recorded({"transpose", "t", "unsqueeze", "squeeze", "sum", "view", "mul"});
  Tensor (*f)(const Tensor&, const Tensor&) = matmul;
  add(rows, "matmul", "1-D . 1-D", f, leaf64({4}), leaf64({4}), gg);
  add(rows, "matmul", "2-D @ 1-D", f, leaf64({3, 4}), leaf64({4}), gg);
  add(rows, "matmul", "1-D @ 2-D", f, leaf64({4}), leaf64({4, 3}), gg);
  add(rows, "matmul", "2-D @ 2-D", f, leaf64({2, 4}), leaf64({4, 3}), gg);
  add(rows, "matmul", "[2,1,2,3] @ [3,3,2]: size-1 and missing batch dims", f, leaf64({2, 1, 2, 3}),
      leaf64({3, 3, 2}), gg);
  add(rows, "matmul", "[2,2,3] @ [3,2]: a 2-D operand broadcast over the batch", f, leaf64({2, 2, 3}),
      leaf64({3, 2}), gg);
  add(rows, "matmul", "[3,2] @ [2,2,2,2] with stepped rows", f, leaf64({3, 2}),
      as_leaf(plain64({2, 2, 4, 2}).slice(2, 0, 4, 2)), gg);
  add(rows, "matmul", "[3] @ [2,3,2]: a vector broadcast over the batch", f, leaf64({3}), leaf64({2, 3, 2}), gg);
  add(rows, "matmul", "[2,2,3] @ [3]", f, leaf64({2, 2, 3}), leaf64({3}), gg);
  add(rows, "matmul", "[1,2,3] @ [3,1,3,2]", f, leaf64({1, 2, 3}), leaf64({3, 1, 3, 2}), gg);
  add(rows, "matmul", "transposed batched operands", f, as_leaf(plain64({2, 3, 2}).transpose(1, 2)),
      as_leaf(plain64({2, 3}).t()), gg);
  add(rows, "matmul", "frozen second operand", f, leaf64({2, 1, 2, 3}), plain64({2, 3, 2}), gg);
}

}  // namespace

std::vector<GradRow> linalg_grad_rows() {
  std::vector<GradRow> rows;
  const bool gg_t = recorded({"t", "transpose"});
  add(rows, "mm", "[3,4] @ [4,2]", mm, leaf64({3, 4}), leaf64({4, 2}), gg_t);
  add(rows, "mm", "transposed operands", mm, as_leaf(plain64({4, 3}).t()), as_leaf(plain64({2, 4}).t()), gg_t);
  add(rows, "mm", "stepped rows, frozen first operand", mm, plain64({3, 4}),
      as_leaf(plain64({8, 2}).slice(0, 0, 8, 2)), gg_t);
  add(rows, "bmm", "[2,3,4] @ [2,4,2]", bmm, leaf64({2, 3, 4}), leaf64({2, 4, 2}), gg_t);
  add(rows, "bmm", "transposed and stepped operands", bmm, as_leaf(plain64({2, 4, 3}).transpose(1, 2)),
      as_leaf(plain64({4, 4, 2}).slice(0, 0, 4, 2)), gg_t);
  add(rows, "mv", "[3,4] @ [4]", mv, leaf64({3, 4}), leaf64({4}), gg_t);
  add(rows, "mv", "transposed matrix, stepped vector", mv, as_leaf(plain64({4, 3}).t()),
      as_leaf(plain64({8}).slice(0, 0, 8, 2)), gg_t);
  const bool gg_mul = recorded({"mul"});
  add(rows, "dot", "[5] . [5]", dot, leaf64({5}), leaf64({5}), gg_mul);
  add(rows, "dot", "stepped operands", dot, as_leaf(plain64({10}).slice(0, 1, 10, 2)), leaf64({5}), gg_mul);
  add(rows, "outer", "[3] x [4]", outer, leaf64({3}), leaf64({4}), gg_t);
  add(rows, "outer", "a stepped operand", outer, as_leaf(plain64({6}).slice(0, 0, 6, 2)), leaf64({2}), gg_t);
  matmul_rows(rows);
  std::vector<GradRow> conv = linalg_conv_grad_rows();
  rows.insert(rows.end(), conv.begin(), conv.end());
  return rows;
}

}  // namespace convis_test

TEST_CASE("linalg: gradcheck and gradgradcheck rows", "[autograd][grad]") {
  convis_test::run_grad_rows(convis_test::linalg_grad_rows());
}

TEST_CASE("linalg: products record LibTorch's node names", "[autograd][grad]") {
  Tensor a = convis_test::leaf64({2, 3}), b = convis_test::leaf64({3, 2}), v = convis_test::leaf64({3});
  CHECK(mm(a, b).grad_fn()->name() == "MmBackward0");
  CHECK(bmm(convis_test::leaf64({1, 2, 3}), convis_test::leaf64({1, 3, 2})).grad_fn()->name() == "BmmBackward0");
  CHECK(mv(a, v).grad_fn()->name() == "MvBackward0");
  CHECK(dot(v, v).grad_fn()->name() == "DotBackward0");
  CHECK(outer(v, v).grad_fn()->name() == "MulBackward0");
  CHECK(matmul(a, b).grad_fn()->name() == "MmBackward0");
  CHECK(matmul(a, v).grad_fn()->name() == "MvBackward0");
  CHECK(matmul(v, v).grad_fn()->name() == "DotBackward0");
  CHECK(a.matmul(b).grad_fn()->name() == "MmBackward0");
  CHECK(matmul(convis_test::leaf64({2, 2, 3}), b).grad_fn()->name() == "MatmulBackward0");
  CHECK(matmul(v, b).grad_fn()->name() == "MatmulBackward0");
  CHECK_FALSE(mm(a.detach(), b.detach()).requires_grad());
  NoGradGuard no_grad;
  CHECK_FALSE(mm(a, b).requires_grad());
}

TEST_CASE("linalg: hand-checked gradients of mm, mv, dot and outer", "[autograd][grad]") {
  auto leaf = [](std::initializer_list<double> v, Shape s) {
    return tensor(v, kFloat64).view(s).detach().requires_grad_(true);
  };
  Tensor a = leaf({1, 2, 3, 4}, {2, 2}), b = leaf({5, 6, 7, 8}, {2, 2});
  backward_ones(mm(a, b));
  CHECK(values(a.grad()) == V{11, 15, 11, 15});  // ones @ b^T
  CHECK(values(b.grad()) == V{4, 4, 6, 6});      // a^T @ ones
  Tensor m = leaf({1, 2, 3, 4}, {2, 2}), x = leaf({1, -1}, {2});
  autograd::backward({mv(m, x)}, {tensor({1.0, 2.0}, kFloat64)});
  CHECK(values(m.grad()) == V{1, -1, 2, -2});  // outer(grad, x)
  CHECK(values(x.grad()) == V{7, 10});         // m^T @ grad
  Tensor p = leaf({1, 2, 3}, {3}), q = leaf({4, 5, 6}, {3});
  dot(p, q).backward();
  CHECK(values(p.grad()) == V{4, 5, 6});
  CHECK(values(q.grad()) == V{1, 2, 3});
  Tensor r = leaf({1, 2}, {2}), s = leaf({3, 4, 5}, {3});
  backward_ones(outer(r, s));
  CHECK(values(r.grad()) == V{12, 12});
  CHECK(values(s.grad()) == V{3, 3, 3});
}

TEST_CASE("linalg: matmul sums the gradient over broadcast batch dims", "[autograd][grad]") {
  Tensor a = convis_test::leaf64({2, 1, 3, 4}), b = convis_test::leaf64({5, 4, 6});
  Tensor y = matmul(a, b);
  REQUIRE(y.sizes() == Shape{2, 5, 3, 6});
  backward_ones(y);
  REQUIRE(a.grad().sizes() == Shape{2, 1, 3, 4});
  REQUIRE(b.grad().sizes() == Shape{5, 4, 6});
  NoGradGuard no_grad;
  // d sum / d a[i, 0] = sum over the 5 batches of ones [3, 6] @ b[j]^T, the same for both i.
  Tensor ga = matmul(ones({3, 6}, kFloat64), b.transpose(1, 2)).sum({0});
  CHECK_ALLCLOSE(a.grad(), ga.unsqueeze(0).unsqueeze(0).expand({2, 1, 3, 4}).contiguous());
  // d sum / d b[j] = sum over the 2 batches of a[i, 0]^T @ ones [3, 6], the same for every j.
  Tensor gb = matmul(a.squeeze(1).transpose(1, 2), ones({3, 6}, kFloat64)).sum({0});
  CHECK_ALLCLOSE(b.grad(), gb.unsqueeze(0).expand({5, 4, 6}).contiguous());
}

TEST_CASE("linalg: a frozen operand is not saved and gets no gradient", "[autograd][grad]") {
  Tensor a = convis_test::leaf64({2, 3}), w = convis_test::plain64({3, 2});
  Tensor y = mm(a, w);
  CHECK_FALSE(y.grad_fn()->saved()[0].defined());  // a is needed only for w's gradient
  CHECK(y.grad_fn()->saved()[1].defined());
  backward_ones(y);
  CHECK(a.grad().defined());
  CHECK_FALSE(w.grad().defined());
}

TEST_CASE("linalg: an in-place write to a saved operand is caught at backward", "[autograd][grad]") {
  Tensor a = convis_test::leaf64({2, 3}), b = convis_test::leaf64({3, 2});
  Tensor y = mm(a, b);
  {
    NoGradGuard no_grad;
    b.detach().mul_(2);
  }
  CHECK_THROWS_WITH(backward_ones(y), Catch::Contains("saved by MmBackward0 at version 0"));
}
