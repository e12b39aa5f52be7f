// core/storage.h: one buffer of bytes, owned by exactly one Storage.
//
//   auto s = std::make_shared<convis::Storage>(64, convis::kCPU);  // 64 bytes, ours to free
//   float buf[4];
//   auto b = convis::Storage::borrow(buf, sizeof buf, convis::kCPU, nullptr);  // not freed
//
// Note [Storage owns, TensorImpl views]
// A Storage holds a pointer, a byte size, a device and the function that frees the
// pointer.  It knows nothing about shapes.  Tensors that are views of each other share one
// Storage through shared_ptr, so the buffer lives as long as the last view.  The version
// counter lives here too: an in-place write through any view bumps it, and autograd
// compares it with the number it saw when it saved a tensor (see Note [Saved versions]).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "convis/core/device.h"

namespace convis {

class Storage {
 public:
  using Deleter = std::function<void(void*)>;

  // Allocates nbytes on `device` with that device's allocator.
  Storage(size_t nbytes, Device device);
  // Wraps memory the caller allocated.  `deleter` (may be empty) runs when the storage dies.
  static std::shared_ptr<Storage> borrow(void* data, size_t nbytes, Device device, Deleter deleter);
  // nbytes of page-locked host memory (Tensor::pin_memory; needs a CUDA device, real or emulated).
  static std::shared_ptr<Storage> pinned(size_t nbytes);

  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }
  bool is_pinned() const { return pinned_; }

  uint32_t version() const { return version_; }
  // Called once by every in-place write; `writer` names the op (for autograd's error).
  void bump_version(const char* writer = "an in-place operation") {
    ++version_;
    last_writer_ = writer;
  }
  const char* last_writer() const { return last_writer_; }

 private:
  Storage() = default;
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_ = kCPU;
  bool owned_ = false;  // true: freed by our allocator; false: by deleter_ (if any)
  bool pinned_ = false;  // page-locked host memory
  Deleter deleter_;
  uint32_t version_ = 0;
  const char* last_writer_ = "";
};

}  // namespace convis
