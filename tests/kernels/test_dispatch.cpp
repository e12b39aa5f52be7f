// The dispatch table's one list of ops (Note [One list of ops]): names, signatures and the
// run-time signature check.  (That a kernel of the wrong signature does not register at all
// is checked by compiling tests/kernels/compile_fail/wrong_signature.cpp: tests/CMakeLists.txt.)
#include <set>
#include <string>

#include "convis/kernels/dispatch.h"
#include "convis/kernels/gemm.h"
#include "convis/kernels/index.h"
#include "convis/kernels/reduce.h"
#include "convis/kernels/strided_loop.h"
#include "helpers.h"

using namespace convis;

static_assert(std::is_same_v<OpSignature<OpKind::gemm>::type, GemmKernel>);
static_assert(std::is_same_v<OpSignature<OpKind::softmax>::type, ReduceKernel>);
static_assert(has_signature<ElementwiseKernel>(OpKind::where) && !has_signature<ReduceKernel>(OpKind::where));

TEST_CASE("every op has one name, from the same list as the enum", "[kernels]") {
  std::set<std::string> names;
  for (int op = 0; op < int(OpKind::count_); ++op) names.insert(std::string(op_name(OpKind(op))));
  CHECK(names.size() == size_t(OpKind::count_));
  CHECK(op_name(OpKind::copy) == "copy");
  CHECK(op_name(OpKind::log_softmax) == "log_softmax");
  CHECK(op_name(OpKind(int(OpKind::count_) - 1)) == "bipolar_uniform");
}

TEST_CASE("a run-time lookup knows each op's signature", "[kernels]") {
  CHECK(find_kernel<ElementwiseKernel>(OpKind::add, kCPU, kFloat32) != nullptr);
  CHECK(find_kernel<OpKind::sum>(kCPU, kFloat32) != nullptr);
  int elementwise = 0, reduce = 0;
  for (int op = 0; op < int(OpKind::count_); ++op) {
    elementwise += has_signature<ElementwiseKernel>(OpKind(op));
    reduce += has_signature<ReduceKernel>(OpKind(op));
    CHECK(has_signature<ElementwiseKernel>(OpKind(op)) + has_signature<ReduceKernel>(OpKind(op)) +
              has_signature<IndexKernel>(OpKind(op)) + has_signature<GemmKernel>(OpKind(op)) <=
          1);  // at most one of them
  }
  CHECK(elementwise == int(OpKind::sum));  // every op before sum is elementwise
  CHECK(reduce == int(OpKind::index_select) - int(OpKind::sum));
#ifndef NDEBUG  // debug builds check run-time lookups too (kernels/dispatch.h)
  CHECK_THROWS_WITH(find_kernel<ReduceKernel>(OpKind::add, kCPU, kFloat32),
                    Catch::Contains("[add]") && Catch::Contains("signature not its own"));
#endif
}
