// core/native/linalg.cpp: matrix products.  Every op here checks its operands, shapes them
// as a (batched) [m, k] @ [k, n] product of views, and runs the one GEMM kernel
// (kernels/gemm.h) on them: transposed, sliced and broadcast operands are passed as
// strides, never copied (see Note [GEMM strides]).
//
//   matmul([2, 1, 3, 4], [5, 4, 6])  ->  [2, 5, 3, 6]   (batch dims [2, 1] and [5] broadcast)
//   matmul([4], [5, 4, 6])           ->  [5, 6]         (the vector becomes [1, 4], then the 1 is dropped)
//
// These are the compute-only versions (core/native/linalg.h); the public ops record their
// backward in autograd/ops/linalg.cpp.
#include <algorithm>
#include <vector>

#include "convis/core/factory.h"
#include "convis/core/native/linalg.h"
#include "convis/core/ops.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/gemm.h"
#include "convis/core/native/view.h"

namespace convis {

namespace {

// Both operands defined, on one device, of one dtype that has a GEMM kernel.
void check_operands(const char* op, const Tensor& a, const Tensor& b) {
  CONVIS_CHECK(a.defined() && b.defined(), op, "expected two defined tensors, got an undefined Tensor()");
  CONVIS_CHECK(a.device() == b.device(), op, "expected both operands on one device, got {} and {}",
               a.device().str(), b.device().str());
  CONVIS_CHECK(a.dtype() == b.dtype(), op,
               "expected scalar type {} but found {}: both operands must have the same dtype (shapes {} and {})",
               dtype_name(a.dtype()), dtype_name(b.dtype()), a.sizes(), b.sizes());
  CONVIS_CHECK(a.dtype() != kBool, op, "expected float32, float64 or int64 operands, got bool (shapes {} and {})",
               a.sizes(), b.sizes());
}

void check_inner(const char* op, const Tensor& a, const Tensor& b, int64_t ka, int64_t kb) {
  CONVIS_CHECK(ka == kb, op, "expected the inner sizes to match, got shapes {} and {} ({} != {}): they cannot be "
               "multiplied", a.sizes(), b.sizes(), ka, kb);
}

struct BatchDim {
  int64_t size, sa, sb, sc;
};

// The batch dims of the three operands, size-1 dims dropped and neighbours merged where
// every operand allows, so that the kernel walks as few dims as possible.
std::vector<BatchDim> merged_batch_dims(const Tensor& a, const Tensor& b, const Tensor& c) {
  std::vector<BatchDim> dims;
  for (int64_t d = 0; d + 2 < c.dim(); ++d) {
    BatchDim cur{c.size(d), a.stride(d), b.stride(d), c.stride(d)};
    if (cur.size == 1) continue;
    if (!dims.empty()) {
      BatchDim& prev = dims.back();
      if (prev.sa == cur.sa * cur.size && prev.sb == cur.sb * cur.size && prev.sc == cur.sc * cur.size) {
        prev = {prev.size * cur.size, cur.sa, cur.sb, cur.sc};
        continue;
      }
    }
    dims.push_back(cur);
  }
  return dims;
}

// c = a @ b where a is [..., m, k], b is [..., k, n] and c a fresh [..., m, n], all three
// with the same batch sizes (a and b may be broadcast views with stride 0).
void run_gemm(const char* op, const Tensor& a, const Tensor& b, const Tensor& c) {
  if (c.numel() == 0) return;
  const int64_t nd = c.dim();
  GemmArgs g;
  g.m = c.size(nd - 2);
  g.n = c.size(nd - 1);
  g.k = a.size(nd - 1);
  std::vector<BatchDim> dims = merged_batch_dims(a, b, c);
  CONVIS_CHECK(dims.size() <= size_t(kGemmMaxBatchDims), op,
               "expected at most {} batch dims that cannot be merged, got {} (shapes {} and {})", kGemmMaxBatchDims,
               dims.size(), a.sizes(), b.sizes());
  g.batch_ndim = int(dims.size());
  for (size_t d = 0; d < dims.size(); ++d) {
    g.batch_sizes[d] = dims[d].size;
    g.a.batch_strides[d] = dims[d].sa;
    g.b.batch_strides[d] = dims[d].sb;
    g.c.batch_strides[d] = dims[d].sc;
  }
  g.a.data = a.data_ptr();
  g.a.row_stride = a.stride(nd - 2);
  g.a.col_stride = a.stride(nd - 1);
  g.b.data = b.data_ptr();
  g.b.row_stride = b.stride(nd - 2);
  g.b.col_stride = b.stride(nd - 1);
  g.c.data = c.data_ptr();
  g.c.row_stride = c.stride(nd - 2);
  g.c.col_stride = c.stride(nd - 1);
  find_kernel<OpKind::gemm>(c.device().type(), c.dtype())(g);
}

Tensor product_2d(const char* op, const Tensor& a, const Tensor& b) {
  Tensor out = empty({a.size(0), b.size(1)}, a.options());
  run_gemm(op, a, b, out);
  return out;
}

// The batch sizes of a and b broadcast together, or an Error naming both full shapes.
Shape broadcast_batch(const Tensor& a, const Tensor& b, const Tensor& a2, const Tensor& b2) {
  Shape ba(a2.sizes().begin(), a2.sizes().end() - 2), bb(b2.sizes().begin(), b2.sizes().end() - 2);
  Shape out(std::max(ba.size(), bb.size()), 1);
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t x = i < ba.size() ? ba[ba.size() - 1 - i] : 1, y = i < bb.size() ? bb[bb.size() - 1 - i] : 1;
    CONVIS_CHECK(x == y || x == 1 || y == 1, "matmul",
                 "expected batch dims that broadcast, got shapes {} and {} (batch dims {} and {})", a.sizes(),
                 b.sizes(), ba, bb);
    out[out.size() - 1 - i] = x == 1 ? y : x;
  }
  return out;
}

// matmul for operands of which at least one has more than 2 dims.
Tensor batched_matmul(const Tensor& a, const Tensor& b) {
  const bool a_vector = a.dim() == 1, b_vector = b.dim() == 1;
  Tensor a2 = a_vector ? native::unsqueeze(a, 0) : a;  // [k] -> [1, k]
  Tensor b2 = b_vector ? native::unsqueeze(b, 1) : b;  // [k] -> [k, 1]
  const int64_t m = a2.size(-2), k = a2.size(-1), n = b2.size(-1);
  check_inner("matmul", a, b, k, b2.size(-2));
  Shape batch = broadcast_batch(a, b, a2, b2);
  Shape a_shape = batch, b_shape = batch, c_shape = batch;
  a_shape.push_back(m), a_shape.push_back(k);
  b_shape.push_back(k), b_shape.push_back(n);
  c_shape.push_back(m), c_shape.push_back(n);
  Tensor out = empty(c_shape, a.options());
  run_gemm("matmul", native::expand(a2, a_shape), native::expand(b2, b_shape), out);
  if (a_vector) out = native::squeeze(out, -2);
  if (b_vector) out = native::squeeze(out, -1);
  return out;
}

}  // namespace

Tensor native::mm(const Tensor& a, const Tensor& b) {
  check_operands("mm", a, b);
  CONVIS_CHECK(a.dim() == 2, "mm", "expected a 2-D matrix as the first argument, got a {}-D tensor of shape {}",
               a.dim(), a.sizes());
  CONVIS_CHECK(b.dim() == 2, "mm", "expected a 2-D matrix as the second argument, got a {}-D tensor of shape {}",
               b.dim(), b.sizes());
  check_inner("mm", a, b, a.size(1), b.size(0));
  return product_2d("mm", a, b);
}

Tensor native::bmm(const Tensor& a, const Tensor& b) {
  check_operands("bmm", a, b);
  CONVIS_CHECK(a.dim() == 3 && b.dim() == 3, "bmm", "expected two 3-D tensors [b, n, k] and [b, k, m], got shapes {} "
               "and {}", a.sizes(), b.sizes());
  CONVIS_CHECK(a.size(0) == b.size(0), "bmm", "expected equal batch sizes, got shapes {} and {} ({} != {})",
               a.sizes(), b.sizes(), a.size(0), b.size(0));
  check_inner("bmm", a, b, a.size(2), b.size(1));
  Tensor out = empty({a.size(0), a.size(1), b.size(2)}, a.options());
  run_gemm("bmm", a, b, out);
  return out;
}

Tensor native::mv(const Tensor& a, const Tensor& v) {
  check_operands("mv", a, v);
  CONVIS_CHECK(a.dim() == 2 && v.dim() == 1, "mv", "expected a 2-D matrix and a 1-D vector, got shapes {} and {}",
               a.sizes(), v.sizes());
  check_inner("mv", a, v, a.size(1), v.size(0));
  return native::view(product_2d("mv", a, native::unsqueeze(v, 1)), {a.size(0)});
}

Tensor native::dot(const Tensor& a, const Tensor& b) {
  check_operands("dot", a, b);
  CONVIS_CHECK(a.dim() == 1 && b.dim() == 1, "dot", "expected two 1-D tensors, got {}-D and {}-D tensors of shapes "
               "{} and {}", a.dim(), b.dim(), a.sizes(), b.sizes());
  CONVIS_CHECK(a.size(0) == b.size(0), "dot", "expected vectors of the same length, got shapes {} and {}",
               a.sizes(), b.sizes());
  return native::view(product_2d("dot", native::unsqueeze(a, 0), native::unsqueeze(b, 1)), Shape{});
}

// As LibTorch's outer (a[:, None] * b[None, :]): the dtypes promote, and bools give a bool.
Tensor native::outer(const Tensor& a, const Tensor& b) {
  CONVIS_CHECK(a.defined() && b.defined(), "outer", "expected two defined tensors, got an undefined Tensor()");
  CONVIS_CHECK(a.dim() == 1 && b.dim() == 1, "outer", "expected two 1-D tensors, got {}-D and {}-D tensors of "
               "shapes {} and {}", a.dim(), b.dim(), a.sizes(), b.sizes());
  CONVIS_CHECK(a.device() == b.device(), "outer", "expected both operands on one device, got {} and {}",
               a.device().str(), b.device().str());
  const DType result = promote_types(a.dtype(), b.dtype());
  const DType compute = result == kBool ? kInt64 : result;  // a product of 0/1 is their logical and
  Tensor out = product_2d("outer", native::unsqueeze(native::to(a, compute), 1), native::unsqueeze(native::to(b, compute), 0));
  return native::to(out, result);
}

Tensor native::matmul(const Tensor& a, const Tensor& b) {
  check_operands("matmul", a, b);
  CONVIS_CHECK(a.dim() >= 1 && b.dim() >= 1, "matmul",
               "expected both arguments to be at least 1-D, got {}-D and {}-D tensors of shapes {} and {}", a.dim(),
               b.dim(), a.sizes(), b.sizes());
  if (a.dim() == 1 && b.dim() == 1) {
    check_inner("matmul", a, b, a.size(0), b.size(0));
    return native::dot(a, b);
  }
  if (a.dim() == 2 && b.dim() == 1) {
    check_inner("matmul", a, b, a.size(1), b.size(0));
    return native::mv(a, b);
  }
  if (a.dim() == 1 && b.dim() == 2) {
    check_inner("matmul", a, b, a.size(0), b.size(0));
    return native::view(product_2d("matmul", native::unsqueeze(a, 0), b), {b.size(1)});
  }
  if (a.dim() == 2 && b.dim() == 2) {
    check_inner("matmul", a, b, a.size(1), b.size(0));
    return product_2d("matmul", a, b);
  }
  return batched_matmul(a, b);
}

// ---- the methods ----

}  // namespace convis
