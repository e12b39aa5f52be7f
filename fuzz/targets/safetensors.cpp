// fuzz/targets/safetensors.cpp: a safetensors file (JSON header, dtypes, shapes, offsets):
// tensors and metadata from the file, and the same bytes from memory.
#include "../fuzz_target.h"

#include "convis/nn/safetensors.h"

CONVIS_FUZZ_TARGET(safetensors, data) {
  const std::string path = fuzz::input_file(data, "safetensors");
  try {
    convis::load_safetensors_metadata(path);
  } catch (const convis::Error&) {
  }
  std::map<std::string, std::string> metadata;
  if (data.size() % 2 == 0) {
    convis::load_safetensors(path);
  } else {
    convis::from_safetensors_bytes(std::string(data), &metadata);
  }
}
