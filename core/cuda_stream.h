// core/cuda_stream.h: CUDA streams, with LibTorch's names (c10::cuda::CUDAStream,
// getStreamFromPool, getCurrentCUDAStream, setCurrentCUDAStream, CUDAStreamGuard).
//
//   cuda::CUDAStream side = cuda::getStreamFromPool();          // one of the device's pool streams
//   {
//     cuda::CUDAStreamGuard guard(side);                          // this thread's work goes there
//     Tensor y = (x.cuda() * 2).sum();                            // kernels and copies on `side`
//   }                                                             // the previous stream again
//   side.synchronize();
//
// Note [CUDA streams]
// Each thread has a current stream per device, at first the device's default stream (id 0).
// Every kernel launches on the current stream of the device it runs on (kernels/cuda/compat.h's
// klaunch), and every copy goes on it too; a copy that is not non_blocking waits for its stream
// to finish.  The pool holds 32 streams per device, created on first use and handed out in turn,
// as LibTorch's.  Work on one stream runs in order; work on two streams may overlap, and
// ordering them is the caller's part (synchronize one before the other uses its results).
// The caching allocator keeps a freed block for the stream it was allocated on (Note [CUDA
// caching allocator] in core/cuda.h), so a tensor made on one stream and used on another must
// stay alive until that stream is done with it.  The emulated device runs every launch and copy
// to its end before returning: its streams are always done, and the tests there check the
// bookkeeping (current streams, guards, the allocator's per-stream blocks), not overlap.
// convis has no current-device guard yet: device index -1 means cuda:0.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "convis/core/device.h"

namespace convis::cuda {

class CUDAStream {
 public:
  Device device() const { return Device(kCUDA, device_index_); }
  int device_index() const { return device_index_; }
  int64_t id() const { return id_; }  // 0: the default stream; 1 .. 32: the pool's
  // The runtime's handle: a cudaStream_t (null for the default stream), a number on the emulated device.
  void* stream() const;
  void synchronize() const;  // waits until its work is done
  bool query() const;        // whether its work is done
  bool operator==(const CUDAStream& other) const { return device_index_ == other.device_index_ && id_ == other.id_; }
  bool operator!=(const CUDAStream& other) const { return !(*this == other); }

 private:
  CUDAStream(int device_index, int64_t id) : device_index_(device_index), id_(id) {}
  friend CUDAStream getDefaultCUDAStream(int64_t);
  friend CUDAStream getCurrentCUDAStream(int64_t);
  friend CUDAStream getStreamFromPool(bool, int64_t);
  int device_index_;
  int64_t id_;
};

CUDAStream getDefaultCUDAStream(int64_t device_index = -1);
CUDAStream getCurrentCUDAStream(int64_t device_index = -1);
// The next of the device's pool streams (high priority is accepted and not distinguished).
CUDAStream getStreamFromPool(bool is_high_priority = false, int64_t device_index = -1);
// Makes `stream` the calling thread's current stream on its device.
void setCurrentCUDAStream(CUDAStream stream);

// Sets the current stream of `stream`'s device for its scope and puts the previous one back.
class CUDAStreamGuard {
 public:
  explicit CUDAStreamGuard(CUDAStream stream);
  ~CUDAStreamGuard();
  CUDAStreamGuard(const CUDAStreamGuard&) = delete;
  CUDAStreamGuard& operator=(const CUDAStreamGuard&) = delete;
  CUDAStream original_stream() const { return original_; }
  CUDAStream current_stream() const { return current_; }

 private:
  CUDAStream original_, current_;
};

std::ostream& operator<<(std::ostream& out, const CUDAStream& stream);

}  // namespace convis::cuda
