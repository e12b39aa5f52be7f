// core/io.h: NumPy .npy and .npz files.
//
//   convis::save_npy("x.npy", convis::randn({2, 3}));
//   convis::Tensor x = convis::load_npy("x.npy");              // float32 [2, 3]
//   convis::save_npz("all.npz", {{"a", a}, {"b", b}});
//   std::map<std::string, convis::Tensor> m = convis::load_npz("all.npz");
//
// Little-endian bool, int64, float32 and float64 (and, on loading, int32/uint8/float16...
// are refused with a clear Error), C order or Fortran order.  .npz archives are written
// uncompressed (stored) and read when stored; a deflated member raises an Error naming it.
// Every length and offset read from a file is checked before use: a truncated, malformed
// or hostile file throws convis::Error and never reads outside the bytes it has.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "convis/core/tensor.h"

namespace convis {

void save_npy(const std::string& path, const Tensor& t);
Tensor load_npy(const std::string& path);
// The same from and to memory (the bytes of a .npy file).
std::string to_npy_bytes(const Tensor& t);
Tensor from_npy_bytes(const std::string& bytes, const std::string& what = "npy");

void save_npz(const std::string& path, const std::map<std::string, Tensor>& tensors);
void save_npz(const std::string& path, const std::vector<std::pair<std::string, Tensor>>& tensors);
// Makes save_npz(path, {{"a", a}, {"b", b}}) unambiguous (members in the order given).
void save_npz(const std::string& path, std::initializer_list<std::pair<std::string, Tensor>> tensors);
std::map<std::string, Tensor> load_npz(const std::string& path);

}  // namespace convis
