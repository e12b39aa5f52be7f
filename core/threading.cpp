#include "convis/core/threading.h"

#include <omp.h>

#include "convis/core/error.h"

namespace convis {

void set_num_threads(int n) {
  CONVIS_CHECK(n >= 1, "set_num_threads", "expected at least 1 thread, got {}", n);
  omp_set_num_threads(n);
}

int get_num_threads() { return omp_get_max_threads(); }

}  // namespace convis
