#include "convis/core/storage.h"

#include "convis/core/allocator.h"
#include "convis/core/cuda_memory.h"
#include "convis/core/error.h"

namespace convis {

Storage::Storage(size_t nbytes, Device device) : nbytes_(nbytes), device_(device), owned_(true) {
  if (device.is_cpu()) {
    data_ = cpu_allocate(nbytes);
    return;
  }
  // An Error without the device, even for 0 bytes; "cuda" becomes "cuda:0", as in LibTorch.
  device_ = Device(kCUDA, cuda_memory::checked_index(device, "allocate"));
  data_ = nbytes ? cuda_memory::allocate(device_, nbytes) : nullptr;
}

std::shared_ptr<Storage> Storage::borrow(void* data, size_t nbytes, Device device, Deleter deleter) {
  std::shared_ptr<Storage> s(new Storage());
  s->data_ = data;
  s->nbytes_ = nbytes;
  s->device_ = device;
  s->owned_ = false;
  s->deleter_ = std::move(deleter);
  return s;
}

std::shared_ptr<Storage> Storage::pinned(size_t nbytes) {
  void* data = nbytes ? cuda_memory::allocate_pinned(nbytes) : nullptr;
  std::shared_ptr<Storage> s = borrow(data, nbytes, kCPU, [](void* p) {
    if (p) cuda_memory::free_pinned(p);
  });
  s->pinned_ = true;
  return s;
}

Storage::~Storage() {
  if (!owned_) {
    if (deleter_) deleter_(data_);
    return;
  }
  if (device_.is_cpu()) {
    cpu_free(data_, nbytes_);
  } else if (data_) {
    cuda_memory::free(device_, data_, nbytes_);
  }
}

}  // namespace convis
