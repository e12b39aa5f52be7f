// kernels/cpu/index.cpp: gather, scatter and accumulate over an IndexLoop (see Note [Index loop]).
//
// One walker visits the loop's rows (all dims but the last) with an odometer and hands each
// row to a mode-specific body.  The common case of advanced indexing and index_select, an
// index that is constant along the inner dim, computes the displacement once per row and
// then copies a plain strided (often contiguous) row.
#include <type_traits>

#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/dispatch.h"
#include "convis/kernels/index.h"

CONVIS_CPU_BEGIN

namespace {

enum class Mode { gather, scatter, accumulate };

IndexCheck check_indices(const IndexLoop& L) {
  for (int k = 0; k < L.nindices; ++k) {
    const IndexOperand& op = L.indices[k];
    const int64_t lo = L.wrap_negative ? -op.size : 0;
    for (int64_t i = 0; i < op.numel; ++i) {
      int64_t v = op.data[i];
      if (v < lo || v >= op.size) return IndexCheck{false, k, v};
    }
  }
  return IndexCheck{};
}

// Row pointers of one loop row: out, src and each index operand.
struct RowPtrs {
  char* out;
  const char* src;
  const char* idx[IndexLoop::kMaxIndices];
};

// Byte displacement of the moved operand at element j of the row (values already checked).
inline int64_t displacement(const IndexLoop& L, const RowPtrs& r, int64_t j) {
  const int last = L.ndim - 1;
  int64_t disp = 0;
  for (int k = 0; k < L.nindices; ++k) {
    const IndexOperand& op = L.indices[k];
    int64_t v = *reinterpret_cast<const int64_t*>(r.idx[k] + j * op.strides[last]);
    if (v < 0) v += op.size;  // only reachable with wrap_negative
    disp += v * op.dim_stride;
  }
  return disp;
}

template <typename T, Mode M>
inline void apply(char* out, const char* src, T alpha) {
  T& o = *reinterpret_cast<T*>(out);
  const T s = *reinterpret_cast<const T*>(src);
  if constexpr (M == Mode::accumulate) {
    o = static_cast<T>(o + alpha * s);
  } else {
    o = s;
  }
}

template <typename T, Mode M>
void run_row(const IndexLoop& L, const RowPtrs& r, int64_t n, T alpha) {
  const int last = L.ndim - 1;
  const int64_t os = L.out_strides[last], ss = L.src_strides[last];
  bool row_constant = true;  // every index operand has stride 0 along the row
  for (int k = 0; k < L.nindices; ++k) row_constant = row_constant && L.indices[k].strides[last] == 0;
  if (row_constant) {
    const int64_t disp = n > 0 ? displacement(L, r, 0) : 0;
    char* out = M == Mode::gather ? r.out : r.out + disp;
    const char* src = M == Mode::gather ? r.src + disp : r.src;
    if (os == int64_t(sizeof(T)) && ss == int64_t(sizeof(T))) {
      T* o = reinterpret_cast<T*>(out);
      const T* s = reinterpret_cast<const T*>(src);
      if constexpr (M == Mode::accumulate) {
        for (int64_t j = 0; j < n; ++j) o[j] = static_cast<T>(o[j] + alpha * s[j]);
      } else {
        for (int64_t j = 0; j < n; ++j) o[j] = s[j];
      }
      return;
    }
    for (int64_t j = 0; j < n; ++j) apply<T, M>(out + j * os, src + j * ss, alpha);
    return;
  }
  for (int64_t j = 0; j < n; ++j) {
    const int64_t disp = displacement(L, r, j);
    if constexpr (M == Mode::gather) {
      apply<T, M>(r.out + j * os, r.src + j * ss + disp, alpha);
    } else {
      apply<T, M>(r.out + j * os + disp, r.src + j * ss, alpha);
    }
  }
}

template <typename T, Mode M>
IndexCheck index_kernel(const IndexLoop& L) {
  IndexCheck check = check_indices(L);
  if (!check.ok) return check;
  int64_t total = 1;
  for (int d = 0; d < L.ndim; ++d) total *= L.sizes[d];
  if (total == 0) return check;
  T alpha = T(1);
  if constexpr (M == Mode::accumulate) alpha = std::is_floating_point_v<T> ? T(L.alpha_f) : T(L.alpha_i);
  const int last = L.ndim - 1;
  const int64_t rows = total / L.sizes[last];
  int64_t counter[IndexLoop::kMaxDims] = {};
  RowPtrs r{};
  for (int64_t row = 0; row < rows; ++row) {
    r.out = L.out;
    r.src = L.src;
    for (int k = 0; k < L.nindices; ++k) r.idx[k] = reinterpret_cast<const char*>(L.indices[k].data);
    for (int d = 0; d < last; ++d) {
      r.out += counter[d] * L.out_strides[d];
      r.src += counter[d] * L.src_strides[d];
      for (int k = 0; k < L.nindices; ++k) r.idx[k] += counter[d] * L.indices[k].strides[d];
    }
    run_row<T, M>(L, r, L.sizes[last], alpha);
    for (int d = last - 1; d >= 0; --d) {  // odometer increment over the outer dims
      if (++counter[d] < L.sizes[d]) break;
      counter[d] = 0;
    }
  }
  return check;
}

}  // namespace

void register_index_kernels() {
  register_kernel<OpKind::gather>(kCPU, kBool, &index_kernel<bool, Mode::gather>);
  register_kernel<OpKind::gather>(kCPU, kInt64, &index_kernel<int64_t, Mode::gather>);
  register_kernel<OpKind::gather>(kCPU, kFloat32, &index_kernel<float, Mode::gather>);
  register_kernel<OpKind::gather>(kCPU, kFloat64, &index_kernel<double, Mode::gather>);
  register_kernel<OpKind::index_select>(kCPU, kBool, &index_kernel<bool, Mode::gather>);
  register_kernel<OpKind::index_select>(kCPU, kInt64, &index_kernel<int64_t, Mode::gather>);
  register_kernel<OpKind::index_select>(kCPU, kFloat32, &index_kernel<float, Mode::gather>);
  register_kernel<OpKind::index_select>(kCPU, kFloat64, &index_kernel<double, Mode::gather>);
  register_kernel<OpKind::scatter>(kCPU, kBool, &index_kernel<bool, Mode::scatter>);
  register_kernel<OpKind::scatter>(kCPU, kInt64, &index_kernel<int64_t, Mode::scatter>);
  register_kernel<OpKind::scatter>(kCPU, kFloat32, &index_kernel<float, Mode::scatter>);
  register_kernel<OpKind::scatter>(kCPU, kFloat64, &index_kernel<double, Mode::scatter>);
  register_kernel<OpKind::scatter_add>(kCPU, kInt64, &index_kernel<int64_t, Mode::accumulate>);
  register_kernel<OpKind::scatter_add>(kCPU, kFloat32, &index_kernel<float, Mode::accumulate>);
  register_kernel<OpKind::scatter_add>(kCPU, kFloat64, &index_kernel<double, Mode::accumulate>);
  register_kernel<OpKind::index_add>(kCPU, kInt64, &index_kernel<int64_t, Mode::accumulate>);
  register_kernel<OpKind::index_add>(kCPU, kFloat32, &index_kernel<float, Mode::accumulate>);
  register_kernel<OpKind::index_add>(kCPU, kFloat64, &index_kernel<double, Mode::accumulate>);
}

CONVIS_CPU_END
