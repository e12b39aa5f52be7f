// kernels/cpu/recursion.cpp: the temporal recursions of the convis filters (kernels/recursion.h)
// and the bipolar cells' (kernels/bipolar.h) on the CPU: each frame's pixels are one loop, the
// columns split among threads in blocks (Note [Recursion order]: any split gives the same
// bits); the bipolar planes, whose pixels share a per-frame conductance, split by plane.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "convis/kernels/bipolar.h"
#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/cpu/parallel.h"
#include "convis/kernels/recursion.h"

CONVIS_CPU_BEGIN

namespace {

constexpr int64_t kColumnBlock = 256;  // columns a thread takes at a time: whole vectors, few blocks

// f(o, j0, j1) for every outer index o and every block [j0, j1) of the inner columns, in
// parallel; `cost` is the elements one column touches.
template <typename F>
void for_column_blocks(int64_t outer, int64_t inner, int64_t cost, F&& f) {
  const int64_t blocks = (inner + kColumnBlock - 1) / kColumnBlock;
  parallel_for(outer * blocks, cost * kColumnBlock, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      const int64_t o = b / blocks, j0 = b % blocks * kColumnBlock;
      f(o, j0, std::min(inner, j0 + kColumnBlock));
    }
  });
}

template <typename T>
void linear_recursion_kernel(const LinearRecursionArgs& a) {
  const T* x = static_cast<const T*>(a.x);
  const T* y0 = static_cast<const T*>(a.y0);
  T* y = static_cast<T*>(a.y);
  const int64_t n = a.n, inner = a.inner;
  for_column_blocks(a.outer, inner, 4 * n, [&](int64_t o, int64_t j0, int64_t j1) {
    const T b0 = T(a.b0), b1 = T(a.b1), a1 = T(a.a1), a2 = T(a.a2);  // locals: no store can alias them
    const T* xo = x + o * n * inner;
    T* yo = y + o * n * inner;
    const T* start = y0 ? y0 + o * inner : xo;  // xo: never read (has_y1 is false)
    for (int64_t i = 0; i < n; ++i) {
      const T* xi = xo + i * inner;
      const T* x1 = i >= 1 ? xi - inner : xi;
      const T* y1 = i >= 1 ? yo + (i - 1) * inner : start;
      const T* y2 = i >= 2 ? yo + (i - 2) * inner : start;
      const bool has_y1 = i >= 1 || y0, has_y2 = i >= 2 || (i == 1 && y0);
      T* yi = yo + i * inner;
      for (int64_t j = j0; j < j1; ++j)
        yi[j] = recursion::linear_step(b0, b1, a1, a2, xi[j], x1[j], y1[j], y2[j], i >= 1, has_y1, has_y2);
    }
  });
}

template <typename T>
void first_order_stream_kernel(const FirstOrderStreamArgs& f) {
  const T* x = static_cast<const T*>(f.x);
  const T* previous = static_cast<const T*>(f.previous);
  T* state = static_cast<T*>(f.state);
  T* out = static_cast<T*>(f.out);
  const int64_t n = f.n, inner = f.inner;
  for_column_blocks(f.outer, inner, 3 * n, [&](int64_t o, int64_t j0, int64_t j1) {
    const recursion::FirstOrder<T> c(f);  // a local: no store can alias it
    const T* xo = x + o * n * inner;
    T* so = state + o * inner;
    T* oo = out + o * n * inner;
    for (int64_t i = 0; i < n; ++i) {
      const T* xi = xo + i * inner;
      const T* xp = !previous ? xi : i == 0 ? previous + o * inner : xi - inner;
      T* oi = oo + i * inner;
      const bool has_y1 = i > 0 || !f.fresh;
      for (int64_t j = j0; j < j1; ++j) oi[j] = recursion::first_order_step(c, xi[j], xp[j], has_y1, so[j]);
    }
  });
}

template <typename T>
void bipolar_uniform_kernel(const BipolarArgs& a) {
  const int64_t n = a.frames * a.pixels;
  parallel_for(a.planes, 8 * n, [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const T* in = static_cast<const T*>(a.input) + plane * n;
      T* out = static_cast<T*>(a.out) + plane * n;
      T* v = static_cast<T*>(a.v) + plane * a.pixels;
      T* q = static_cast<T*>(a.q) + plane * a.pixels;
      for (int64_t t = 0; t < a.frames; ++t) {
        const double g = a.g_leak + double(q[0]), decay = std::exp(-a.dt * g);
        for (int64_t p = 0; p < a.pixels; ++p) out[t * a.pixels + p] = bipolar::step(a, g, decay, in[t * a.pixels + p], v[p], q[p]);
      }
    }
  });
}

}  // namespace

void register_recursion_kernels() {
  register_kernel<OpKind::linear_recursion>(kCPU, kFloat32, &linear_recursion_kernel<float>);
  register_kernel<OpKind::linear_recursion>(kCPU, kFloat64, &linear_recursion_kernel<double>);
  register_kernel<OpKind::first_order_stream>(kCPU, kFloat32, &first_order_stream_kernel<float>);
  register_kernel<OpKind::first_order_stream>(kCPU, kFloat64, &first_order_stream_kernel<double>);
  register_kernel<OpKind::bipolar_uniform>(kCPU, kFloat32, &bipolar_uniform_kernel<float>);
  register_kernel<OpKind::bipolar_uniform>(kCPU, kFloat64, &bipolar_uniform_kernel<double>);
}

CONVIS_CPU_END
