// nn/safetensors.h: the safetensors file format (Hugging Face), as Python's safetensors.
//
//   nn::OrderedDict<std::string, Tensor> m;
//   m.insert("weight", randn({4, 3}));
//   m.insert("steps", tensor({int64_t{7}}));
//   convis::save_safetensors("model.safetensors", m);        // also {"__metadata__": ...}
//   auto back = convis::load_safetensors("model.safetensors");  // same names, order, values
//
// Layout: an 8-byte little-endian header length N, N bytes of JSON
//   {"weight": {"dtype": "F32", "shape": [4, 3], "data_offsets": [0, 48]}, ...,
//    "__metadata__": {"format": "pt"}}
// (padded with spaces to a multiple of 8), then the tensors' raw little-endian bytes, back
// to back.  dtypes: F32, F64, I64, BOOL.  Loading checks everything before it reads: the
// header length against the file, the JSON, each entry's dtype, shape and offsets, that
// the byte ranges tile the data exactly (no gaps, no overlaps) and that each size is
// dtype size times element count; anything else throws convis::Error.
#pragma once

#include <map>
#include <string>

#include "convis/core/tensor.h"
#include "convis/nn/ordered_dict.h"

namespace convis {

using TensorDict = nn::OrderedDict<std::string, Tensor>;

void save_safetensors(const std::string& path, const TensorDict& tensors,
                      const std::map<std::string, std::string>& metadata = {});
TensorDict load_safetensors(const std::string& path);
// The "__metadata__" strings of a file (empty when it has none).
std::map<std::string, std::string> load_safetensors_metadata(const std::string& path);

// The same from and to memory (the bytes of a .safetensors file).
std::string to_safetensors_bytes(const TensorDict& tensors, const std::map<std::string, std::string>& metadata = {});
TensorDict from_safetensors_bytes(const std::string& bytes, std::map<std::string, std::string>* metadata = nullptr);

}  // namespace convis
