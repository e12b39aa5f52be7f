// Indexing on CUDA tensors (kernels/cuda/index_ops.cuh, Note [CUDA indexing order]) against the
// CPU's: index_select, gather, scatter and scatter_add with repeated destinations (later writes
// win, sums in order: the CPU's bits), index_add, advanced and boolean indexing, index_put_,
// the error for an index out of range (nothing written), and gradients through them.  Run by
// cuda/test_cuda_index_emulated (CONVIS_CUDA_EMULATOR=1) and on a GPU.
#include "cuda/device_compare.h"

using namespace convis;
using namespace convis_test;
using namespace convis::indexing;

namespace {

void check_same(const Tensor& device, const Tensor& host) { check_device(device, host, false); }

}  // namespace

TEST_CASE("CUDA gathers and scatters give the CPU's values", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  for (DType dtype : {kBool, kInt64, kFloat32, kFloat64}) {
    INFO(dtype_name(dtype));
    const Tensor x = values(dtype, {5, 6, 7}, 0.25);
    const Tensor rows = tensor(std::vector<int64_t>{4, 0, 0, 2}), dx = x.cuda(), drows = rows.cuda();
    check_same(index_select(dx, 0, drows), index_select(x, 0, rows));
    check_same(index_select(dx.transpose(0, 2), 2, drows), index_select(x.transpose(0, 2), 2, rows));
    const Tensor where_from = remainder(arange(0, 5 * 3 * 7, 1, TensorOptions(kInt64)) * 7, 6).reshape({5, 3, 7});
    check_same(gather(dx, 1, where_from.cuda()), gather(x, 1, where_from));
    // Repeated destinations: the later write wins, as on the CPU.
    const Tensor src = values(dtype, {5, 3, 7}, -0.5);
    check_same(scatter(dx, 1, where_from.cuda(), src.cuda()), scatter(x, 1, where_from, src));
    check_same(scatter(dx, 1, where_from.cuda(), 1), scatter(x, 1, where_from, 1));
    check_same(dx.index({drows, Slice(), 3}), x.index({rows, Slice(), 3}));
    check_same(dx.index({dx.sum(2).gt(0)}), x.index({x.sum(2).gt(0)}));
    if (dtype == kBool) continue;
    check_same(scatter_add(dx, 1, where_from.cuda(), src.cuda()), scatter_add(x, 1, where_from, src));
    const Tensor source = values(dtype, {4, 6, 7}, 0.75);
    check_same(index_add(dx, 0, drows, source.cuda(), 2), index_add(x, 0, rows, source, 2));
    Tensor put_host = x.clone(), put_device = dx.clone();
    put_host.index_put_({rows}, values(dtype, {6, 7}, 0.1));
    put_device.index_put_({drows}, values(dtype, {6, 7}, 0.1).cuda());
    check_same(put_device, put_host);
  }
}

TEST_CASE("a CUDA index out of range is the CPU's Error, and nothing is written", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const Tensor x = values(kFloat32, {4, 3}).cuda();
  const Tensor bad = tensor(std::vector<int64_t>{1, 3, 4, -1}).cuda();
  CHECK_THROWS_WITH(index_select(x, 0, bad), Catch::Contains("[index_select]") && Catch::Contains("4"));
  Tensor target = zeros({4, 3}).cuda();
  CHECK_THROWS_WITH(target.scatter_(0, tensor(std::vector<int64_t>{0, 7, 1}).reshape({1, 3}).cuda(), 5.0),
                    Catch::Contains("7"));
  CHECK(equal(target.cpu(), zeros({4, 3})));
  CHECK(equal(x.index({tensor(std::vector<int64_t>{-1})}).cpu(), x.cpu().index({tensor(std::vector<int64_t>{-1})})));
}

TEST_CASE("gradients through CUDA indexing", "[cuda_tensor]") {
  REQUIRE_DEVICE_OR_RETURN();
  const Tensor x0 = finite(values(kFloat64, {6, 5}, 0.2), 0.5);
  const Tensor rows = tensor(std::vector<int64_t>{5, 1, 1, 0, 5});
  const Tensor cols = remainder(arange(0, 30, 1, TensorOptions(kInt64)) * 3, 5).reshape({6, 5});
  auto loss = [&](const Tensor& x, const Tensor& r, const Tensor& c) {
    return (index_select(x, 0, r) * 2).square().sum() + gather(x, 1, c).sum() + x.index({r, 2}).sum();
  };
  Tensor host = x0.clone().requires_grad_(true), device = x0.cuda().requires_grad_(true);
  loss(host, rows, cols).backward();
  loss(device, rows.cuda(), cols.cuda()).backward();
  REQUIRE(device.grad().defined());
  const std::string diff = difference(device.grad(), host.grad(), true);
  INFO(diff);
  CHECK(diff.empty());
}
