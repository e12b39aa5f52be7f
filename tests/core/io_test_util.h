// tests/core/io_test_util.h: small helpers shared by test_io.cpp and test_io_hostile.cpp.
//
//   std::string path = io_test::temp_path("x.npz");     // a fresh file name in the temp dir
//   std::vector<double> v = io_test::values(t);          // row-major values, read through strides
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "helpers.h"

namespace io_test {

inline std::string temp_path(const std::string& name) {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::temp_directory_path() / ("convis_io_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / (std::to_string(counter++) + "_" + name)).string();
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

// Row-major element values of any tensor, read through its strides (no kernels involved).
inline std::vector<double> values(const convis::Tensor& t) {
  std::vector<double> out;
  int64_t n = t.numel();
  std::vector<int64_t> idx(size_t(t.dim()), 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t off = t.storage_offset();
    for (int64_t d = 0; d < t.dim(); ++d) off += idx[size_t(d)] * t.stride(d);
    const char* base = static_cast<const char*>(t.storage()->data());
    convis::visit_dtype(t.dtype(), [&](auto tag) {
      using T = decltype(tag);
      out.push_back(double(reinterpret_cast<const T*>(base)[off]));
    });
    for (int64_t d = t.dim() - 1; d >= 0; --d) {
      if (++idx[size_t(d)] < t.size(d)) break;
      idx[size_t(d)] = 0;
    }
  }
  return out;
}

// Row-major int64 values (exact).
inline std::vector<int64_t> longs(const convis::Tensor& t) {
  convis::Tensor c = t.contiguous();
  const int64_t* p = c.data_ptr<int64_t>();
  return std::vector<int64_t>(p, p + c.numel());
}

}  // namespace io_test
