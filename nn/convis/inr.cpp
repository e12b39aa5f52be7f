// nn/convis/inr.cpp: reading and writing VirtualRetina's .inr files (Note [INR files] in inr.h).
#include "convis/nn/convis/inr.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/io.h"

namespace convis {

namespace {

constexpr size_t kBlock = 256;
constexpr const char* kMagic = "#INRIMAGE-4#{";

// The header's KEY=VALUE lines, read block by block until the block that ends with "##}".
std::map<std::string, std::string> read_header(std::ifstream& in, const std::string& path, size_t& header_bytes) {
  std::string header;
  while (true) {
    std::string block(kBlock, '\0');
    in.read(block.data(), std::streamsize(kBlock));
    CONVIS_CHECK(in.gcount() == std::streamsize(kBlock), "load_inr",
                 "expected an INRIMAGE-4 header in blocks of 256 bytes, got '{}', which ends inside its header", path);
    header += block;
    CONVIS_CHECK(header.compare(0, std::strlen(kMagic), kMagic) == 0, "load_inr",
                 "expected a file starting with #INRIMAGE-4#{{, got '{}'", path);
    if (block.find("##}") != std::string::npos) break;
    CONVIS_CHECK(header.size() < 64 * kBlock, "load_inr", "expected a header of at most 16 KiB, got '{}' without its end ##}}",
                 path);
  }
  header_bytes = header.size();
  std::map<std::string, std::string> fields;
  std::istringstream lines(header.substr(0, header.find("##}")));
  for (std::string line; std::getline(lines, line);) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) fields[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return fields;
}

int64_t dimension(const std::map<std::string, std::string>& fields, const char* key, const std::string& path) {
  auto it = fields.find(key);
  if (it == fields.end()) return 1;  // absent dims are 1 (VDIM, ZDIM of a single image)
  try {
    size_t used = 0;
    const long long v = std::stoll(it->second, &used);
    if (used == it->second.size() && v > 0 && v <= (int64_t(1) << 31)) return v;
  } catch (const std::exception&) {
  }
  throw Error(fmt::format("[load_inr] expected {} a positive size, got '{}' in '{}'", key, it->second, path));
}

// One voxel as a double, from `bytes` bytes of the given type and byte order.
double voxel(const unsigned char* p, const std::string& type, int bytes, bool big_endian) {
  uint64_t u = 0;  // the bytes as an unsigned number, least significant first
  for (int i = 0; i < bytes; ++i) u |= uint64_t(p[big_endian ? bytes - 1 - i : i]) << (8 * i);
  if (type == "float") {
    if (bytes == 4) return double(std::bit_cast<float>(uint32_t(u)));
    return std::bit_cast<double>(u);
  }
  if (type == "unsigned fixed") return double(u);
  if (bytes == 8) return double(std::bit_cast<int64_t>(u));
  const uint64_t sign = uint64_t(1) << (8 * bytes - 1);
  return (u & sign) ? double(int64_t(u) - int64_t(sign << 1)) : double(u);
}

}  // namespace

Tensor load_inr(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  CONVIS_CHECK(in.good(), "load_inr", "expected a readable file, got '{}'", path);
  in.seekg(0, std::ios::end);
  const int64_t file_bytes = int64_t(in.tellg());
  in.seekg(0);
  size_t header_bytes = 0;
  const auto fields = read_header(in, path, header_bytes);
  const int64_t X = dimension(fields, "XDIM", path), Y = dimension(fields, "YDIM", path);
  const int64_t Z = dimension(fields, "ZDIM", path), V = dimension(fields, "VDIM", path);
  CONVIS_CHECK(fields.count("XDIM") && fields.count("YDIM"), "load_inr", "expected XDIM and YDIM in '{}', got {}",
               path, fields.count("XDIM") ? "no YDIM" : "no XDIM");
  CONVIS_CHECK(V == 1, "load_inr", "expected one value per voxel (VDIM=1), got VDIM={} in '{}'", V, path);
  const std::string type = fields.count("TYPE") ? fields.at("TYPE") : "float";
  CONVIS_CHECK(type == "float" || type == "unsigned fixed" || type == "signed fixed", "load_inr",
               "expected TYPE float, unsigned fixed or signed fixed, got '{}' in '{}'", type, path);
  const std::string pixsize = fields.count("PIXSIZE") ? fields.at("PIXSIZE") : "32 bits";
  const int bits = pixsize == "8 bits" ? 8 : pixsize == "16 bits" ? 16 : pixsize == "32 bits" ? 32 : pixsize == "64 bits" ? 64 : 0;
  CONVIS_CHECK(bits != 0 && (type != "float" || bits >= 32), "load_inr",
               "expected PIXSIZE 8, 16, 32 or 64 bits (32 or 64 for float), got '{}' ({}) in '{}'", pixsize, type, path);
  const std::string cpu = fields.count("CPU") ? fields.at("CPU") : "decm";
  const bool big = cpu == "sun" || cpu == "sgi";
  CONVIS_CHECK(big || cpu == "decm" || cpu == "pc" || cpu == "alpha", "load_inr",
               "expected CPU decm, pc, alpha, sun or sgi, got '{}' in '{}'", cpu, path);
  const int bytes = bits / 8;
  // Each size is at most 2^31, so X * Y fits in 64 bits; X * Y * Z only once this has been checked.
  const bool plausible = X * Y <= (int64_t(1) << 40) / Z;
  const int64_t count = plausible ? X * Y * Z : 0;
  CONVIS_CHECK(plausible && count * bytes <= file_bytes - int64_t(header_bytes), "load_inr",
               "expected {}x{}x{} voxels of {} bytes after the header, got '{}' with {} bytes of data", X, Y, Z, bytes,
               path, file_bytes - int64_t(header_bytes));
  std::vector<unsigned char> raw(size_t(count * bytes));
  in.read(reinterpret_cast<char*>(raw.data()), std::streamsize(raw.size()));
  const bool f64 = type == "float" && bytes == 8;
  Tensor out = empty({Z, Y, X}, f64 ? kFloat64 : kFloat32);
  if (f64) {
    double* o = out.data_ptr<double>();
    for (int64_t i = 0; i < count; ++i) o[i] = voxel(raw.data() + i * bytes, type, bytes, big);
  } else {
    float* o = out.data_ptr<float>();
    for (int64_t i = 0; i < count; ++i) o[i] = float(voxel(raw.data() + i * bytes, type, bytes, big));
  }
  return out;
}

void save_inr(const std::string& path, const Tensor& frames) {
  CONVIS_CHECK(frames.defined() && (frames.dim() == 3 || (frames.dim() == 5 && frames.size(0) == 1 && frames.size(1) == 1)),
               "save_inr", "expected frames (T, X, Y) or [1, 1, T, X, Y], got {}",
               frames.defined() ? fmt::format("shape {}", frames.sizes()) : std::string("an undefined tensor"));
  const bool f64 = frames.dtype() == kFloat64;
  Tensor data = frames.detach().reshape({-1, frames.size(-2), frames.size(-1)}).to(f64 ? kFloat64 : kFloat32).contiguous();
  std::string header = fmt::format("{}\nXDIM={}\nYDIM={}\nZDIM={}\nVDIM=1\nTYPE=float\nPIXSIZE={} bits\nSCALE=2**0\nCPU=decm\n",
                                   kMagic, data.size(2), data.size(1), data.size(0), f64 ? 64 : 32);
  const size_t end = (header.size() + 4 + kBlock - 1) / kBlock * kBlock;  // room for "##}\n"
  header.resize(end - 4, '\n');
  header += "##}\n";
  // Little-endian (CPU=decm) is how this machine stores floats: the data goes out as it is.
  static_assert(std::endian::native == std::endian::little, "save_inr writes CPU=decm data as stored");
  header.append(static_cast<const char*>(data.data_ptr()), size_t(data.numel()) * (f64 ? 8 : 4));
  write_file_atomically(path, header, "save_inr");  // Note [Atomic saves]
}

}  // namespace convis
