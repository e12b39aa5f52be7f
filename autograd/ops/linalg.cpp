// autograd/ops/linalg.cpp: the public differentiable matrix products, forward and backward
// side by side.  Convolution and pooling are in autograd/ops/conv.cpp and pool.cpp; the op
// list below names the three files' ops.
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
#include "convis/autograd/ops/op_list.h"
#include "convis/autograd/record.h"
#include "convis/core/native/linalg.h"
#include "convis/core/ops.h"

namespace convis {

using autograd::ForGradOf;
using autograd::FunctionNode;
using autograd::OpRecord;
using autograd::recorded;
using autograd::variable_list;

namespace {

// The products save each operand for the other's gradient only (a frozen operand keeps the
// other alive for nothing); `mat2`, `vec` are LibTorch's names of the second operand.
OpRecord product_record(const char* name, const Tensor& a, const Tensor& b, const char* b_name,
                        FunctionNode::BackwardFn backward) {
  return {name, {&a, &b}, {{"self", a, ForGradOf{1}}, {b_name, b, ForGradOf{0}}}, std::move(backward)};
}

OpRecord mm_record(const Tensor& a, const Tensor& b) {
  return product_record("MmBackward0", a, b, "mat2", [](FunctionNode& n, const variable_list& g) {
    Tensor ga = n.needs_input_grad(0) ? g[0].mm(n.saved("mat2").t()) : Tensor();
    Tensor gb = n.needs_input_grad(1) ? n.saved("self").t().mm(g[0]) : Tensor();
    return variable_list{ga, gb};
  });
}

OpRecord mv_record(const Tensor& a, const Tensor& v) {
  return product_record("MvBackward0", a, v, "vec", [](FunctionNode& n, const variable_list& g) {
    Tensor ga = n.needs_input_grad(0) ? outer(g[0], n.saved("vec")) : Tensor();
    Tensor gv = n.needs_input_grad(1) ? n.saved("self").t().mv(g[0]) : Tensor();
    return variable_list{ga, gv};
  });
}

OpRecord dot_record(const Tensor& a, const Tensor& b) {
  return product_record("DotBackward0", a, b, "tensor", [](FunctionNode& n, const variable_list& g) {
    Tensor ga = n.needs_input_grad(0) ? g[0] * n.saved("tensor") : Tensor();
    Tensor gb = n.needs_input_grad(1) ? g[0] * n.saved("self") : Tensor();
    return variable_list{ga, gb};
  });
}

Tensor swap_last(const Tensor& t) { return t.transpose(-1, -2); }

// matmul beyond the 2-D cases; see the table above and Note [Node names of the products].
OpRecord matmul_record(const Tensor& a, const Tensor& b) {
  const bool a_vector = a.dim() == 1, b_vector = b.dim() == 1;
  auto backward = [a_vector, b_vector](FunctionNode& n, const variable_list& g) {
    Tensor g2 = a_vector ? g[0].unsqueeze(-2) : b_vector ? g[0].unsqueeze(-1) : g[0];
    Tensor ga, gb;
    if (n.needs_input_grad(0)) {
      Tensor other = n.saved("other");
      ga = matmul(g2, b_vector ? other.unsqueeze(0) : swap_last(other));  // [k] -> [1, k]
      if (a_vector) ga = ga.squeeze(-2);
    }
    if (n.needs_input_grad(1)) {
      Tensor self = n.saved("self");
      gb = matmul(a_vector ? self.unsqueeze(1) : swap_last(self), g2);  // [k] -> [k, 1]
      if (b_vector) gb = gb.squeeze(-1);
    }
    return variable_list{ga, gb};
  };
  return product_record("MatmulBackward0", a, b, "other", backward);
}

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b) {
  return recorded(native::mm(a, b), {&a, &b}, [&] { return mm_record(a, b); });
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  return recorded(native::bmm(a, b), {&a, &b}, [&] {
    return product_record("BmmBackward0", a, b, "mat2", [](FunctionNode& n, const variable_list& g) {
      Tensor ga = n.needs_input_grad(0) ? g[0].bmm(n.saved("mat2").transpose(1, 2)) : Tensor();
      Tensor gb = n.needs_input_grad(1) ? n.saved("self").transpose(1, 2).bmm(g[0]) : Tensor();
      return variable_list{ga, gb};
    });
  });
}

Tensor mv(const Tensor& a, const Tensor& v) {
  return recorded(native::mv(a, v), {&a, &v}, [&] { return mv_record(a, v); });
}

Tensor dot(const Tensor& a, const Tensor& b) {
  return recorded(native::dot(a, b), {&a, &b}, [&] { return dot_record(a, b); });
}

// The result's dtype may be wider than an operand's (outer promotes): the other operand is
// cast to the gradient's dtype, and the engine casts each gradient back to its input's.
Tensor outer(const Tensor& a, const Tensor& b) {
  return recorded(native::outer(a, b), {&a, &b}, [&] {
    return product_record("MulBackward0", a, b, "other", [](FunctionNode& n, const variable_list& g) {
      auto as_grad = [&](const Tensor& t) { return t.dtype() == g[0].dtype() ? t : t.to(g[0].dtype()); };
      Tensor ga = n.needs_input_grad(0) ? g[0].mv(as_grad(n.saved("other"))) : Tensor();
      Tensor gb = n.needs_input_grad(1) ? g[0].t().mv(as_grad(n.saved("self"))) : Tensor();
      return variable_list{ga, gb};
    });
  });
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  return recorded(native::matmul(a, b), {&a, &b}, [&] {
    if (a.dim() == 1 && b.dim() == 1) return dot_record(a, b);
    if (a.dim() == 2 && b.dim() == 1) return mv_record(a, b);
    if (a.dim() == 2 && b.dim() == 2) return mm_record(a, b);
    return matmul_record(a, b);
  });
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
      // autograd/ops/pool.cpp
      "max_pool1d", "max_pool2d", "max_pool3d",
      "max_pool1d_with_indices", "max_pool2d_with_indices", "max_pool3d_with_indices",
      "avg_pool1d", "avg_pool2d", "avg_pool3d",
      "avg_pool1d_backward", "avg_pool2d_backward", "avg_pool3d_backward"};
  return ops;
}

}  // namespace convis::autograd
