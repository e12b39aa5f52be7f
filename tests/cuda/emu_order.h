// tests/cuda/emu_order.h: what the emulated-kernel tests share.
#pragma once

#include "convis/kernels/cuda/compat.h"

namespace convis_test {

// Restores the emulator's thread order (forward or reverse) at the end of a test.
struct EmuOrderGuard {
  bool before = convis::cuda_emu::config().reverse;
  ~EmuOrderGuard() { convis::cuda_emu::config().reverse = before; }
};

}  // namespace convis_test
