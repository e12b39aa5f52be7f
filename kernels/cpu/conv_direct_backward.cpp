// kernels/cpu/conv_direct_backward.cpp: the two backward kernels of the direct convolution
// (Note [Direct convolution] in conv_direct.h).
//
// Note [Direct convolution backward]
// Input gradient: with stride 1 and dilation 1, grad_input is the forward convolution of
// grad_output, padded by kernel - 1 - padding in each dim, with the weight flipped in t, h and w
// and its two channel dims swapped (per group).  So it runs the forward kernel, at its speed.
// Weight gradient: dW[co][ci][kt][kh][kw] = sum over n, ot, oy, ox of
//     grad_output[n][co][ot][oy][ox] * input[n][ci][ot + kt][oy + kh][ox + kw]   (padded input)
// a long reduction into few values.  Each "tap row" (co, ci, kt, kh) is summed whole by one
// thread, its kW taps side by side: a vector of grad_output (x .. x + width) is loaded once and
// meets the input vectors at x + kw for a block of kw; the lanes are summed in order at the
// end, then the columns left over at the right edge in order.  The order of every sum is thus
// fixed: 1, 2 or 3 threads give the same bits.
#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "convis/kernels/cpu/conv_direct.h"
#include "convis/kernels/cpu/parallel.h"
#include "convis/kernels/cpu/vec.h"

CONVIS_CPU_BEGIN

namespace {

constexpr int kTapBlock = CONVIS_CPU_LEVEL == 2 ? 12 : 6;  // kw taps summed side by side

// The weight as the backward-input forward needs it: [Cin, Cout / groups, k] flipped.
template <typename T>
std::vector<T> flipped_transposed_weight(const ConvGeometry& g, const T* w) {
  const int64_t cin_g = g.in_channels / g.groups, cout_g = g.out_channels / g.groups;
  const int64_t taps = g.kernel[0] * g.kernel[1] * g.kernel[2];
  std::vector<T> out(size_t(g.out_channels * cin_g * taps));
  for (int64_t group = 0; group < g.groups; ++group)
    for (int64_t o = 0; o < cout_g; ++o)
      for (int64_t c = 0; c < cin_g; ++c) {
        const T* src = w + ((group * cout_g + o) * cin_g + c) * taps;
        T* dst = out.data() + ((group * cin_g + c) * cout_g + o) * taps;
        for (int64_t k = 0; k < taps; ++k) dst[taps - 1 - k] = src[k];
      }
  return out;
}

// Sums of grad_output row `gy` times input row `x` shifted by kw0 .. kw0 + n - 1, added to acc
// (vector part) and tail (the columns past the last whole vector).
template <typename T, int N>
[[gnu::always_inline]] inline void row_products(const T* gy, const T* x, int64_t cols, Vec<T> (&acc)[N],
                                                T (&tail)[N]) {
  constexpr int W = Vec<T>::kWidth;
  int64_t c = 0;
  for (; c + W <= cols; c += W) {
    const Vec<T> g = Vec<T>::load(gy + c);
#pragma GCC unroll 16
    for (int k = 0; k < N; ++k) acc[k] = fmadd(g, Vec<T>::load(x + c + k), acc[k]);
  }
  for (; c < cols; ++c)
    for (int k = 0; k < N; ++k) tail[k] = fmadd(gy[c], x[c + k], tail[k]);
}

// One block of N kw taps of one tap row: the sum over every (n, ot, oy).
template <typename T, int N>
[[gnu::noinline]] void tap_block(const ConvGeometry& g, const T* gy0, const T* x0, int64_t in_row, int64_t in_frame,
                                 int64_t sample_gy, int64_t sample_x, T* dw) {
  constexpr int W = Vec<T>::kWidth;
  Vec<T> acc[N];
  T tail[N];
  for (int k = 0; k < N; ++k) acc[k] = Vec<T>(T(0)), tail[k] = T(0);
  const int64_t oh = g.out_size[1], ow = g.out_size[2];
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t t = 0; t < g.out_size[0]; ++t)
      for (int64_t y = 0; y < oh; ++y)
        row_products<T, N>(gy0 + n * sample_gy + (t * oh + y) * ow, x0 + n * sample_x + t * in_frame + y * in_row, ow,
                           acc, tail);
  for (int k = 0; k < N; ++k) {
    T lanes[W];
    acc[k].store(lanes);
    T sum = T(0);
    for (int i = 0; i < W; ++i) sum += lanes[i];
    dw[k] = sum + tail[k];
  }
}

template <typename T>
using TapBlockFn = void (*)(const ConvGeometry&, const T*, const T*, int64_t, int64_t, int64_t, int64_t, T*);

template <typename T, int... Ns>
constexpr std::array<TapBlockFn<T>, sizeof...(Ns)> tap_block_table(std::integer_sequence<int, Ns...>) {
  return {&tap_block<T, Ns + 1>...};
}

}  // namespace

template <typename T>
bool direct_conv_backward_input(const ConvBackwardInputArgs& a) {
  const ConvGeometry& g = a.geometry;
  ConvGeometry b = g;  // the forward that computes it
  b.in_channels = g.out_channels;
  b.out_channels = g.in_channels;
  b.in_size = g.out_size;
  b.out_size = g.in_size;
  for (size_t d = 0; d < 3; ++d) {
    b.padding[d] = g.kernel[d] - 1 - g.padding[d];
    if (b.padding[d] < 0) return false;
  }
  if (!direct_conv_applies(b, sizeof(T))) return false;
  const std::vector<T> w = flipped_transposed_weight(g, static_cast<const T*>(a.weight));
  direct_conv_forward<T>(ConvForwardArgs{b, a.grad_output, w.data(), nullptr, a.grad_input});
  return true;
}

template <typename T>
void direct_conv_backward_weight(const ConvBackwardWeightArgs& a) {
  const ConvGeometry& g = a.geometry;
  std::vector<T> buffer;
  Dims3 in;
  const T* x = padded_conv_input(g, static_cast<const T*>(a.input), buffer, in);
  const T* gy = static_cast<const T*>(a.grad_output);
  T* dw = static_cast<T*>(a.grad_weight);
  const int64_t cin_g = g.in_channels / g.groups, cout_g = g.out_channels / g.groups;
  const int64_t in_frame = in[1] * in[2], in_channel = in[0] * in_frame;
  const int64_t out_channel = g.out_size[0] * g.out_size[1] * g.out_size[2];
  const int64_t kT = g.kernel[0], kH = g.kernel[1], kW = g.kernel[2];
  static constexpr auto table = tap_block_table<T>(std::make_integer_sequence<int, kTapBlock>());
  const int64_t tap_rows = g.out_channels * cin_g * kT * kH;
  parallel_for(tap_rows, g.batch * out_channel * kW, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const int64_t kh = r % kH, kt = (r / kH) % kT, c = (r / kH / kT) % cin_g, o = r / kH / kT / cin_g;
      const T* gy0 = gy + o * out_channel;
      const T* x0 = x + ((o / cout_g) * cin_g + c) * in_channel + kt * in_frame + kh * in[2];
      for (int64_t kw = 0; kw < kW; kw += kTapBlock) {
        const int64_t n = std::min<int64_t>(kTapBlock, kW - kw);
        table[size_t(n - 1)](g, gy0, x0 + kw, in[2], in_frame, g.out_channels * out_channel,
                             g.in_channels * in_channel, dw + r * kW + kw);
      }
    }
  });
}

template bool direct_conv_backward_input<float>(const ConvBackwardInputArgs&);
template bool direct_conv_backward_input<double>(const ConvBackwardInputArgs&);
template void direct_conv_backward_weight<float>(const ConvBackwardWeightArgs&);
template void direct_conv_backward_weight<double>(const ConvBackwardWeightArgs&);

CONVIS_CPU_END
