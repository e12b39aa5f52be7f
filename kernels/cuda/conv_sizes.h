// kernels/cuda/conv_sizes.h: the sizes of a one-channel conv3d on the device (plain data, so
// that host code includes it without CUDA's headers; kernels/cuda/conv3d.cuh uses it).
#pragma once

namespace convis::cuda_kernels {

// Input [batch, 1, in_t, in_h, in_w], kernel [1, 1, kt, kh, kw], stride 1, no padding.
struct ConvSizes {
  int batch, in_t, in_h, in_w, kt, kh, kw;
};

}  // namespace convis::cuda_kernels
