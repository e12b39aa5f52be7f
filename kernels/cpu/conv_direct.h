// kernels/cpu/conv_direct.h: the direct convolution kernels (no im2col), for few channels and
// large kernels: the convis case of one channel with 7x7 to 21x21 spatial and 10 to 200 temporal
// taps.  Defined in kernels/cpu/conv_direct.cpp; kernels/cpu/conv.cpp chooses between these and
// im2col + GEMM (Note [Choosing a convolution algorithm] there).
//
//   ConvForwardArgs f = ...;                       // stride 1, dilation 1, any padding and groups
//   if (direct_conv_applies(f.geometry, sizeof(float))) direct_conv_forward<float>(f);
//
// Note [Direct convolution]
// One output plane is a 2-D array of rows; every output row i takes taps from kR input rows
// (i .. i + kR - 1) of each of `layers` input planes, kC taps per row:
//     out[i][x] = sum over layers l, kh < kR, kw < kC of  w[l][kh][kw] * in_l[i + kh][x + kw]
// A 3-D convolution is such a plane per (sample, output channel, output frame), with layers
// (input channel, kt), kR = kH and kC = kW ("spatial planes").  A pure temporal kernel (kH = kW
// = 1) is better seen as one plane per (sample, output channel) whose rows are frames, H * W
// long, with layers = input channels and kR = kT ("temporal planes").
//
// The kernel holds a block of R output rows x V vectors of outputs in registers.  Input row r
// of the block feeds output rows r - kh for every kh: so each input vector, loaded once, feeds
// up to R FMAs, one per output row, each with its own weight (broadcast).  Walking the input
// rows r = 0 .. R + kR - 2 of a layer, the output rows fed are
//     [0, r + 1)          for r < R - 1        (ramp up, unrolled at compile time)
//     [0, R)              for R - 1 <= r < kR  (the steady middle: no tests at all)
//     [r - kR + 1, R)     for r >= kR          (ramp down, unrolled)
// which needs R <= kR.  Short kernels (kR <= 3, as 3x3x3 in a CNN) leave few rows to share a
// load, so with several output channels the block holds C channels x R rows x V vectors: the
// planes of C output channels read the same input, and each input vector feeds C * R FMAs.
// Blocks at the right and bottom edges are moved left / up so that they end at the plane's
// edge (their overlap is recomputed, never stored twice by two threads), so nothing reads past
// a row's last input element and no tail loop is needed.
//
// Note [Direct convolution order]
// Every output element is one chain of multiply-adds (vec.h's fmadd: fused at avx2 and avx512),
// starting from 0, over its taps in the order (input channel, kt, kh, kw), each ascending; then
// the bias is added.  The order
// depends neither on the block an element falls in, nor on the thread, nor on the number of
// frames in the call: a stateful filter run in chunks gets the bits of one call, and 1, 2 or 3
// threads the same bits.  Spatial, folded (Note [Folded frames] in conv_direct.cpp) and
// temporal planes give the same bits for the same taps.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "convis/kernels/conv.h"
#include "convis/kernels/cpu/capability.h"

CONVIS_CPU_BEGIN

// f(integral_constant<int, I>) for each I of the sequence, unrolled at compile time.
template <int... Is, typename F>
[[gnu::always_inline]] constexpr void unrolled(std::integer_sequence<int, Is...>, F&& f) {
  (f(std::integral_constant<int, Is>{}), ...);
}

// Whether direct_conv_forward can run `g` (stride 1, dilation 1, the output row at least one
// vector wide) at this level for elements of `element_size` bytes.
bool direct_conv_applies(const ConvGeometry& g, size_t element_size);

// Whether the plan should prefer the direct kernel (few channels or tall kernels).
bool direct_conv_preferred(const ConvGeometry& g);

// The input of a convolution as the direct kernels read it: its (T, H, W) size with padding,
// and the element strides from one sample and one channel to the next.
template <typename T>
struct DirectInput {
  const T* data;
  Dims3 size;
  int64_t sample_stride, channel_stride;
};

// The input x, with (sample, channel) strides `strides`, with its padding made real (zeros) in
// `buffer` (contiguous), or x itself when there is none.
template <typename T>
DirectInput<T> padded_conv_input(const ConvGeometry& g, const T* x, std::array<int64_t, 2> strides,
                                 std::vector<T>& buffer);

// output = conv(input, weight) + bias, for a geometry that direct_conv_applies to.
template <typename T>
void direct_conv_forward(const ConvForwardArgs& f);

// grad_input for a geometry whose forward direct_conv_applies to and whose padding is at most
// kernel - 1 in each dim: the forward of grad_output with the flipped, transposed weight.
template <typename T>
bool direct_conv_backward_input(const ConvBackwardInputArgs& a);

// grad_weight by direct reduction (stride 1, dilation 1): taps spread over threads, each
// tap's sum in a fixed order.
template <typename T>
void direct_conv_backward_weight(const ConvBackwardWeightArgs& a);

CONVIS_CPU_END
