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
#include <string_view>
#include <vector>

#include "convis/core/tensor.h"

namespace convis {

// Note [Atomic saves]
// Every save of the library (save_npy, save_npz, save_safetensors, Module::save, a Layer's
// save_parameters, optimizer state) goes through write_file_atomically: the bytes go to a
// hidden temporary file in the target's folder (".<name>.tmp-<pid>-<n>"), are flushed to the
// disk (fsync), and only then does rename() put the file in place, which POSIX makes atomic.
// So a reader sees the old file or the new one, never a part; a failed write (a full disk, a
// file size limit, an I/O error) throws a convis::Error naming the file, the bytes written and
// the system's reason, removes the temporary file and leaves the old file as it was.  A new
// file takes the old one's permission bits (else 0666 less the umask); a symbolic link is
// followed, so the file it points to is replaced, not the link.
void write_file_atomically(const std::string& path, std::string_view bytes, const char* op = "write_file_atomically");

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
