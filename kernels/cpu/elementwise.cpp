// kernels/cpu/elementwise.cpp: elementwise CPU kernels, each a scalar functor over
// cpu::unary_loop / binary_loop (kernels/cpu/loops.h).
#include <cmath>

#include "convis/kernels/cpu/kernels.h"
#include "convis/kernels/cpu/loops.h"
#include "convis/kernels/dispatch.h"

namespace convis {

namespace {

// out (dtype T) = cast(in), in of any dtype (loop.dtypes[1]).
template <typename T>
void copy_kernel(const StridedLoop& L) {
  visit_dtype(L.dtypes[1], [&](auto tag) {
    using In = decltype(tag);
    cpu::unary_loop<T, In>(L, [](In v) { return static_cast<T>(v); });
  });
}

// out = value (params.f[0] for floating T, params.i[0] otherwise).
template <typename T>
void fill_kernel(const StridedLoop& L) {
  const T value = std::is_floating_point_v<T> ? T(L.params.f[0]) : T(L.params.i[0]);
  cpu::for_each_inner(L, [&](char** p, const int64_t* s, int64_t n) {
    for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(p[0] + i * s[0]) = value;
  });
}

}  // namespace

void register_elementwise_cpu_kernels() {
  register_kernel(OpKind::copy, kCPU, kBool, &copy_kernel<bool>);
  register_kernel(OpKind::copy, kCPU, kInt64, &copy_kernel<int64_t>);
  register_kernel(OpKind::copy, kCPU, kFloat32, &copy_kernel<float>);
  register_kernel(OpKind::copy, kCPU, kFloat64, &copy_kernel<double>);
  register_kernel(OpKind::fill, kCPU, kBool, &fill_kernel<bool>);
  register_kernel(OpKind::fill, kCPU, kInt64, &fill_kernel<int64_t>);
  register_kernel(OpKind::fill, kCPU, kFloat32, &fill_kernel<float>);
  register_kernel(OpKind::fill, kCPU, kFloat64, &fill_kernel<double>);
}

}  // namespace convis
