// core/threading.h: how many threads CPU kernels may use (as LibTorch's at::set_num_threads).
//
//   convis::set_num_threads(1);         // everything single-threaded from here on
//   convis::get_num_threads();          // 1
//
// Kernels that split work across threads do so with OpenMP over this many threads.  The
// numbers they produce do not depend on it (see Note [Counter-based generator] for rand).
#pragma once

namespace convis {

void set_num_threads(int n);  // n >= 1
int get_num_threads();

}  // namespace convis
