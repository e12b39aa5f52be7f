// kernels/cpu/conv_direct_backward.cpp: the two backward kernels of the direct convolution
// (Note [Direct convolution] in conv_direct.h).
//
// Note [Direct convolution backward]
// Input gradient: with stride 1 and dilation 1, grad_input is the forward convolution of
// grad_output, padded by kernel - 1 - padding in each dim, with the weight flipped in t, h and w
// and its two channel dims swapped (per group).  So it runs the forward kernel, at its speed.
// Weight gradient: dW[co][ci][kt][kh][kw] = sum over n, ot, oy, ox of
//     grad_output[n][co][ot][oy][ox] * input[n][ci][ot + kt][oy + kh][ox + kw]   (padded input)
// a long reduction into few values.  A work item sums a block of KH tap rows x KB tap columns
// of one (co, ci, kt) whole, in registers, vectorised along the output row: input row rr of a
// frame is, for tap row kh0 + j, the partner of grad_output row rr - j, so each input vector
// (loaded once per kw of the block) meets KH grad_output vectors, the rows of the ramps
// unrolled as in the forward.  Columns past the last whole vector are partial vectors, zero in
// both operands past the row.  The lanes are summed in order at the end.  Every sum has one
// fixed order: 1, 2 or 3 threads give the same bits.
#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "convis/kernels/cpu/conv_direct.h"
#include "convis/kernels/cpu/parallel.h"
#include "convis/kernels/cpu/vec.h"

CONVIS_CPU_BEGIN

namespace {

// A tap block: KH tap rows x KB tap columns of dW in registers, plus KB input vectors and one
// grad_output vector (32 registers at avx512, 16 at avx2).
#if CONVIS_CPU_LEVEL == 2
constexpr int kTapRows = 4, kTapCols = 5;
#elif CONVIS_CPU_LEVEL == 1
constexpr int kTapRows = 2, kTapCols = 4;
#else
constexpr int kTapRows = 2, kTapCols = 2;
#endif


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

// Input row `x` (from column kw0) meets the grad_output rows gy_r - j * cols for j in [J0, J1)
// (the rows whose tap row kh0 + j it is): acc[j][b] += gy row * x shifted by b, along the row.
// The last columns are partial vectors, zero past the row in both operands.
template <typename T, int KH, int KB, int J0, int J1>
[[gnu::always_inline]] inline void tap_row(Vec<T> (&acc)[KH][KB], const T* x, const T* gy_r, int64_t cols) {
  constexpr int W = Vec<T>::kWidth;
  int64_t c = 0;
  for (; c + W <= cols; c += W) {
    Vec<T> in[KB];
#pragma GCC unroll 8
    for (int b = 0; b < KB; ++b) in[b] = Vec<T>::load(x + c + b);
#pragma GCC unroll 8
    for (int j = J0; j < J1; ++j) {
      const Vec<T> g = Vec<T>::load(gy_r - j * cols + c);
#pragma GCC unroll 8
      for (int b = 0; b < KB; ++b) acc[j][b] = fmadd(g, in[b], acc[j][b]);
    }
  }
  if (c == cols) return;
  Vec<T> in[KB];
#pragma GCC unroll 8
  for (int b = 0; b < KB; ++b) in[b] = load_first(x + c + b, cols - c);
#pragma GCC unroll 8
  for (int j = J0; j < J1; ++j) {
    const Vec<T> g = load_first(gy_r - j * cols + c, cols - c);
#pragma GCC unroll 8
    for (int b = 0; b < KB; ++b) acc[j][b] = fmadd(g, in[b], acc[j][b]);
  }
}

// Where a tap block reads: x0 is input row kh0, column kw0 of frame kt of sample 0 and its
// input channel, gy0 frame 0 of sample 0 and its output channel.
template <typename T>
struct TapBlock {
  const T* x0;
  const T* gy0;
  int64_t batch, frames, rows, cols;    // grad_output's N, T, H, W
  int64_t in_row, in_frame, in_sample;  // input strides
  int64_t gy_sample;
  T* dw;  // dW[kh0][kw0] of the block's (co, ci, kt)
  int64_t dw_row;  // kW
};

// dW for KH tap rows x KB tap columns (Note [Direct convolution backward]): input row rr of a
// frame meets grad rows rr - j, all KH of them in the middle, fewer in the ramps (unrolled).
template <typename T, int KH, int KB>
[[gnu::noinline]] void tap_block(const TapBlock<T>& p) {
  constexpr int W = Vec<T>::kWidth;
  Vec<T> acc[KH][KB];
#pragma GCC unroll 8
  for (int j = 0; j < KH; ++j)
#pragma GCC unroll 8
    for (int b = 0; b < KB; ++b) acc[j][b] = Vec<T>(T(0));
  const int64_t cols = p.cols;
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t t = 0; t < p.frames; ++t) {
      const T* x = p.x0 + n * p.in_sample + t * p.in_frame;
      const T* gy = p.gy0 + n * p.gy_sample + t * p.rows * cols;
      unrolled(std::make_integer_sequence<int, KH - 1>(), [&](auto rr) {  // ramp up
        tap_row<T, KH, KB, 0, decltype(rr)::value + 1>(acc, x + rr * p.in_row, gy + rr * cols, cols);
      });
      for (int64_t rr = KH - 1; rr < p.rows; ++rr) tap_row<T, KH, KB, 0, KH>(acc, x + rr * p.in_row, gy + rr * cols, cols);
      unrolled(std::make_integer_sequence<int, KH - 1>(), [&](auto j) {  // ramp down: rr = rows + j
        const int64_t rr = p.rows + j;
        tap_row<T, KH, KB, decltype(j)::value + 1, KH>(acc, x + rr * p.in_row, gy + rr * cols, cols);
      });
    }
  }
#pragma GCC unroll 8
  for (int j = 0; j < KH; ++j)
#pragma GCC unroll 8
    for (int b = 0; b < KB; ++b) {
      T lanes[W];
      acc[j][b].store(lanes);
      T sum = T(0);
      for (int i = 0; i < W; ++i) sum += lanes[i];
      p.dw[j * p.dw_row + b] = sum;
    }
}

template <typename T>
using TapBlockFn = void (*)(const TapBlock<T>&);

// tap_block for every KH <= kTapRows, KB <= kTapCols: table[KH - 1][KB - 1].
template <typename T, int... Hs, int... Bs>
constexpr auto tap_block_table(std::integer_sequence<int, Hs...>, std::integer_sequence<int, Bs...> bs) {
  std::array<std::array<TapBlockFn<T>, sizeof...(Bs)>, sizeof...(Hs)> table{};
  unrolled(std::integer_sequence<int, Hs...>(), [&](auto h) {
    unrolled(bs, [&](auto b) {
      table[decltype(h)::value][decltype(b)::value] = &tap_block<T, decltype(h)::value + 1, decltype(b)::value + 1>;
    });
  });
  return table;
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
  if (g.kernel[0] > 1 && g.kernel[1] == 1 && g.kernel[2] == 1 && g.padding[1] == 0 && g.padding[2] == 0) {
    // A pure temporal kernel: the same sums over the plane [T, H * W], whose tap rows are kt,
    // so a work item meets each input vector with kTapRows taps at once (not one tap per pass
    // over the whole video).  Every buffer is laid out alike in both views.
    ConvGeometry plane = g;
    plane.in_size = {1, g.in_size[0], g.in_size[1] * g.in_size[2]};
    plane.out_size = {1, g.out_size[0], g.out_size[1] * g.out_size[2]};
    plane.kernel = {1, g.kernel[0], 1};
    plane.padding = {0, g.padding[0], 0};
    return direct_conv_backward_weight<T>(ConvBackwardWeightArgs{plane, a.grad_output, a.input, a.grad_weight});
  }
  std::vector<T> buffer;
  const int64_t block = g.in_size[0] * g.in_size[1] * g.in_size[2];
  const DirectInput<T> input =
      padded_conv_input(g, static_cast<const T*>(a.input), {g.in_channels * block, block}, buffer);
  const T* x = input.data;
  const Dims3& in = input.size;
  const int64_t cin_g = g.in_channels / g.groups, cout_g = g.out_channels / g.groups;
  const int64_t kT = g.kernel[0], kH = g.kernel[1], kW = g.kernel[2];
  const int64_t in_frame = in[1] * in[2], in_channel = in[0] * in_frame;
  const int64_t out_channel = g.out_size[0] * g.out_size[1] * g.out_size[2];
  // Work items: (co, ci, kt, block of tap rows, block of tap columns), each summed whole.
  const int64_t tap_rows = std::min<int64_t>({kTapRows, kH, g.out_size[1]});
  const int64_t row_blocks = (kH + tap_rows - 1) / tap_rows, col_blocks = (kW + kTapCols - 1) / kTapCols;
  static constexpr auto table = tap_block_table<T>(std::make_integer_sequence<int, kTapRows>(),
                                                   std::make_integer_sequence<int, kTapCols>());
  const int64_t items = g.out_channels * cin_g * kT * row_blocks * col_blocks;
  parallel_for(items, g.batch * out_channel * tap_rows * kTapCols, [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; ++item) {
      const int64_t cb = item % col_blocks, rb = item / col_blocks % row_blocks;
      const int64_t kt = item / col_blocks / row_blocks % kT, c = item / col_blocks / row_blocks / kT % cin_g;
      const int64_t o = item / col_blocks / row_blocks / kT / cin_g;
      const int64_t kh0 = rb * tap_rows, kw0 = kW * cb / col_blocks, kw1 = kW * (cb + 1) / col_blocks;
      const int64_t nh = std::min(tap_rows, kH - kh0);
      const TapBlock<T> p{x + ((o / cout_g) * cin_g + c) * in_channel + kt * in_frame + kh0 * in[2] + kw0,
                          static_cast<const T*>(a.grad_output) + o * out_channel,
                          g.batch, g.out_size[0], g.out_size[1], g.out_size[2],
                          in[2], in_frame, g.in_channels * in_channel, g.out_channels * out_channel,
                          static_cast<T*>(a.grad_weight) + (((o * cin_g + c) * kT + kt) * kH + kh0) * kW + kw0, kW};
      table[size_t(nh - 1)][size_t(kw1 - kw0 - 1)](p);
    }
  });
}

template bool direct_conv_backward_input<float>(const ConvBackwardInputArgs&);
template bool direct_conv_backward_input<double>(const ConvBackwardInputArgs&);
template void direct_conv_backward_weight<float>(const ConvBackwardWeightArgs&);
template void direct_conv_backward_weight<double>(const ConvBackwardWeightArgs&);

CONVIS_CPU_END
