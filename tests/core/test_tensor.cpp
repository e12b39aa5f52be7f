// Storage, TensorImpl, factories, memory statistics, devices and the dispatch table.
#include "helpers.h"

#include <sstream>

#include "convis/kernels/dispatch.h"

using namespace convis;
using convis_test::values;
using V = std::vector<double>;

TEST_CASE("factories give LibTorch's dtypes and values", "[tensor]") {
  CHECK(zeros({2, 3}).dtype() == kFloat32);
  CHECK(ones({2}, kFloat64).dtype() == kFloat64);
  CHECK(full({2}, 7).dtype() == kInt64);
  CHECK(full({2}, 7.5).dtype() == kFloat32);
  CHECK(full({2}, true).dtype() == kBool);
  CHECK(values(full({2}, 7.5)) == V{7.5, 7.5});
  CHECK(tensor({1.0, 2.0}).dtype() == kFloat32);
  CHECK(tensor({1, 2}).dtype() == kInt64);
  CHECK(tensor({true, false}).dtype() == kBool);
  CHECK(tensor({1, 2}, kFloat64).dtype() == kFloat64);
  CHECK(tensor(3.5).dim() == 0);
  CHECK(tensor(std::vector<int64_t>{4, 5}).sizes() == Shape{2});
  CHECK(values(arange(4)) == V{0, 1, 2, 3});
  CHECK(arange(4).dtype() == kInt64);
  CHECK(arange(0.0, 1.0, 0.25).dtype() == kFloat32);
  CHECK(values(arange(0.0, 1.0, 0.25)) == V{0, 0.25, 0.5, 0.75});
  CHECK(values(arange(5, 0, -2)) == V{5, 3, 1});
  CHECK(values(linspace(0, 1, 5)) == V{0, 0.25, 0.5, 0.75, 1});
  CHECK(linspace(0, 1, 1).numel() == 1);
  CHECK(values(eye(3)) == V{1, 0, 0, 0, 1, 0, 0, 0, 1});
  CHECK(values(eye(2, 3)) == V{1, 0, 0, 0, 1, 0});
  CHECK(zeros_like(eye(2), kInt64).dtype() == kInt64);
  CHECK(full_like(arange(3), 2).sizes() == Shape{3});
  CHECK(empty({0, 3}).numel() == 0);
  CHECK_THROWS_WITH(zeros({2, -1}), Catch::Contains("[empty] expected non-negative sizes, got [2, -1]"));
  CHECK_THROWS_WITH(arange(0, 5, 0), Catch::Contains("[arange] expected a non-zero step"));
  CHECK_THROWS_WITH(arange(5, 0, 1), Catch::Contains("[arange] expected the step's sign"));
}

TEST_CASE("from_blob wraps memory without copying and runs the deleter once", "[tensor]") {
  float buf[6] = {1, 2, 3, 4, 5, 6};
  Tensor t = from_blob(buf, {2, 3});
  CHECK(t.data_ptr<float>() == buf);
  t.select(0, 1).fill_(0);
  CHECK(buf[3] == 0.0f);
  Tensor strided = from_blob(buf, {3}, {2});
  CHECK(values(strided) == V{1, 3, 0});
  int deleted = 0;
  {
    Tensor owned = from_blob(buf, {6}, [&](void* p) { deleted += p == buf ? 1 : 100; });
    Tensor view = owned.view({2, 3});
    owned = Tensor();
    CHECK(deleted == 0);  // the view keeps the storage alive
  }
  CHECK(deleted == 1);
  CHECK_THROWS_WITH(t.data_ptr<double>(), Catch::Contains("[data_ptr] expected a tensor of dtype float64, got dtype float32"));
}

TEST_CASE("memory statistics count allocations, live and peak bytes", "[tensor]") {
  MemoryStats before = cpu_memory_stats();
  reset_peak_cpu_memory();
  {
    Tensor t = empty({1000}, kFloat64);
    MemoryStats during = cpu_memory_stats();
    CHECK(during.live_bytes == before.live_bytes + 8000);
    CHECK(during.allocations == before.allocations + 1);
    CHECK(during.peak_bytes >= during.live_bytes);
  }
  MemoryStats after = cpu_memory_stats();
  CHECK(after.live_bytes == before.live_bytes);
  CHECK(after.peak_bytes >= before.live_bytes + 8000);
}

TEST_CASE("metadata, item and errors on undefined tensors", "[tensor]") {
  Tensor x = arange(6).view({2, 3});
  CHECK(x.size(-1) == 3);
  CHECK(x.stride(0) == 3);
  CHECK(x.numel() == 6);
  CHECK(x.element_size() == 8);
  CHECK(x.device() == Device(kCPU));
  CHECK(x[1][2].item<int64_t>() == 5);
  CHECK(x[1][2].item<double>() == 5.0);
  CHECK_THROWS_WITH(x.item(), Catch::Contains("[item] expected a tensor with one element, got 6 elements"));
  Tensor undefined;
  CHECK_FALSE(undefined.defined());
  CHECK_THROWS_WITH(undefined.sizes(), Catch::Contains("[Tensor] expected a defined tensor"));
  CHECK_THROWS_WITH(x.size(2), Catch::Contains("[size] dim out of range"));
}

TEST_CASE("devices parse and print, dispatch failures name what is registered", "[tensor]") {
  CHECK(Device("cuda:1").index() == 1);
  CHECK(Device("cpu").is_cpu());
  CHECK(Device("cuda") == Device(kCUDA, 0));
  CHECK(Device(kCUDA, 1).str() == "cuda:1");
  CHECK_THROWS_WITH(Device("gpu"), Catch::Contains("[Device] expected \"cpu\", \"cuda\" or \"cuda:N\", got \"gpu\""));
  CHECK_THROWS_WITH(Device("cuda:x"), Catch::Contains("[Device] expected a device index"));
  CHECK(has_kernel(OpKind::copy, kCPU, kFloat32));
  CHECK_THROWS_WITH(find_kernel_raw(OpKind::copy, kCUDA, kFloat32),
                    Catch::Contains("[copy] no kernel for copy on cuda/float32; registered: cpu/bool, cpu/int64, "
                                    "cpu/float32, cpu/float64"));
  CHECK(cuda::device_count() == 0);  // these machines have no GPU
  CHECK_FALSE(cuda::is_available());
}

TEST_CASE("0-dim and empty tensors: metadata, copies, views", "[tensor]") {
  Tensor s = full({}, 2.5, kFloat64);
  CHECK(s.dim() == 0);
  CHECK(s.numel() == 1);
  CHECK(s.item<double>() == 2.5);
  CHECK(s.contiguous().is_same(s));
  Tensor e = zeros({3, 0, 2});
  CHECK(e.numel() == 0);
  CHECK(e.is_contiguous());
  CHECK(e.transpose(0, 2).clone().sizes() == Shape{2, 0, 3});
  e.fill_(1);  // nothing to write, no crash
  CHECK(e.view({0, 6}).sizes() == Shape{0, 6});
  CHECK(e.reshape({-1, 2}).sizes() == Shape{0, 2});
}

TEST_CASE("dtypes, devices and shapes print as LibTorch prints them", "[tensor]") {
  std::ostringstream os;
  os << kFloat32 << " " << kFloat64 << " " << kInt64 << " " << kBool << " " << zeros({2, 3}).scalar_type() << " "
     << zeros({2, 3}).sizes() << " " << zeros({1}).device();
  CHECK(os.str() == "Float Double Long Bool Float [2, 3] cpu");
}
