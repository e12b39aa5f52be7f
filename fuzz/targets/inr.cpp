// fuzz/targets/inr.cpp: VirtualRetina's .inr images (text header in 256-byte blocks, then
// voxels) through load_inr and the InrReader stream.
#include "../fuzz_target.h"

#include "convis/nn/convis/inr.h"

CONVIS_FUZZ_TARGET(inr, data) {
  const std::string path = fuzz::input_file(data, "inr");
  if (data.size() % 2 == 0) {
    convis::load_inr(path);
  } else {
    convis::streams::InrReader reader(path);
    while (reader.remaining().value_or(0) > 0) reader.get(2);
  }
}
