#include "convis/core/storage.h"

#include "convis/core/allocator.h"
#include "convis/core/cuda.h"
#include "convis/core/error.h"

namespace convis {

namespace {
DeviceAllocator g_device_allocators[kNumDeviceTypes];
}

void set_device_allocator(DeviceType type, DeviceAllocator allocator) {
  g_device_allocators[int(type)] = allocator;
}

Storage::Storage(size_t nbytes, Device device) : nbytes_(nbytes), device_(device), owned_(true) {
  if (device.is_cpu()) {
    data_ = cpu_allocate(nbytes);
    return;
  }
  const DeviceAllocator& a = g_device_allocators[int(device.type())];
  if (a.allocate == nullptr) {
    CONVIS_CHECK(cuda::is_built(), "allocate", "expected memory on {}, got a build without CUDA (configure with "
                 "-DCONVIS_CUDA=ON on a machine with nvcc)", device.str());
    CONVIS_CHECK(cuda::device_count() > 0, "allocate", "expected memory on {}, got no CUDA device on this machine "
                 "(cudaGetDeviceCount finds none)", device.str());
    CONVIS_CHECK(false, "allocate", "expected memory on {}, got a build whose CUDA backend has kernels but no "
                 "CUDA tensors yet (issue 13)", device.str());
  }
  data_ = nbytes ? a.allocate(nbytes) : nullptr;
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

Storage::~Storage() {
  if (!owned_) {
    if (deleter_) deleter_(data_);
    return;
  }
  if (device_.is_cpu()) {
    cpu_free(data_, nbytes_);
  } else if (data_) {
    g_device_allocators[int(device_.type())].free(data_, nbytes_);
  }
}

}  // namespace convis
