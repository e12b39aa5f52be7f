// Every public differentiable op has at least one gradcheck row (so the list cannot drift).
#include <set>

#include "grad_rows.h"
#include "convis/autograd/ops/op_list.h"

TEST_CASE("every differentiable op has a gradcheck row", "[autograd][coverage]") {
  std::set<std::string> covered;
  for (auto rows_fn : {convis_test::elementwise_grad_rows, convis_test::reduce_grad_rows,
                       convis_test::shape_grad_rows, convis_test::linalg_grad_rows})
    for (const auto& row : rows_fn()) covered.insert(row.op);
  std::vector<std::string> ops = convis::autograd::differentiable_ops();
  CHECK(ops.size() >= 60);
  std::set<std::string> unique(ops.begin(), ops.end());
  CHECK(unique.size() == ops.size());  // one name per op across the families
  for (const std::string& op : ops) {
    INFO("op without a gradcheck row: " << op);
    CHECK(covered.count(op) == 1);
  }
  for (const std::string& op : covered) {
    INFO("gradcheck row for an op missing from differentiable_ops(): " << op);
    CHECK(std::find(ops.begin(), ops.end(), op) != ops.end());
  }
}
