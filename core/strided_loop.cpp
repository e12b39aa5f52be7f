// core/strided_loop.cpp: see Note [Strided loop] in kernels/strided_loop.h.
#include "convis/core/strided_loop.h"

namespace convis {

namespace {
// The fast path: operands that are all contiguous (of one shape) walk as one flat dim.
bool flat_loop(StridedLoop& L, std::initializer_list<const Tensor*> operands) {
  for (const Tensor* t : operands)
    if (!t->is_contiguous()) return false;
  L.ndim = 1;
  L.sizes[0] = (*operands.begin())->numel();
  int k = 0;
  for (const Tensor* t : operands) L.strides[k++][0] = t->element_size();
  return true;
}
}  // namespace

StridedLoop make_strided_loop(std::initializer_list<const Tensor*> operands) {
  StridedLoop L;
  make_strided_loop(L, operands);
  return L;
}

void make_strided_loop(StridedLoop& L, std::initializer_list<const Tensor*> operands) {
  L.ntensors = int(operands.size());
  CONVIS_ASSERT(L.ntensors >= 1 && L.ntensors <= StridedLoop::kMaxOperands, "bad operand count {}", L.ntensors);
  const Tensor& out = **operands.begin();
  const int ndim = int(out.dim());
  CONVIS_ASSERT(ndim <= StridedLoop::kMaxDims, "too many dims: {}", ndim);

  // Collect the dims that are not of size 1 (they do not move any pointer).
  int k = 0;
  for (const Tensor* t : operands) {
    CONVIS_ASSERT(t->sizes() == out.sizes(), "operand shape {} != output shape {}", t->sizes(), out.sizes());
    L.data[k] = static_cast<char*>(t->data_ptr());
    L.dtypes[k] = t->dtype();
    ++k;
  }
  if (flat_loop(L, operands)) return;
  int n = 0;
  for (int d = 0; d < ndim; ++d) {
    if (out.size(d) == 1) continue;
    L.sizes[n] = out.size(d);
    k = 0;
    for (const Tensor* t : operands) {
      L.strides[k][n] = t->strides()[size_t(d)] * t->element_size();
      ++k;
    }
    ++n;
  }
  // Coalesce: merge dim i into dim i+1 (inner) when every operand steps evenly across both.
  int m = 0;
  for (int d = 0; d < n; ++d) {
    if (m > 0) {
      bool mergeable = true;
      for (int op = 0; op < L.ntensors; ++op)
        mergeable = mergeable && L.strides[op][m - 1] == L.strides[op][d] * L.sizes[d];
      if (mergeable) {
        L.sizes[m - 1] *= L.sizes[d];
        for (int op = 0; op < L.ntensors; ++op) L.strides[op][m - 1] = L.strides[op][d];
        continue;
      }
    }
    L.sizes[m] = L.sizes[d];
    for (int op = 0; op < L.ntensors; ++op) L.strides[op][m] = L.strides[op][d];
    ++m;
  }
  L.ndim = m;
  if (out.numel() == 0) {  // keep one dim of size 0 so numel() is 0
    L.ndim = 1;
    L.sizes[0] = 0;
  }
}

void run_elementwise(OpKind op, DType dtype, std::initializer_list<const Tensor*> operands, const OpParams& params) {
  const Tensor& out = **operands.begin();
  auto* fn = find_kernel<ElementwiseKernel>(op, out.device().type(), dtype);
  StridedLoop L;
  make_strided_loop(L, operands);
  L.params = params;
  fn(L);
}

}  // namespace convis
