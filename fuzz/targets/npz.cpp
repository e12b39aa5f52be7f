// fuzz/targets/npz.cpp: a .npz archive (a zip of .npy members) through load_npz.
#include "../fuzz_target.h"

#include "convis/core/io.h"

CONVIS_FUZZ_TARGET(npz, data) { convis::load_npz(fuzz::input_file(data, "npz")); }
