// kernels/cpu/transpose.h: copying a transposed view into contiguous memory tile by tile.
//
//   Tensor y = x.t().contiguous();   // copy_kernel -> try_blocked_transpose
//
// Note [Blocked transpose]
// The plain strided loop writes the output row by row, so for a transposed input it reads
// one element per cache line: each line is fetched again for each of its 16 floats, long
// after it left the cache.  When the loop's last two dims are a transpose (the output's
// inner dim contiguous, the input's contiguous along the dim before it) we copy
// kTile x kTile tiles instead: a tile's 32 input lines and 32 output lines stay in L1 while
// all of their elements are used.  Any dims before the last two are walked outside; the
// tiles of a big copy are split over threads (each element is written once, so the split
// does not matter).  Only a same-dtype copy takes this path.
#pragma once

#include <algorithm>
#include <cstdint>

#include "convis/kernels/cpu/capability.h"
#include "convis/kernels/cpu/parallel.h"
#include "convis/kernels/strided_loop.h"

CONVIS_CPU_BEGIN

inline constexpr int64_t kTile = 32;

// out(i, j) = in(i, j) for an R x C block: out strides (os, 1), in strides (1, is), elements.
template <typename T>
void transpose_block(T* out, int64_t os, const T* in, int64_t is, int64_t rows, int64_t cols) {
  for (int64_t i0 = 0; i0 < rows; i0 += kTile)
    for (int64_t j0 = 0; j0 < cols; j0 += kTile) {
      const int64_t i1 = std::min(rows, i0 + kTile), j1 = std::min(cols, j0 + kTile);
      for (int64_t j = j0; j < j1; ++j)
        for (int64_t i = i0; i < i1; ++i) out[i * os + j] = in[i + j * is];
    }
}

// Runs the copy as tiles and returns true when L is a transpose in its last two dims (see
// the Note); returns false, having done nothing, otherwise.
template <typename T>
bool try_blocked_transpose(const StridedLoop& L) {
  constexpr int64_t sz = sizeof(T);
  if (L.ndim < 2 || L.ndim > 3 || L.dtypes[0] != L.dtypes[1]) return false;
  const int r = L.ndim - 2, c = L.ndim - 1;
  if (L.strides[0][c] != sz || L.strides[1][r] != sz || L.strides[1][c] % sz != 0 || L.strides[0][r] % sz != 0)
    return false;
  const int64_t rows = L.sizes[r], cols = L.sizes[c], batches = L.ndim == 3 ? L.sizes[0] : 1;
  if (rows < kTile || cols < kTile) return false;
  const int64_t os = L.strides[0][r] / sz, is = L.strides[1][c] / sz;
  const int64_t row_tiles = (rows + kTile - 1) / kTile;
  parallel_for(batches * row_tiles, kTile * cols, [&](int64_t q0, int64_t q1) {
    for (int64_t q = q0; q < q1; ++q) {
      const int64_t b = q / row_tiles, i0 = (q % row_tiles) * kTile;
      T* out = reinterpret_cast<T*>(L.data[0] + (L.ndim == 3 ? b * L.strides[0][0] : 0)) + i0 * os;
      const T* in = reinterpret_cast<const T*>(L.data[1] + (L.ndim == 3 ? b * L.strides[1][0] : 0)) + i0;
      transpose_block(out, os, in, is, std::min(kTile, rows - i0), cols);
    }
  });
  return true;
}

CONVIS_CPU_END
