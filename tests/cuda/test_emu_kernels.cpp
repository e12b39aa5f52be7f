// The CUDA kernels (kernels/cuda/*.cuh) run through the emulator against the CPU ops on odd
// shapes, broadcasts and strides, in forward and reverse thread order: elementwise (strided and
// contiguous), the deterministic sum, and conv3d for one channel.
#include <cstring>
#include <vector>

#include "cuda/emu_order.h"
#include "helpers.h"

#include "convis/core/ops.h"
#include "convis/kernels/cuda/conv3d.cuh"
#include "convis/kernels/cuda/elementwise.cuh"
#include "convis/kernels/cuda/reduce.cuh"

using namespace convis;
using namespace convis::cuda_kernels;
using convis_test::same_bits;
namespace emu = convis::cuda_emu;

namespace {

// The kernel's view of out = a op b: sizes of out, element strides of each (0 where broadcast).
BinaryStrides strides_of(const Tensor& out, const Tensor& a, const Tensor& b) {
  BinaryStrides s;
  s.dims = int(out.dim());
  Tensor ea = a.expand(out.sizes()), eb = b.expand(out.sizes());
  for (int d = 0; d < s.dims; ++d) {
    s.sizes[d] = out.size(d);
    s.out[d] = out.stride(d), s.a[d] = ea.stride(d), s.b[d] = eb.stride(d);
  }
  return s;
}

template <typename T>
Tensor sum_on_emulator(const Tensor& x) {
  const std::int64_t n = x.numel(), chunk = sum_chunk(n), blocks = (n + chunk - 1) / chunk;
  std::vector<T> partial(static_cast<size_t>(blocks)), total(1);
  klaunch(sum_blocks<T>, dim3(unsigned(blocks)), dim3(kReduceThreads), 0, x.data_ptr<T>(), n, chunk, partial.data());
  klaunch(sum_blocks<T>, dim3(1), dim3(kReduceThreads), 0, static_cast<const T*>(partial.data()), blocks, blocks,
          total.data());
  return scalar_tensor(double(total[0]), TensorOptions().dtype(x.dtype()));
}

}  // namespace

TEST_CASE("cuda kernels (emulated): binary ops with broadcasts and strided outputs equal the CPU ops bit for bit",
          "[cuda_emu]") {
  convis_test::EmuOrderGuard order;
  manual_seed(11);
  Tensor a = randn({3, 1, 5}), b = randn({1, 4, 5}) + 2.0;
  for (bool reverse : {false, true}) {
    emu::config().reverse = reverse;
    for (int op = 0; op < 5; ++op) {
      INFO("op " << op << (reverse ? " in reverse order" : ""));
      Tensor want = op == 0 ? a + b : op == 1 ? a - b : op == 2 ? a * b : op == 3 ? a / b : maximum(a, b);
      // the output strided: a transposed view of a (5, 4, 3) buffer
      Tensor buffer = full({5, 4, 3}, -7.0), out = buffer.permute({2, 1, 0});
      const BinaryStrides s = strides_of(out, a, b);
      float* o = out.data_ptr<float>();
      const float *pa = a.data_ptr<float>(), *pb = b.data_ptr<float>();
      const auto blocks = dim3(elementwise_blocks(60, 1));  // one block: the grid-stride loop runs
      if (op == 0) klaunch(binary_strided<float, AddOp>, blocks, dim3(32), 0, o, pa, pb, s, int64_t(60), AddOp{});
      if (op == 1) klaunch(binary_strided<float, SubOp>, blocks, dim3(32), 0, o, pa, pb, s, int64_t(60), SubOp{});
      if (op == 2) klaunch(binary_strided<float, MulOp>, blocks, dim3(32), 0, o, pa, pb, s, int64_t(60), MulOp{});
      if (op == 3) klaunch(binary_strided<float, DivOp>, blocks, dim3(32), 0, o, pa, pb, s, int64_t(60), DivOp{});
      if (op == 4) klaunch(binary_strided<float, MaxOp>, blocks, dim3(32), 0, o, pa, pb, s, int64_t(60), MaxOp{});
      CHECK(same_bits(out, want));
    }
  }
  Tensor x = randn({1000}, kFloat64), y = randn({1000}, kFloat64), z = empty({1000}, kFloat64);
  klaunch(binary_contiguous<double, MulOp>, dim3(elementwise_blocks(1000)), dim3(kElementwiseThreads), 0,
          z.data_ptr<double>(), static_cast<const double*>(x.data_ptr<double>()),
          static_cast<const double*>(y.data_ptr<double>()), int64_t(1000), MulOp{});
  CHECK(same_bits(z, x * y));
  Tensor nan = tensor({std::nan(""), 1.0, -2.0}), other = tensor({0.0, std::nan(""), -3.0}), got = empty({3});
  klaunch(binary_contiguous<float, MaxOp>, dim3(1), dim3(32), 0, got.data_ptr<float>(),
          static_cast<const float*>(nan.data_ptr<float>()), static_cast<const float*>(other.data_ptr<float>()),
          int64_t(3), MaxOp{});
  CHECK(std::isnan(got[0].item<double>()));
  CHECK(std::isnan(got[1].item<double>()));
  CHECK(got[2].item<double>() == -2.0);
}

TEST_CASE("cuda kernels (emulated): the sum is deterministic and close to the float64 sum", "[cuda_emu]") {
  convis_test::EmuOrderGuard order;
  manual_seed(12);
  for (int64_t n : {1, 31, 2048, 2049, 12345, 300001}) {
    Tensor x = randn({n});
    emu::config().reverse = false;
    Tensor forward = sum_on_emulator<float>(x);
    emu::config().reverse = true;
    Tensor reverse = sum_on_emulator<float>(x);
    INFO("n = " << n);
    CHECK(same_bits(forward, reverse));  // the order is fixed by n alone (Note [Deterministic CUDA sum])
    CHECK(std::abs(forward.item<double>() - x.to(kFloat64).sum().item<double>()) < 1e-6 * double(n) + 1e-5);
    Tensor xd = x.to(kFloat64);
    CHECK(std::abs(sum_on_emulator<double>(xd).item<double>() - xd.sum().item<double>()) < 1e-12 * double(n));
  }
}

TEST_CASE("cuda kernels (emulated): conv3d of one channel equals the CPU conv3d on odd shapes", "[cuda_emu]") {
  convis_test::EmuOrderGuard order;
  manual_seed(13);
  struct Case {
    int batch, t, h, w, kt, kh, kw;
  };
  for (const Case& c : {Case{2, 6, 19, 23, 3, 5, 4}, Case{1, 4, 33, 17, 1, 7, 7}, Case{1, 9, 5, 40, 9, 1, 1}}) {
    for (DType dt : {kFloat32, kFloat64}) {
      Tensor x = randn({c.batch, 1, c.t, c.h, c.w}, dt), w = randn({1, 1, c.kt, c.kh, c.kw}, dt);
      Tensor want = conv3d(x, w);
      const ConvSizes s{c.batch, c.t, c.h, c.w, c.kt, c.kh, c.kw};
      for (bool reverse : {false, true}) {
        emu::config().reverse = reverse;
        Tensor y = full(want.sizes(), -99.0, dt);
        if (dt == kFloat32)
          klaunch(conv3d_one_channel<float>, conv3d_grid(s), dim3(kConvTile, kConvTile), conv3d_shared_bytes<float>(s),
                  static_cast<const float*>(x.data_ptr<float>()), static_cast<const float*>(w.data_ptr<float>()),
                  y.data_ptr<float>(), s);
        else
          klaunch(conv3d_one_channel<double>, conv3d_grid(s), dim3(kConvTile, kConvTile), conv3d_shared_bytes<double>(s),
                  static_cast<const double*>(x.data_ptr<double>()), static_cast<const double*>(w.data_ptr<double>()),
                  y.data_ptr<double>(), s);
        INFO("x " << x.sizes() << ", w " << w.sizes() << " in " << dtype_name(dt) << (reverse ? ", reverse" : ""));
        const double tol = dt == kFloat32 ? 1e-5 : 1e-12;
        CHECK_ALLCLOSE_TOL(y, want, tol, tol);
      }
    }
  }
}
