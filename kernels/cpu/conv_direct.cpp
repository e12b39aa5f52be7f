// kernels/cpu/conv_direct.cpp: the direct convolution forward (Note [Direct convolution] in
// conv_direct.h); the backward kernels built on it are in conv_direct_backward.cpp.
#include <algorithm>
#include <array>
#include <tuple>
#include <utility>
#include <vector>

#include "convis/core/small_vector.h"

#include "convis/kernels/cpu/conv_direct.h"
#include "convis/kernels/cpu/parallel.h"
#include "convis/kernels/cpu/vec.h"

CONVIS_CPU_BEGIN

namespace {

// Register blocks per level: R output rows x V vectors of accumulators, plus V input vectors
// and a broadcast weight, within the level's registers (32 at avx512, 16 at avx2).  Short
// kernels (kR <= kChannelRows) with several output channels hold C channels x R rows x V
// vectors instead: each input vector then feeds C * R multiply-adds (Note [Direct convolution]).
// Blocks of at most kWideRows rows may be up to kWideVectors wide (Note [Blocks of few rows]).
#if CONVIS_CPU_LEVEL == 2
constexpr int kMaxRows = 7, kMaxVectors = 4, kWideRows = 3, kWideVectors = 8, kRegisters = 32;
constexpr int kChannels = 4, kChannelRows = 3, kChannelVectors = 2;
#elif CONVIS_CPU_LEVEL == 1
constexpr int kMaxRows = 5, kMaxVectors = 2, kWideRows = 2, kWideVectors = 4, kRegisters = 16;
constexpr int kChannels = 2, kChannelRows = 2, kChannelVectors = 1;
#else
constexpr int kMaxRows = 3, kMaxVectors = 1, kWideRows = 1, kWideVectors = 4, kRegisters = 16;
constexpr int kChannels = 2, kChannelRows = 1, kChannelVectors = 1;
#endif
// Independent FMA chains that keep the FMA units busy: two units x four cycles of latency.
constexpr int kChains = 8;

// Note [Blocks of few rows]
// Each accumulator of a block is one FMA chain: R x V chains, each waiting four cycles for its
// previous FMA.  A plane of one output row (a pure temporal kernel given one output frame, as
// a stream frame by frame runs it) had R = 1 and V = 1 on a 400-pixel frame (V = 1 computes the
// fewest columns): one chain, a quarter of the FMA rate (the Retina's ganglion transient frame
// by frame, 3.6 us a frame).  So blocks of few rows may be wider, and the shape is chosen by
// columns computed times the chains missing: R = 1 takes V = 8 on 400 columns (512 computed,
// 8 chains).  The order of each output's sum does not depend on the block, so neither do the bits.

// Note [One tap per row]
// GCC keeps the R x V accumulators in registers within the innermost loop only, and reloads
// and reshuffles them around it (seen in the disassembly).  So a row's taps are one flat loop
// over a table of offsets (kW taps, or kH * kW in folded frames), never a nest: a kh / kw
// nest ran folded frames at half speed, and the flat table made plain 7x7 rows ~25% faster
// than a loop over kw of its own.  Rows of a single tap (pure temporal planes, kW = 1) would
// still reshuffle at every row, costing twice their FMAs in moves (25 GFLOP/s on one thread
// where the FMAs allow ~100): they get instances with the tap count fixed at compile time, so
// that the loop over rows becomes the inner loop.  So do channel blocks of three taps per row
// (3x3 kernels in a CNN, shape e): their three-iteration tap loop left the 24 accumulators to
// be reshuffled every row; fixed, e's forward went 6.95 -> 5.39 ms.

// One family of output planes, all of one shape (Note [Direct convolution]).  Input row r of
// layer l of the plane starting at `in` is in + layer_offset[l] + r * row_pitch; its weights
// are w + w_offset[l] + r * w_pitch.  A row's taps are `taps` input elements at tap_offset[t]
// from the output column, with weights w_row[t] (kC taps at 0 .. kC - 1 but in folded
// frames).  A work item computes the planes of C output
// channels at once: channel c's weights and output are c * w_channel and c * out_channel
// further on.  With fold_pitch > 0 a plane's row is a folded frame (Note [Folded frames]).
template <typename T>
struct PlaneProblem {
  int64_t rows, cols;             // output rows and columns of a plane
  int64_t out_pitch;              // output row stride
  int64_t row_pitch;              // input row stride
  int64_t kR;                     // tap rows per layer
  int64_t taps;                   // taps per row: kW, or kH * kW in folded frames
  const int64_t* tap_offset;      // one per tap
  const int64_t* layer_offset;    // one per layer
  const int64_t* w_offset;        // one per layer
  int64_t w_pitch;                // weight row stride
  int64_t layers;
  int64_t w_channel, out_channel;  // strides from one output channel to the next
  int64_t fold_pitch, fold_width;  // folded frames: input row pitch and output row width
};

// Input row `in` (already offset to the block's first column) feeds the output rows [Lo, Hi)
// of the block; output row i takes it as its row kh = r - i, whose weights are
// w_row - i * w_pitch.  KC > 0 fixes the taps at KC at offsets 0 .. KC - 1 (Note [One tap per
// row]).
template <typename T, int C, int R, int V, int KC, int Lo, int Hi>
[[gnu::always_inline]] inline void feed_row(Vec<T> (&acc)[C][R][V], const PlaneProblem<T>& p, const T* in,
                                            const T* w_row) {
  constexpr int W = Vec<T>::kWidth;
  const int64_t taps = KC > 0 ? KC : p.taps;
  for (int64_t t = 0; t < taps; ++t) {
    const T* tap = in + (KC > 0 ? t : p.tap_offset[t]);
    Vec<T> x[V];
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) x[v] = Vec<T>::load(tap + v * W);
#pragma GCC unroll 8
    for (int c = 0; c < C; ++c) {
#pragma GCC unroll 8
      for (int i = Lo; i < Hi; ++i) {
        const Vec<T> b(w_row[c * p.w_channel + t - i * p.w_pitch]);
#pragma GCC unroll 8
        for (int v = 0; v < V; ++v) acc[c][i][v] = fmadd(b, x[v], acc[c][i][v]);
      }
    }
  }
}

// The whole sum of one block: R rows from `row0`, V vectors from column `col0`.  R <= kR.
template <typename T, int C, int R, int V, int KC>
[[gnu::always_inline]] inline void block_sum(Vec<T> (&acc)[C][R][V], const PlaneProblem<T>& p, const T* in,
                                             const T* w) {
  const int64_t kR = p.kR, wp = p.w_pitch;
  for (int64_t l = 0; l < p.layers; ++l) {
    const T* rows = in + p.layer_offset[l];
    const T* wl = w + p.w_offset[l];
    unrolled(std::make_integer_sequence<int, R - 1>(), [&](auto r) {  // ramp up
      feed_row<T, C, R, V, KC, 0, decltype(r)::value + 1>(acc, p, rows + r * p.row_pitch, wl + r * wp);
    });
    for (int64_t r = R - 1; r < kR; ++r) feed_row<T, C, R, V, KC, 0, R>(acc, p, rows + r * p.row_pitch, wl + r * wp);
    unrolled(std::make_integer_sequence<int, R - 1>(), [&](auto j) {  // ramp down: r = kR + j
      const int64_t r = kR + j;
      feed_row<T, C, R, V, KC, decltype(j)::value + 1, R>(acc, p, rows + r * p.row_pitch, wl + r * wp);
    });
  }
}

// The part of a plane one work item computes: rows [row0, row0 + R) of which rows from
// `first_row` on are its own (the bottom block moves up: Note [Direct convolution]), and the
// column blocks starting in [col_begin, col_end).
struct PlaneBlock {
  int64_t row0, first_row, col_begin, col_end;
};

// Stores one output row of a block whose first column is col0, of which only the columns from
// `owned` on are this block's (the last block of a row moves left over its neighbour's).  In a
// folded frame, column x of the row is pixel (x / pitch, x % pitch), kept if x % pitch < width.
template <typename T, int V>
[[gnu::always_inline]] inline void store_row(const Vec<T> (&acc)[V], T* o, int64_t col0, int64_t owned,
                                             const T* bias, int64_t pitch, int64_t width) {
  constexpr int W = Vec<T>::kWidth;
  if (col0 == owned && pitch == 0) {
    for (int v = 0; v < V; ++v) (bias ? acc[v] + Vec<T>(*bias) : acc[v]).store(o + col0 + v * W);
    return;
  }
  T row[V * W];
  for (int v = 0; v < V; ++v) (bias ? acc[v] + Vec<T>(*bias) : acc[v]).store(row + v * W);
  if (pitch == 0) return void(std::copy(row + (owned - col0), row + V * W, o + owned));
  for (int64_t x = owned, end = col0 + V * W; x < end;) {  // runs of kept pixels
    const int64_t y = x / pitch, in_row = x % pitch, run_end = std::min(end, y * pitch + width);
    if (in_row < width) std::copy(row + (x - col0), row + (run_end - col0), o + y * width + in_row);
    x = (y + 1) * pitch;
  }
}

// `b` by reference: passed by value, the caller stored its four fields one by one and the
// callee read them back as one 32-byte load, which cannot be forwarded from the stores (a
// stall on every call, a tenth of a single-frame conv3d).
template <typename T, int C, int R, int V, int KC>
[[gnu::noinline]] void plane_rows(const PlaneProblem<T>& p, const T* in, const T* w, T* out, const PlaneBlock& b,
                                  const T* bias) {
  constexpr int64_t block_cols = int64_t(V) * Vec<T>::kWidth;
  for (int64_t c0 = b.col_begin; c0 < b.col_end; c0 += block_cols) {
    const int64_t col0 = std::min(c0, p.cols - block_cols);  // the last block ends at the edge
    Vec<T> acc[C][R][V];
    for (int c = 0; c < C; ++c)
      for (int i = 0; i < R; ++i)
        for (int v = 0; v < V; ++v) acc[c][i][v] = Vec<T>(T(0));
    block_sum<T, C, R, V, KC>(acc, p, in + b.row0 * p.row_pitch + col0, w);
    for (int c = 0; c < C; ++c)
      for (int i = 0; i < R; ++i)
        if (b.row0 + i >= b.first_row)
          store_row<T, V>(acc[c][i], out + c * p.out_channel + (b.row0 + i) * p.out_pitch, col0, c0,
                          bias ? bias + c : nullptr, p.fold_pitch, p.fold_width);
  }
}

template <typename T>
using PlaneRowsFn = void (*)(const PlaneProblem<T>&, const T*, const T*, T*, const PlaneBlock&, const T*);

// plane_rows for C channels and every R <= Rs, V <= Vs: table[R - 1][V - 1].
// Only the shapes block_shape may choose are instantiated: V <= MaxV, or R <= WideR.
// Only the shapes block_shape may choose are instantiated: V <= MaxV or R <= WideR, and the
// accumulators, V inputs and a weight within Regs registers (0: any).
template <typename T, int C, int KC, int MaxV, int WideR, int Regs, int... Rs, int... Vs>
constexpr auto make_block_table(std::integer_sequence<int, Rs...>, std::integer_sequence<int, Vs...> vs) {
  std::array<std::array<PlaneRowsFn<T>, sizeof...(Vs)>, sizeof...(Rs)> table{};
  unrolled(std::integer_sequence<int, Rs...>(), [&](auto r) {
    unrolled(vs, [&](auto v) {
      constexpr int R = decltype(r)::value + 1, V = decltype(v)::value + 1;
      constexpr bool fits = Regs == 0 || R * V + V + 1 <= Regs;
      if constexpr (fits && (V <= MaxV || R <= WideR)) table[R - 1][V - 1] = &plane_rows<T, C, R, V, KC>;
    });
  });
  return table;
}

// What block_shape may choose from: R <= max_rows, V <= max_vectors (wide_vectors when R <=
// wide_rows), R x V accumulators + V inputs + 1 weight <= registers (0: any limit), and
// `chains` independent FMA chains wanted (Note [Blocks of few rows]).
struct BlockLimits {
  int max_rows, max_vectors;
  int chains = 1, wide_rows = 0, wide_vectors = 0, registers = 0;
};
struct BlockShape {
  int rows, vectors;
};

// The block shape for planes of `rows` x `cols` outputs and kR tap rows: for each V, R as
// large as the limits, kR and the rows allow; the V whose blocks compute the fewest outputs
// (edge blocks overlap their neighbours) weighted by the FMA chains they have short of
// `chains`, the larger on a tie.  cols >= one vector.  (A block whose registers spill runs
// slower than a shorter one: R = 7 x V = 4 at avx512 spilled one accumulator per input row,
// and 6 x 4 ran the pure temporal c 4% faster.)
template <typename T>
BlockShape block_shape(int64_t rows, int64_t cols, int64_t kR, const BlockLimits& l) {
  constexpr int W = Vec<T>::kWidth;
  const int tallest = int(std::min<int64_t>({l.max_rows, kR, rows}));
  const int vectors = tallest <= l.wide_rows ? std::max(l.wide_vectors, l.max_vectors) : l.max_vectors;
  BlockShape s{tallest, 1};
  int64_t best = -1;
  for (int v = 1; v <= vectors && int64_t(v) * W <= cols; ++v) {
    const int r = l.registers > 0 ? std::min(tallest, (l.registers - 1 - v) / v) : tallest;
    if (r < 1) continue;
    const int64_t computed = (cols + v * W - 1) / (v * W) * (v * W) * ((rows + r - 1) / r * r);
    const int64_t cost = computed * std::max<int64_t>(l.chains, r * v) / (r * v);
    if (best < 0 || cost <= best) best = cost, s = {r, v};
  }
  return s;
}

// Every plane of the family, `channels` (1 or kChannels) output channels at a time: where(q)
// gives the input, weights, output and bias index of the q-th group of planes.
template <typename T, typename Where>
void run_planes(const PlaneProblem<T>& p, int64_t channels, int64_t planes, const Where& where, const T* bias) {
  constexpr int kVectors = std::max(kMaxVectors, kWideVectors);
  static constexpr auto table = make_block_table<T, 1, 0, kMaxVectors, kWideRows, kRegisters>(
      std::make_integer_sequence<int, kMaxRows>(), std::make_integer_sequence<int, kVectors>());
  static constexpr auto one_tap_table = make_block_table<T, 1, 1, kMaxVectors, kWideRows, kRegisters>(
      std::make_integer_sequence<int, kMaxRows>(), std::make_integer_sequence<int, kVectors>());
  static constexpr auto channel_table = make_block_table<T, kChannels, 0, kChannelVectors, 0, 0>(
      std::make_integer_sequence<int, kChannelRows>(), std::make_integer_sequence<int, kChannelVectors>());
  static constexpr auto channel3_table = make_block_table<T, kChannels, 3, kChannelVectors, 0, 0>(
      std::make_integer_sequence<int, kChannelRows>(), std::make_integer_sequence<int, kChannelVectors>());
  const bool blocked = channels > 1;
  const BlockShape s = blocked ? block_shape<T>(p.rows, p.cols, p.kR, {kChannelRows, kChannelVectors})
                               : block_shape<T>(p.rows, p.cols, p.kR,
                                                {kMaxRows, kMaxVectors, kChains, kWideRows, kWideVectors, kRegisters});
  const PlaneRowsFn<T> fn = blocked && p.taps == 3 ? channel3_table[size_t(s.rows - 1)][size_t(s.vectors - 1)]
                            : blocked              ? channel_table[size_t(s.rows - 1)][size_t(s.vectors - 1)]
                            : p.taps == 1 ? one_tap_table[size_t(s.rows - 1)][size_t(s.vectors - 1)]
                                        : table[size_t(s.rows - 1)][size_t(s.vectors - 1)];
  // Work items: (plane, row block, column chunk); columns are cut into chunks only when the
  // planes and row blocks are too few to keep the threads busy (a single frame, say).
  const int64_t block_cols = int64_t(s.vectors) * Vec<T>::kWidth;
  const int64_t row_blocks = (p.rows + s.rows - 1) / s.rows, col_blocks = (p.cols + block_cols - 1) / block_cols;
  const int64_t chunks = std::clamp<int64_t>((32 + planes * row_blocks - 1) / (planes * row_blocks), 1, col_blocks);
  const int64_t per_item = channels * s.rows * p.cols / chunks * p.layers * p.kR * p.taps;  // multiply-adds
  // Item i is (q, rb, chunk) = (i / chunks / row_blocks, i / chunks % row_blocks, i % chunks):
  // divided once per range, then counted (a dozen divisions per item were a fifth of a
  // single-frame call).
  std::array<int64_t, 34> col_begin{};  // chunks <= 32: where each column chunk starts
  for (int64_t c = 0; c <= chunks; ++c) col_begin[size_t(c)] = std::min(p.cols, col_blocks * c / chunks * block_cols);
  parallel_for(planes * row_blocks * chunks, per_item, [&](int64_t begin, int64_t end) {
    int64_t chunk = begin % chunks, rb = begin / chunks % row_blocks, q = begin / chunks / row_blocks;
    auto [in, w, out, bias_index] = where(q);
    for (int64_t item = begin; item < end; ++item) {
      const PlaneBlock b{std::min(rb * s.rows, p.rows - s.rows), rb * s.rows, col_begin[size_t(chunk)],
                         col_begin[size_t(chunk) + 1]};
      fn(p, in, w, out, b, bias ? bias + bias_index : nullptr);
      if (++chunk < chunks) continue;
      chunk = 0;
      if (++rb < row_blocks) continue;
      rb = 0;
      if (item + 1 < end) std::tie(in, w, out, bias_index) = where(++q);
    }
  });
}

}  // namespace

template <typename T>
DirectInput<T> padded_conv_input(const ConvGeometry& g, const T* x, std::array<int64_t, 2> strides,
                                 std::vector<T>& buffer) {
  const Dims3 size{g.in_size[0] + 2 * g.padding[0], g.in_size[1] + 2 * g.padding[1], g.in_size[2] + 2 * g.padding[2]};
  if (g.padding == Dims3{0, 0, 0}) return {x, size, strides[0], strides[1]};
  const int64_t block = size[0] * size[1] * size[2];
  buffer.assign(size_t(g.batch * g.in_channels * block), T(0));
  for (int64_t plane = 0; plane < g.batch * g.in_channels; ++plane) {
    const T* src = x + plane / g.in_channels * strides[0] + plane % g.in_channels * strides[1];
    T* dst = buffer.data() + plane * block + (g.padding[0] * size[1] + g.padding[1]) * size[2] + g.padding[2];
    for (int64_t t = 0; t < g.in_size[0]; ++t)
      for (int64_t y = 0; y < g.in_size[1]; ++y, src += g.in_size[2])
        std::copy(src, src + g.in_size[2], dst + (t * size[1] + y) * size[2]);
  }
  return {buffer.data(), size, g.in_channels * block, block};
}

bool direct_conv_applies(const ConvGeometry& g, size_t element_size) {
  const int64_t width = element_size == sizeof(float) ? Vec<float>::kWidth : Vec<double>::kWidth;
  const bool temporal = g.kernel[1] == 1 && g.kernel[2] == 1 && g.padding[1] == 0 && g.padding[2] == 0;
  const int64_t row = temporal ? g.out_size[1] * g.out_size[2] : g.out_size[2];
  return g.stride == Dims3{1, 1, 1} && g.dilation == Dims3{1, 1, 1} && row >= width;
}

bool direct_conv_preferred(const ConvGeometry& g) {
  const int64_t cin_g = g.in_channels / g.groups, cout_g = g.out_channels / g.groups;
  return cin_g * cout_g <= 64 || g.kernel[1] * g.kernel[2] >= 25;
}

// Note [Folded frames]
// Rows narrower than a few vectors waste lanes: a 20-pixel output row takes two 16-lane
// vectors, 32 lanes computed for 20 kept (the LN model on 20x20 frames).  A frame of the
// padded input, Hp x Wp, read as one row of Hp * Wp elements, holds what output pixel (y, x)
// needs at columns y * Wp + x + (kh * Wp + kw): so with rows = frames (kR = kT) and the
// kH * kW taps of a row at offsets kh * Wp + kw, the plane kernel computes a whole output
// frame as one "folded" row of (H_out - 1) * Wp + W_out columns, of which the Wp - W_out
// between output rows are computed and never stored (514 columns, 528 lanes, for 400 pixels).
// An input vector then feeds up to R output frames instead of R output rows.  Each output
// still sums its taps in the order (input channel, kt, kh, kw) with one FMA chain, so folded
// and plain planes give the same bits, and the choice may look at the frame count: fold when
// there are frames enough for whole register blocks and it computes clearly fewer lanes (a
// stream frame by frame keeps the plain rows, which block within the frame).
template <typename T>
bool folds_frames(const ConvGeometry& g) {
  constexpr int64_t W = Vec<T>::kWidth;
  const int64_t frames = g.out_size[0], h = g.out_size[1], w = g.out_size[2], wp = w + g.kernel[2] - 1;
  if (g.kernel[0] < kMaxRows || frames < kMaxRows || (g.kernel[1] == 1 && g.kernel[2] == 1)) return false;
  const int64_t rows = std::min<int64_t>(kMaxRows, g.kernel[1]);
  const int64_t plain = frames * ((h + rows - 1) / rows * rows) * ((w + W - 1) / W * W);
  const int64_t folded = (frames + kMaxRows - 1) / kMaxRows * kMaxRows * (((h - 1) * wp + w + W - 1) / W * W);
  return folded * 16 < plain * 15;
}

// The plane family of a geometry, with the offsets it points to; and how its planes lie in
// the output: `frames` planes per (sample, output channel), `size` elements apart.
template <typename T>
struct PlaneLayout {
  PlaneProblem<T> problem{};
  // Inline for the common sizes: a frame-by-frame call costs a few microseconds in all, and
  // three heap blocks were a tenth of it.
  SmallVector<int64_t, 16> layer_offset, w_offset, tap_offset;
  int64_t frames = 1, size = 0;
};

template <typename T>
void plane_layout(const ConvGeometry& g, const DirectInput<T>& input, PlaneLayout<T>& l) {
  const int64_t cin_g = g.in_channels / g.groups, kT = g.kernel[0], kH = g.kernel[1], kW = g.kernel[2];
  const int64_t frame = input.size[1] * input.size[2], channel = input.channel_stride;
  const int64_t out_frame = g.out_size[1] * g.out_size[2];
  PlaneProblem<T>& p = l.problem;
  if (kH == 1 && kW == 1 && g.padding[1] == 0 && g.padding[2] == 0) {  // temporal: rows are frames
    for (int64_t c = 0; c < cin_g; ++c) l.layer_offset.push_back(c * channel), l.w_offset.push_back(c * kT);
    l.tap_offset = {0};
    p = {g.out_size[0], out_frame, out_frame, frame, kT, 1, nullptr, nullptr, nullptr, 1, cin_g, 0, 0, 0, 0};
    l.size = g.out_size[0] * out_frame;
  } else if (folds_frames<T>(g)) {  // Note [Folded frames]: rows are frames, kH x kW taps per row
    const int64_t wp = input.size[2];
    for (int64_t c = 0; c < cin_g; ++c) l.layer_offset.push_back(c * channel), l.w_offset.push_back(c * kT * kH * kW);
    for (int64_t kh = 0; kh < kH; ++kh)
      for (int64_t kw = 0; kw < kW; ++kw) l.tap_offset.push_back(kh * wp + kw);
    p = {g.out_size[0], (g.out_size[1] - 1) * wp + g.out_size[2], out_frame, frame, kT, kH * kW, nullptr, nullptr, nullptr,
         kH * kW, cin_g, 0, 0, wp, g.out_size[2]};
    l.size = g.out_size[0] * out_frame;
  } else {  // spatial planes (n, co, ot): layers (ci, kt)
    for (int64_t c = 0; c < cin_g; ++c)
      for (int64_t kt = 0; kt < kT; ++kt)
        l.layer_offset.push_back(c * channel + kt * frame), l.w_offset.push_back((c * kT + kt) * kH * kW);
    for (int64_t kw = 0; kw < kW; ++kw) l.tap_offset.push_back(kw);
    p = {g.out_size[1], g.out_size[2], g.out_size[2], input.size[2], kH, kW, nullptr, nullptr, nullptr, kW, cin_g * kT,
         0, 0, 0, 0};
    l.frames = g.out_size[0], l.size = out_frame;
  }
  p.layer_offset = l.layer_offset.data(), p.w_offset = l.w_offset.data(), p.tap_offset = l.tap_offset.data();
  p.w_channel = cin_g * kT * kH * kW;
  p.out_channel = l.frames * l.size;
}

template <typename T>
void direct_conv_forward(const ConvForwardArgs& f) {
  const ConvGeometry& g = f.geometry;
  std::vector<T> buffer;
  const DirectInput<T> input = padded_conv_input(g, static_cast<const T*>(f.input), f.input_strides(), buffer);
  PlaneLayout<T> layout;
  plane_layout(g, input, layout);
  const PlaneProblem<T>& p = layout.problem;
  const T* x = input.data;
  const T* w = static_cast<const T*>(f.weight);
  T* out = static_cast<T*>(f.output);
  const int64_t cin_g = g.in_channels / g.groups, cout_g = g.out_channels / g.groups;
  const int64_t frames = layout.frames, frame = input.size[1] * input.size[2];
  const int64_t channels = cout_g % kChannels == 0 && p.kR <= kChannelRows ? kChannels : 1;
  const int64_t channel_blocks = g.out_channels / channels;
  auto where = [&](int64_t q) {
    const int64_t ot = q % frames, co = (q / frames) % channel_blocks * channels;
    const int64_t n = q / frames / channel_blocks, group = co / cout_g;
    const T* in = x + n * input.sample_stride + group * cin_g * input.channel_stride + ot * frame;
    T* o = out + ((n * g.out_channels + co) * frames + ot) * layout.size;
    return std::tuple<const T*, const T*, T*, int64_t>{in, w + co * p.w_channel, o, co};
  };
  run_planes(p, channels, g.batch * channel_blocks * frames, where, static_cast<const T*>(f.bias));
}

template DirectInput<float> padded_conv_input(const ConvGeometry&, const float*, std::array<int64_t, 2>,
                                              std::vector<float>&);
template DirectInput<double> padded_conv_input(const ConvGeometry&, const double*, std::array<int64_t, 2>,
                                               std::vector<double>&);
template void direct_conv_forward<float>(const ConvForwardArgs&);
template void direct_conv_forward<double>(const ConvForwardArgs&);

CONVIS_CPU_END
