// Uses the installed package the way an embedding program would.
#include <convis/convis.h>

#include <iostream>

int main() {
  convis::Tensor a = convis::arange(6, convis::kFloat64).view({2, 3});
  convis::Tensor b = a.t().contiguous();
  double v = b.select(0, 2).select(0, 1).item<double>();  // b[2][1] == a[1][2] == 5
  std::cout << "consumer ok: " << v << " " << b.sizes() << "\n";
  return v == 5.0 ? 0 : 1;
}
