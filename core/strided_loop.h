// core/strided_loop.h: from tensors to a StridedLoop (see Note [Strided loop]).
//
//   Tensor out = empty(shape, dtype);
//   StridedLoop loop = make_strided_loop({&out, &a_expanded, &b_expanded});
//   find_kernel<OpKind::add>(kCPU, dtype)(loop);
//
// The operands must already have out's shape (use expand) and the kernel's dtype.
#pragma once

#include <initializer_list>

#include "convis/core/tensor.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/strided_loop.h"

namespace convis {

StridedLoop make_strided_loop(std::initializer_list<const Tensor*> operands);
// The same, filling `L` in place (a StridedLoop is ~700 bytes: copying one costs a memcpy).
void make_strided_loop(StridedLoop& L, std::initializer_list<const Tensor*> operands);

// Runs the elementwise kernel `op` for dtype `dtype` over `operands` (output first).
void run_elementwise(OpKind op, DType dtype, std::initializer_list<const Tensor*> operands,
                     const OpParams& params = {});

}  // namespace convis
