// fuzz/targets/npy.cpp: a .npy file (load_npy) and the same bytes from memory (from_npy_bytes).
#include "../fuzz_target.h"

#include "convis/core/io.h"

CONVIS_FUZZ_TARGET(npy, data) {
  if (data.size() % 2 == 0) {
    convis::load_npy(fuzz::input_file(data, "npy"));
  } else {
    convis::from_npy_bytes(std::string(data));
  }
}
