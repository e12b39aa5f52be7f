#include <cstring>

#include "helpers.h"

namespace convis_test {

std::string compare_tensors(const convis::Tensor& actual, const convis::Tensor& expected, double rtol, double atol,
                            bool check_dtype) {
  if (!actual.defined() || !expected.defined()) return "undefined tensor";
  if (actual.sizes() != expected.sizes())
    return fmt::format("shape {} != expected {}", convis::to_string(actual.sizes()),
                       convis::to_string(expected.sizes()));
  if (check_dtype && actual.dtype() != expected.dtype())
    return fmt::format("dtype {} != expected {}", convis::dtype_name(actual.dtype()),
                       convis::dtype_name(expected.dtype()));
  convis::Tensor a = actual.to(convis::kFloat64).contiguous();
  convis::Tensor e = expected.to(convis::kFloat64).contiguous();
  const double* pa = a.data_ptr<double>();
  const double* pe = e.data_ptr<double>();
  for (int64_t i = 0; i < a.numel(); ++i) {
    double x = pa[i], y = pe[i];
    bool both_nan = std::isnan(x) && std::isnan(y);
    bool same_inf = std::isinf(x) && x == y;
    if (both_nan || same_inf) continue;
    if (!(std::abs(x - y) <= atol + rtol * std::abs(y)))
      return fmt::format("element {} (flat, row-major): got {}, expected {} (|diff| {})", i, x, y,
                         std::abs(x - y));
  }
  return "";
}

}  // namespace convis_test

namespace convis_test {

std::vector<double> values(const convis::Tensor& t) {
  convis::Tensor c = t.to(convis::kFloat64, false, true).contiguous();
  const double* p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

convis::Tensor naive_mm(const convis::Tensor& a, const convis::Tensor& b) {
  using namespace convis;
  Tensor ac = a.to(kFloat64).contiguous(), bc = b.to(kFloat64).contiguous();
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  Tensor out = zeros({m, n}, kFloat64);
  const double *pa = ac.data_ptr<double>(), *pb = bc.data_ptr<double>();
  double* po = out.data_ptr<double>();
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t p = 0; p < k; ++p) po[i * n + j] += pa[i * k + p] * pb[p * n + j];
  return out;
}

bool same_bits(const convis::Tensor& a, const convis::Tensor& b) {
  if (a.sizes() != b.sizes() || a.dtype() != b.dtype()) return false;
  convis::Tensor ca = a.contiguous(), cb = b.contiguous();
  return std::memcmp(ca.data_ptr(), cb.data_ptr(), size_t(ca.nbytes())) == 0;
}

}  // namespace convis_test
