// A tensor-only program, linked against convis_core alone (no autograd, no nn): if core used
// anything of a higher layer, or this program did, it would not link.  It computes with the
// compute-only ops of core/native, with the comparisons (which never record, so core owns
// them), views, random numbers, .npy I/O and printing, and checks every value it computes.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "convis/core/factory.h"
#include "convis/core/generator.h"
#include "convis/core/io.h"
#include "convis/core/native/conv.h"
#include "convis/core/native/elementwise.h"
#include "convis/core/native/linalg.h"
#include "convis/core/native/reduce.h"
#include "convis/core/native/view.h"
#include "convis/core/ops.h"

using namespace convis;

namespace {
int failures = 0;
void expect(bool ok, const char* what) {
  std::cout << (ok ? "ok   " : "FAIL ") << what << "\n";
  if (!ok) ++failures;
}
}  // namespace

int main() {
  Tensor x = native::view(arange(12, kFloat64), {3, 4});  // [[0, 1, 2, 3], [4, ...], [8, ...]]
  Tensor y = native::add(native::mul(x, 2), 1, 1);          // 2x + 1
  expect(native::sum(y).item<double>() == 144.0, "sum(2x + 1) == 144");
  expect(native::sum(x, {1}, false).equal(tensor({6.0, 22.0, 38.0}, kFloat64)), "sum over dim 1 == [6, 22, 38]");
  expect(native::mean(x).item<double>() == 5.5, "mean == 5.5");
  expect(native::exp(zeros({2})).equal(ones({2})), "exp(0) == 1");

  Tensor col = native::select(native::transpose(x, 0, 1), 0, 1);  // x[:, 1], a view
  expect(col.equal(tensor({1.0, 5.0, 9.0}, kFloat64)) && col.storage() == x.storage(), "transpose + select: a view");
  expect(native::sum(native::to(gt(x, 5), kInt64)).item<int64_t>() == 6, "gt(x, 5) has 6 true entries");
  expect(argmax(y).item<int64_t>() == 11, "argmax == 11");

  Tensor m = native::mm(x, native::transpose(x, 0, 1));  // x x^T
  expect(m.sizes() == Shape{3, 3} && m.equal(native::matmul(x, native::t(x))), "mm == matmul");
  expect(native::select(native::select(m, 0, 1), 0, 2).item<double>() == 4 * 8 + 5 * 9 + 6 * 10 + 7 * 11,
         "(x x^T)[1][2] == 242");

  // A 3-D convolution with a 1x1x1 kernel of 2 is 2x.
  Tensor video = native::view(arange(24, kFloat32), {1, 1, 2, 3, 4});
  Tensor w = full({1, 1, 1, 1, 1}, 2.0);
  expect(native::conv3d(video, w, Tensor(), 1, 0, 1, 1).equal(native::mul(video, 2)), "conv3d with a 1x1x1 kernel");

  manual_seed(7);
  Tensor r1 = randn({5});
  manual_seed(7);
  expect(randn({5}).equal(r1), "manual_seed repeats randn");

  std::filesystem::path path = std::filesystem::temp_directory_path() / "convis_core_only.npy";
  save_npy(path.string(), y);
  expect(load_npy(path.string()).equal(y), "save_npy then load_npy");
  std::filesystem::remove(path);

  std::ostringstream printed;
  printed << native::view(arange(3), {1, 3});
  expect(printed.str() == " 0  1  2\n[ CPULongType{1,3} ]", "printing as LibTorch");
  std::cout << (failures == 0 ? "core-only program: all checks passed\n" : "core-only program: checks failed\n");
  return failures == 0 ? 0 : 1;
}
