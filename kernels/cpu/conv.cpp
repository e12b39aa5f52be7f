// kernels/cpu/conv.cpp: CPU convolution, forward and both backwards: the plan that chooses an
// algorithm, and the general algorithm, im2col + GEMM (the direct kernels are conv_direct.cpp).
//
// Note [Choosing a convolution algorithm]
// Two algorithms: the direct kernels (Note [Direct convolution] in conv_direct.h), for few
// channels and large kernels, and im2col + GEMM (below), for many channels and for what the
// direct kernels do not run (strides, dilation, rows narrower than a vector).  The choice is a
// function of the geometry without its batch and frame counts, of the dtype and of the level:
// so every chunk of a stateful filter, whatever its length, takes the same algorithm and gets
// the same bits (each algorithm keeps one order per output element: Note [Direct convolution
// order], Note [GEMM arithmetic]).  The choice is a few comparisons, cheaper than a cache
// lookup, so nothing is cached.  conv_algorithm() (CONVIS_CONV_ALGO) forces one side.
//
// Note [Convolution as a matrix product]
// For one sample and one group, let K = Cin_g * kT * kH * kW and L = oT * oH * oW.  The
// "column" matrix col[K, L] holds, at row r = (c, kt, kh, kw) and column l = (ot, oh, ow),
// the input element that weight tap r meets at output position l (0 where that falls into
// the padding).  Then, with the group's weight as a [Cout_g, K] matrix:
//     forward          out[Cout_g, L] = W @ col            (+ bias)
//     backward weight  gW[Cout_g, K] += gO[Cout_g, L] @ col^T
//     backward input   col = W^T @ gO,  then every col entry is added back to the input
//                      element it came from ("col2im")
// The transposes are strides, not copies (Note [GEMM strides]).  To bound memory, col is
// built for a tile of output positions at a time (about kColumnBudget elements).  A 1x1x1
// kernel with stride 1 and no padding needs no col at all: the input is already col.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "convis/kernels/conv.h"
#include "convis/core/conv_algorithm.h"
#include "convis/kernels/cpu/conv_direct.h"
#include "convis/kernels/cpu/gemm_cpu.h"
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/dispatch.h"

CONVIS_CPU_BEGIN

namespace {

constexpr int64_t kColumnBudget = int64_t(1) << 18;

int64_t volume(const Dims3& d) { return d[0] * d[1] * d[2]; }

// Sizes every conv kernel derives from the geometry.
struct ConvLayout {
  int64_t cin_g, cout_g, kernel_volume, k, in_plane, out_len, tile;
  bool identity;  // 1x1x1 kernel, stride 1, no padding: col is the input itself

  explicit ConvLayout(const ConvGeometry& g)
      : cin_g(g.in_channels / g.groups),
        cout_g(g.out_channels / g.groups),
        kernel_volume(volume(g.kernel)),
        k(cin_g * kernel_volume),
        in_plane(volume(g.in_size)),
        out_len(volume(g.out_size)),
        tile(std::clamp<int64_t>(kColumnBudget / std::max<int64_t>(k, 1), 1, std::max<int64_t>(out_len, 1))),
        identity(kernel_volume == 1 && g.stride == Dims3{1, 1, 1} && g.padding == Dims3{0, 0, 0}) {}
};

// Calls f(r, l, offset) for every entry of the column tile [k, nl] starting at output
// position l0: offset is the entry's input element relative to the group's first channel,
// or -1 where the tap falls into the padding.
template <typename F>
void for_each_column_entry(const ConvGeometry& g, const ConvLayout& lay, int64_t l0, int64_t nl, F&& f) {
  const Dims3 &in = g.in_size, &out = g.out_size, &ks = g.kernel;
  for (int64_t r = 0; r < lay.k; ++r) {
    const int64_t c = r / lay.kernel_volume, tap = r % lay.kernel_volume;
    const int64_t kt = tap / (ks[1] * ks[2]), kh = (tap / ks[2]) % ks[1], kw = tap % ks[2];
    const int64_t dt = kt * g.dilation[0] - g.padding[0], dh = kh * g.dilation[1] - g.padding[1],
                  dw = kw * g.dilation[2] - g.padding[2];
    int64_t ot = l0 / (out[1] * out[2]), oh = (l0 / out[2]) % out[1], ow = l0 % out[2];
    for (int64_t l = 0; l < nl; ++l) {
      const int64_t it = ot * g.stride[0] + dt, ih = oh * g.stride[1] + dh, iw = ow * g.stride[2] + dw;
      const bool inside = it >= 0 && it < in[0] && ih >= 0 && ih < in[1] && iw >= 0 && iw < in[2];
      f(r, l, inside ? c * lay.in_plane + (it * in[1] + ih) * in[2] + iw : int64_t(-1));
      if (++ow == out[2]) {
        ow = 0;
        if (++oh == out[1]) oh = 0, ++ot;
      }
    }
  }
}

// The column tile for output positions [l0, l0 + nl) of one sample and group, as a matrix.
template <typename T>
MatrixView<T> column_tile(const ConvGeometry& g, const ConvLayout& lay, const T* in, int64_t l0, int64_t nl,
                          std::vector<T>& col) {
  if (lay.identity) return {in + l0, lay.in_plane, 1};
  col.resize(size_t(lay.k * nl));
  for_each_column_entry(g, lay, l0, nl,
                        [&](int64_t r, int64_t l, int64_t at) { col[size_t(r * nl + l)] = at >= 0 ? in[at] : T(0); });
  return {col.data(), nl, 1};
}

template <typename T>
void conv_forward_kernel(const ConvForwardArgs& f) {
  const ConvGeometry& g = f.geometry;
  const ConvLayout lay(g);
  const T* bias = static_cast<const T*>(f.bias);
  std::vector<T> col;
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t gi = 0; gi < g.groups; ++gi) {
      const T* in = static_cast<const T*>(f.input) + (n * g.in_channels + gi * lay.cin_g) * lay.in_plane;
      const T* w = static_cast<const T*>(f.weight) + gi * lay.cout_g * lay.k;
      T* out = static_cast<T*>(f.output) + (n * g.out_channels + gi * lay.cout_g) * lay.out_len;
      if (bias) {
        for (int64_t o = 0; o < lay.cout_g; ++o)
          std::fill(out + o * lay.out_len, out + (o + 1) * lay.out_len, bias[gi * lay.cout_g + o]);
      }
      for (int64_t l0 = 0; l0 < lay.out_len; l0 += lay.tile) {
        const int64_t nl = std::min(lay.tile, lay.out_len - l0);
        MatrixView<T> cols = column_tile(g, lay, in, l0, nl, col);
        gemm_matrix<T>(lay.cout_g, nl, lay.k, T(1), {w, lay.k, 1}, cols, bias ? T(1) : T(0),
                       {out + l0, lay.out_len, 1});
      }
    }
  }
}

template <typename T>
void conv_backward_weight_kernel(const ConvBackwardWeightArgs& a) {
  const ConvGeometry& g = a.geometry;
  const ConvLayout lay(g);
  T* gw_all = static_cast<T*>(a.grad_weight);
  std::fill(gw_all, gw_all + g.out_channels * lay.k, T(0));
  std::vector<T> col;
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t gi = 0; gi < g.groups; ++gi) {
      const T* in = static_cast<const T*>(a.input) + (n * g.in_channels + gi * lay.cin_g) * lay.in_plane;
      const T* go = static_cast<const T*>(a.grad_output) + (n * g.out_channels + gi * lay.cout_g) * lay.out_len;
      T* gw = gw_all + gi * lay.cout_g * lay.k;
      for (int64_t l0 = 0; l0 < lay.out_len; l0 += lay.tile) {
        const int64_t nl = std::min(lay.tile, lay.out_len - l0);
        MatrixView<T> cols = column_tile(g, lay, in, l0, nl, col);
        MatrixView<T> cols_t{cols.data, cols.col_stride, cols.row_stride};  // [nl, k]
        gemm_matrix<T>(lay.cout_g, lay.k, nl, T(1), {go + l0, lay.out_len, 1}, cols_t, T(1), {gw, lay.k, 1});
      }
    }
  }
}

template <typename T>
void conv_backward_input_kernel(const ConvBackwardInputArgs& a) {
  const ConvGeometry& g = a.geometry;
  const ConvLayout lay(g);
  T* gi_all = static_cast<T*>(a.grad_input);
  std::fill(gi_all, gi_all + g.batch * g.in_channels * lay.in_plane, T(0));
  std::vector<T> col;
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t gi = 0; gi < g.groups; ++gi) {
      T* gin = gi_all + (n * g.in_channels + gi * lay.cin_g) * lay.in_plane;
      const T* go = static_cast<const T*>(a.grad_output) + (n * g.out_channels + gi * lay.cout_g) * lay.out_len;
      MatrixView<T> w_t{static_cast<const T*>(a.weight) + gi * lay.cout_g * lay.k, 1, lay.k};  // [k, cout_g]
      for (int64_t l0 = 0; l0 < lay.out_len; l0 += lay.tile) {
        const int64_t nl = std::min(lay.tile, lay.out_len - l0);
        MatrixView<T> go_tile{go + l0, lay.out_len, 1};
        if (lay.identity) {  // each input element meets exactly one output position
          gemm_matrix<T>(lay.k, nl, lay.cout_g, T(1), w_t, go_tile, T(0), {gin + l0, lay.in_plane, 1});
          continue;
        }
        col.resize(size_t(lay.k * nl));
        gemm_matrix<T>(lay.k, nl, lay.cout_g, T(1), w_t, go_tile, T(0), {col.data(), nl, 1});
        for_each_column_entry(g, lay, l0, nl, [&](int64_t r, int64_t l, int64_t at) {
          if (at >= 0) gin[at] += col[size_t(r * nl + l)];
        });
      }
    }
  }
}

// The plan (see the Note): whether this geometry runs the direct kernels.
template <typename T>
bool direct_forward_planned(const ConvGeometry& g) {
  if constexpr (!std::is_floating_point_v<T>) {
    return false;
  } else {
    const ConvAlgorithm forced = conv_algorithm();
    if (forced == ConvAlgorithm::gemm || !direct_conv_applies(g, sizeof(T))) return false;
    return forced == ConvAlgorithm::direct || direct_conv_preferred(g);
  }
}

// f with its input gathered into `buffer` in the contiguous layout (Note [Strided conv input]).
template <typename T>
ConvForwardArgs with_contiguous_input(const ConvForwardArgs& f, std::vector<T>& buffer) {
  const ConvGeometry& g = f.geometry;
  const int64_t block = volume(g.in_size);
  const std::array<int64_t, 2> s = f.input_strides();
  buffer.resize(size_t(g.batch * g.in_channels * block));
  const T* x = static_cast<const T*>(f.input);
  for (int64_t n = 0; n < g.batch; ++n)
    for (int64_t c = 0; c < g.in_channels; ++c) {
      const T* src = x + n * s[0] + c * s[1];
      std::copy(src, src + block, buffer.data() + (n * g.in_channels + c) * block);
    }
  ConvForwardArgs contiguous = f;
  contiguous.input = buffer.data();
  contiguous.input_sample_stride = contiguous.input_channel_stride = -1;
  return contiguous;
}

template <typename T>
void conv_forward(const ConvForwardArgs& f) {
  if constexpr (std::is_floating_point_v<T>) {
    if (direct_forward_planned<T>(f.geometry)) return direct_conv_forward<T>(f);
  }
  if (f.input_contiguous()) return conv_forward_kernel<T>(f);
  std::vector<T> buffer;
  conv_forward_kernel<T>(with_contiguous_input(f, buffer));
}

template <typename T>
void conv_backward_input(const ConvBackwardInputArgs& a) {
  if (direct_forward_planned<T>(a.geometry) && direct_conv_backward_input<T>(a)) return;
  conv_backward_input_kernel<T>(a);
}

template <typename T>
void conv_backward_weight(const ConvBackwardWeightArgs& a) {
  const ConvGeometry& g = a.geometry;
  const ConvAlgorithm forced = conv_algorithm();
  const bool unit = g.stride == Dims3{1, 1, 1} && g.dilation == Dims3{1, 1, 1};
  if (unit && forced != ConvAlgorithm::gemm && (forced == ConvAlgorithm::direct || direct_conv_preferred(g)))
    return direct_conv_backward_weight<T>(a);
  conv_backward_weight_kernel<T>(a);
}

}  // namespace

void register_conv_kernels() {
  register_kernel<OpKind::conv_forward>(kCPU, kFloat32, &conv_forward<float>);
  register_kernel<OpKind::conv_forward>(kCPU, kFloat64, &conv_forward<double>);
  register_kernel<OpKind::conv_forward>(kCPU, kInt64, &conv_forward<int64_t>);
  register_kernel<OpKind::conv_backward_input>(kCPU, kFloat32, &conv_backward_input<float>);
  register_kernel<OpKind::conv_backward_input>(kCPU, kFloat64, &conv_backward_input<double>);
  register_kernel<OpKind::conv_backward_weight>(kCPU, kFloat32, &conv_backward_weight<float>);
  register_kernel<OpKind::conv_backward_weight>(kCPU, kFloat64, &conv_backward_weight<double>);
}

CONVIS_CPU_END
