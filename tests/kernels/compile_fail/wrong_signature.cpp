// Must not compile (tests/CMakeLists.txt checks that it fails, and why): a reduction kernel
// registered for an elementwise op (Note [One list of ops] in kernels/dispatch.h).
#include "convis/kernels/reduce.h"

namespace {
void my_sum(const convis::ReduceArgs&) {}
}  // namespace

void register_wrongly() {
  convis::register_kernel<convis::OpKind::add>(convis::kCPU, convis::kFloat32, &my_sum);
}
