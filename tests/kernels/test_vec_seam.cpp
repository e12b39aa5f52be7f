// The Vec path of the binary loops (Note [The Vec seam]) against a plain loop, on lengths
// around the vector width, contiguous and strided.
#include "helpers.h"

using namespace convis;

namespace {
template <typename T>
void check_lengths(DType dt) {
  for (int64_t n = 0; n <= 2 * 32 / int64_t(sizeof(T)) + 3; ++n) {
    Tensor a = arange(n, dt) * 1.25 - 3.0;
    Tensor b = arange(n, dt) * -0.5 + 7.0;
    Tensor wide = arange(2 * n, dt) * 1.25 - 3.0;
    Tensor strided = wide.slice(0, 0, 2 * n, 2);  // the strided (scalar) path
    for (int op = 0; op < 4; ++op) {
      Tensor got = op == 0 ? a.add(b, 2) : op == 1 ? a.sub(b, 3) : op == 2 ? a * b : a / b;
      const T* pa = a.data_ptr<T>();
      const T* pb = b.data_ptr<T>();
      for (int64_t i = 0; i < n; ++i) {
        T want = op == 0   ? pa[i] + T(2) * pb[i]
                 : op == 1 ? pa[i] - T(3) * pb[i]
                 : op == 2 ? pa[i] * pb[i]
                           : pa[i] / pb[i];
        INFO("n " << n << " op " << op << " i " << i);
        CHECK(got.data_ptr<T>()[i] == want);
      }
      if (n > 0 && op == 2) CHECK(equal(strided * b, (wide * 1).slice(0, 0, 2 * n, 2).contiguous() * b));
    }
  }
}
}  // namespace

TEST_CASE("vectorised add, sub, mul, div match a plain loop at every length", "[kernels]") {
  check_lengths<float>(kFloat32);
  check_lengths<double>(kFloat64);
}
