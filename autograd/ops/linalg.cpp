// autograd/ops/linalg.cpp: the public differentiable matrix products, forward and backward
// side by side.  Convolution and pooling are in autograd/ops/conv.cpp; the op list below names
// both files' ops.
//
//   mm(a, b)              a: grad @ b^T                     b: a^T @ grad
//   bmm(a, b)             a: grad @ b^T (per batch)         b: a^T @ grad (per batch)
//   mv(A, v)              A: outer(grad, v)                 v: A^T @ grad
//   dot(a, b)             a: grad * b                       b: grad * a
//   outer(a, b)           a: grad @ b                       b: grad^T @ a
//   matmul(a, b)          1-D . 1-D, 2-D @ 1-D and 2-D @ 2-D record dot, mv and mm as above;
//                         otherwise, with a vector made [1, k] (a) or [k, 1] (b), and grad
//                         given back the dim its result lost:
//                         a: matmul(grad, b^T)              b: matmul(a^T, grad)
//                         (^T swaps the last two dims; the engine sums broadcast batch dims)
//
// Note [Node names of the products]
// As LibTorch 1.13: MmBackward0, BmmBackward0, MvBackward0, DotBackward0.  LibTorch's outer is
// a[:, None] * b[None, :], so its node is MulBackward0; ours is one node of that name.
// LibTorch's matmul is composite (its graph shows MmBackward0, BmmBackward0, ViewBackward0,
// UnsafeViewBackward0 ...); ours records dot / mv / mm where LibTorch calls them, and otherwise
// one MatmulBackward0 (LibTorch's own name for matmul's node, used for nested tensors) so
// that the forward keeps running on broadcast views without copying them.
#include "convis/autograd/autograd_meta.h"
#include "convis/autograd/grad_mode.h"
#include "convis/autograd/ops/op_list.h"
#include "convis/core/native/linalg.h"
#include "convis/core/ops.h"

namespace convis {

using autograd::FunctionNode;
using autograd::variable_list;

namespace {

// Runs a native op with recording off: core's compute may call public ops on the inputs
// (unsqueeze, expand, contiguous) whose nodes would only be thrown away.
template <typename F>
auto untracked(F&& f) {
  NoGradGuard guard;
  return f();
}

// Saves `t` for backward when `needed`, else an empty slot (a frozen operand keeps the other
// operand alive for nothing).
void save(FunctionNode& node, const Tensor& t, bool needed) { node.saved().emplace_back(needed ? t : Tensor(), false); }

void record_mm(const Tensor& a, const Tensor& b, Tensor& y) {
  auto node = autograd::record("MmBackward0", {&a, &b}, {&y}, [](FunctionNode& n, const variable_list& g) {
    Tensor ga = n.needs_input_grad(0) ? g[0].mm(n.saved_at(1).t()) : Tensor();
    Tensor gb = n.needs_input_grad(1) ? n.saved_at(0).t().mm(g[0]) : Tensor();
    return variable_list{ga, gb};
  });
  save(*node, a, node->needs_input_grad(1));
  save(*node, b, node->needs_input_grad(0));
}

void record_mv(const Tensor& a, const Tensor& v, Tensor& y) {
  auto node = autograd::record("MvBackward0", {&a, &v}, {&y}, [](FunctionNode& n, const variable_list& g) {
    Tensor ga = n.needs_input_grad(0) ? outer(g[0], n.saved_at(1)) : Tensor();
    Tensor gv = n.needs_input_grad(1) ? n.saved_at(0).t().mv(g[0]) : Tensor();
    return variable_list{ga, gv};
  });
  save(*node, a, node->needs_input_grad(1));
  save(*node, v, node->needs_input_grad(0));
}

void record_dot(const Tensor& a, const Tensor& b, Tensor& y) {
  auto node = autograd::record("DotBackward0", {&a, &b}, {&y}, [](FunctionNode& n, const variable_list& g) {
    Tensor ga = n.needs_input_grad(0) ? g[0] * n.saved_at(1) : Tensor();
    Tensor gb = n.needs_input_grad(1) ? g[0] * n.saved_at(0) : Tensor();
    return variable_list{ga, gb};
  });
  save(*node, a, node->needs_input_grad(1));
  save(*node, b, node->needs_input_grad(0));
}

Tensor swap_last(const Tensor& t) { return t.transpose(-1, -2); }

// matmul beyond the 2-D cases; see the table above and Note [Node names of the products].
void record_matmul(const Tensor& a, const Tensor& b, Tensor& y) {
  const bool a_vector = a.dim() == 1, b_vector = b.dim() == 1;
  auto backward = [a_vector, b_vector](FunctionNode& n, const variable_list& g) {
    Tensor g2 = a_vector ? g[0].unsqueeze(-2) : b_vector ? g[0].unsqueeze(-1) : g[0];
    Tensor ga, gb;
    if (n.needs_input_grad(0)) {
      Tensor b2 = b_vector ? n.saved_at(1).unsqueeze(0) : swap_last(n.saved_at(1));  // [k] -> [1, k]
      ga = matmul(g2, b2);
      if (a_vector) ga = ga.squeeze(-2);
    }
    if (n.needs_input_grad(1)) {
      Tensor a2 = a_vector ? n.saved_at(0).unsqueeze(1) : swap_last(n.saved_at(0));  // [k] -> [k, 1]
      gb = matmul(a2, g2);
      if (b_vector) gb = gb.squeeze(-1);
    }
    return variable_list{ga, gb};
  };
  auto node = autograd::record("MatmulBackward0", {&a, &b}, {&y}, backward);
  save(*node, a, node->needs_input_grad(1));
  save(*node, b, node->needs_input_grad(0));
}

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b) {
  Tensor y = untracked([&] { return native::mm(a, b); });
  if (autograd::any_requires_grad({&a, &b})) record_mm(a, b, y);
  return y;
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  Tensor y = untracked([&] { return native::bmm(a, b); });
  if (autograd::any_requires_grad({&a, &b})) {
    auto node = autograd::record("BmmBackward0", {&a, &b}, {&y}, [](FunctionNode& n, const variable_list& g) {
      Tensor ga = n.needs_input_grad(0) ? g[0].bmm(n.saved_at(1).transpose(1, 2)) : Tensor();
      Tensor gb = n.needs_input_grad(1) ? n.saved_at(0).transpose(1, 2).bmm(g[0]) : Tensor();
      return variable_list{ga, gb};
    });
    save(*node, a, node->needs_input_grad(1));
    save(*node, b, node->needs_input_grad(0));
  }
  return y;
}

Tensor mv(const Tensor& a, const Tensor& v) {
  Tensor y = untracked([&] { return native::mv(a, v); });
  if (autograd::any_requires_grad({&a, &v})) record_mv(a, v, y);
  return y;
}

Tensor dot(const Tensor& a, const Tensor& b) {
  Tensor y = untracked([&] { return native::dot(a, b); });
  if (autograd::any_requires_grad({&a, &b})) record_dot(a, b, y);
  return y;
}

// The result's dtype may be wider than an operand's (outer promotes): the other operand is
// cast to the gradient's dtype, and the engine casts each gradient back to its input's.
Tensor outer(const Tensor& a, const Tensor& b) {
  Tensor y = untracked([&] { return native::outer(a, b); });
  if (autograd::any_requires_grad({&a, &b})) {
    auto node = autograd::record("MulBackward0", {&a, &b}, {&y}, [](FunctionNode& n, const variable_list& g) {
      auto as_grad = [&](const Tensor& t) { return t.dtype() == g[0].dtype() ? t : t.to(g[0].dtype()); };
      Tensor ga = n.needs_input_grad(0) ? g[0].mv(as_grad(n.saved_at(1))) : Tensor();
      Tensor gb = n.needs_input_grad(1) ? g[0].t().mv(as_grad(n.saved_at(0))) : Tensor();
      return variable_list{ga, gb};
    });
    save(*node, a, node->needs_input_grad(1));
    save(*node, b, node->needs_input_grad(0));
  }
  return y;
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  Tensor y = untracked([&] { return native::matmul(a, b); });
  if (!autograd::any_requires_grad({&a, &b})) return y;
  if (a.dim() == 1 && b.dim() == 1) {
    record_dot(a, b, y);
  } else if (a.dim() == 2 && b.dim() == 1) {
    record_mv(a, b, y);
  } else if (a.dim() == 2 && b.dim() == 2) {
    record_mm(a, b, y);
  } else {
    record_matmul(a, b, y);
  }
  return y;
}

// ---- the Tensor methods of this family: each forwards to the free function above ----

Tensor Tensor::matmul(const Tensor& o) const { return convis::matmul(*this, o); }
Tensor Tensor::mm(const Tensor& o) const { return convis::mm(*this, o); }
Tensor Tensor::bmm(const Tensor& o) const { return convis::bmm(*this, o); }
Tensor Tensor::mv(const Tensor& v) const { return convis::mv(*this, v); }
Tensor Tensor::dot(const Tensor& o) const { return convis::dot(*this, o); }
Tensor Tensor::outer(const Tensor& o) const { return convis::outer(*this, o); }

}  // namespace convis

namespace convis::autograd {

const std::vector<std::string>& linalg_differentiable_ops() {
  static const std::vector<std::string> ops = {
      "mm", "bmm", "mv", "dot", "outer", "matmul",
      // autograd/ops/conv.cpp
      "conv1d", "conv2d", "conv3d", "conv_backward_input", "conv_backward_weight",
      "max_pool1d", "max_pool2d", "max_pool3d",
      "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
      "avg_pool1d", "avg_pool2d", "avg_pool3d",
      "avg_pool1d_backward", "avg_pool2d_backward", "avg_pool3d_backward"};
  return ops;
}

}  // namespace convis::autograd
