#include "grad_rows.h"

namespace convis_test {

convis::Tensor leaf64(const convis::Shape& shape, double lo, double hi) {
  convis::Generator g(uint64_t(convis::numel(shape)) * 7919 + shape.size());
  convis::Tensor t = convis::empty(shape, convis::kFloat64);
  double* p = t.data_ptr<double>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = lo + (hi - lo) * g.uniform(g.reserve(1));
  return t.requires_grad_(true);
}

void run_grad_rows(const std::vector<GradRow>& rows) {
  for (const GradRow& r : rows) {
    INFO(r.op << " / " << r.what);
    convis::autograd::GradcheckResult first = convis::autograd::gradcheck(r.fn, r.inputs);
    INFO(first.message);
    CHECK(first.ok);
    if (r.gradgrad && first.ok) {
      convis::autograd::GradcheckResult second = convis::autograd::gradgradcheck(r.fn, r.inputs);
      INFO("gradgradcheck: " << second.message);
      CHECK(second.ok);
    }
  }
}

}  // namespace convis_test
