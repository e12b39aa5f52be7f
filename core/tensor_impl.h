// core/tensor_impl.h: a strided view of a Storage.  Tensor (core/tensor.h) is a handle to one.
//
//   TensorImpl of a 2x3 float tensor, transposed:
//     storage -> 24 bytes    sizes = [3, 2]    strides = [1, 3]    offset = 0    dtype = float32
//   element (i, j) lives at  storage->data() + (offset + i*strides[0] + j*strides[1]) * 4
//
// Note [Strides in elements]
// Strides and the offset count elements, not bytes (as in LibTorch, unlike ggml), so a
// view's arithmetic does not depend on the dtype.  Kernels receive byte strides, computed
// once by the strided-loop helper (core/strided_loop.h).
#pragma once

#include <cstdint>
#include <memory>

#include "convis/core/dtype.h"
#include "convis/core/pool.h"
#include "convis/core/shape.h"
#include "convis/core/storage.h"

namespace convis {

namespace autograd {
struct AutogradMeta;  // defined by the autograd layer; core only carries the pointers
class Node;
}

// Note [History on the TensorImpl]
// Most tensors autograd touches are results of recorded ops, and all they need is their
// grad_fn and which output of it they are.  Those two fields live here, so recording an op
// allocates no AutogradMeta for its result; the meta (.grad, hooks, retain_grad, the view's
// base) is created only for tensors that use one of those.  A leaf's requires_grad flag lives
// here too, so that core can answer requires_grad() and make leaves (randn(..., requires_grad(true)))
// without calling into autograd.  Core reads these fields; only autograd (autograd/autograd_meta.h)
// writes grad_fn and output_nr, and core never dereferences grad_fn.

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape sizes;
  Shape strides;
  int64_t offset = 0;  // in elements, see Note [Strides in elements]
  DType dtype = kFloat32;
  std::shared_ptr<autograd::AutogradMeta> autograd_meta;  // null when autograd never touched it
  std::shared_ptr<autograd::Node> grad_fn;                // null for leaves (Note [History on the TensorImpl])
  uint32_t output_nr = 0;                                 // which output of grad_fn this is
  bool requires_grad = false;                             // a leaf that requires grad (see the Note)

  TensorImpl(std::shared_ptr<Storage> s, Shape sz, Shape st, int64_t off, DType dt)
      : storage(std::move(s)), sizes(std::move(sz)), strides(std::move(st)), offset(off), dtype(dt) {}
  // A new TensorImpl from the object pool (core/pool.h); what every tensor is made with.
  static std::shared_ptr<TensorImpl> make(std::shared_ptr<Storage> s, Shape sz, Shape st, int64_t off, DType dt) {
    return detail::make_pooled<TensorImpl>(std::move(s), std::move(sz), std::move(st), off, dt);
  }

  Device device() const { return storage->device(); }
  int64_t dim() const { return int64_t(sizes.size()); }
  int64_t numel() const { return convis::numel(sizes); }
  char* data() const { return static_cast<char*>(storage->data()) + offset * dtype_size(dtype); }
  // True when the elements are laid out row-major with no gaps (size-1 dims may have any stride).
  bool is_contiguous() const;
};

}  // namespace convis
