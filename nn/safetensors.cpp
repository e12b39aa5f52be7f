// nn/safetensors.cpp: writing and (defensively) reading safetensors files.
#include "convis/nn/safetensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <vector>

#include "convis/core/factory.h"
#include "convis/core/io.h"
#include "convis/core/ops.h"

namespace convis {

namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian; so is this host");

using Json = nlohmann::ordered_json;
constexpr uint64_t kMaxHeader = 100'000'000;  // Python's safetensors refuses larger headers too
constexpr const char* kMetadataKey = "__metadata__";

const char* dtype_code(DType dtype) {
  switch (dtype) {
    case kFloat32: return "F32";
    case kFloat64: return "F64";
    case kInt64: return "I64";
    case kBool: return "BOOL";
  }
  return "?";
}

std::optional<DType> dtype_from_code(const std::string& code) {
  if (code == "F32") return kFloat32;
  if (code == "F64") return kFloat64;
  if (code == "I64") return kInt64;
  if (code == "BOOL") return kBool;
  return std::nullopt;
}

// One tensor's entry in the header, validated.
struct Entry {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin, end;
};

Shape parse_shape(const std::string& name, const Json& shape) {
  CONVIS_CHECK(shape.is_array(), "load_safetensors", "expected \"shape\" of '{}' to be a list, got {}", name,
               shape.dump());
  Shape out;
  for (const Json& d : shape) {
    CONVIS_CHECK(d.is_number_unsigned() && d.get<uint64_t>() <= uint64_t(std::numeric_limits<int64_t>::max()),
                 "load_safetensors", "expected \"shape\" of '{}' to hold non-negative integers, got {}", name,
                 shape.dump());
    out.push_back(d.get<int64_t>());
  }
  return out;
}

Entry parse_entry(const std::string& name, const Json& info, uint64_t data_size) {
  CONVIS_CHECK(info.is_object() && info.contains("dtype") && info.contains("shape") && info.contains("data_offsets"),
               "load_safetensors", "expected '{}' to be an object with dtype, shape and data_offsets, got {}", name,
               info.dump());
  const Json& code = info["dtype"];
  std::optional<DType> dtype = code.is_string() ? dtype_from_code(code.get<std::string>()) : std::nullopt;
  CONVIS_CHECK(dtype.has_value(), "load_safetensors", "expected the dtype of '{}' to be F32, F64, I64 or BOOL, got {}",
               name, code.dump());
  Shape shape = parse_shape(name, info["shape"]);
  const Json& offsets = info["data_offsets"];
  CONVIS_CHECK(offsets.is_array() && offsets.size() == 2 && offsets[0].is_number_unsigned() &&
                   offsets[1].is_number_unsigned(),
               "load_safetensors", "expected \"data_offsets\" of '{}' to be [begin, end], got {}", name,
               offsets.dump());
  uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
  CONVIS_CHECK(begin <= end && end <= data_size, "load_safetensors",
               "expected the data_offsets of '{}' inside the {} data bytes, got [{}, {}]", name, data_size, begin, end);
  // Element count times dtype size, refusing overflow: the product can never exceed data_size.
  bool has_zero = std::find(shape.begin(), shape.end(), int64_t{0}) != shape.end();
  uint64_t bytes = has_zero ? 0 : uint64_t(dtype_size(*dtype));
  bool fits = true;
  for (int64_t d : shape) {
    if (has_zero || !fits) break;
    fits = bytes <= data_size / uint64_t(d);
    bytes *= uint64_t(d);
  }
  CONVIS_CHECK(fits && bytes == end - begin, "load_safetensors",
               "expected '{}' ({} of shape {}) to span {} bytes, got data_offsets [{}, {}] ({} bytes)", name,
               dtype_code(*dtype), shape, fits ? fmt::format("{}", bytes) : std::string("more than the file's"), begin,
               end, end - begin);
  return {name, *dtype, shape, begin, end};
}

// Note [Safetensors byte ranges]
// The format requires the tensors' byte ranges to cover the data exactly: sorted by start,
// each begins where the previous one ended, the first at 0 and the last at the end.  A
// file that breaks this (a gap, an overlap, trailing bytes) is refused, as Python does.
void check_tiling(std::vector<Entry> entries, uint64_t data_size) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t expected = 0;
  for (const Entry& e : entries) {
    CONVIS_CHECK(e.begin == expected, "load_safetensors",
                 "expected the data of '{}' to start at byte {} (contiguous, non-overlapping tensors), got {}", e.name,
                 expected, e.begin);
    expected = e.end;
  }
  CONVIS_CHECK(expected == data_size, "load_safetensors",
               "expected the tensors to cover all {} data bytes, got {} bytes covered", data_size, expected);
}

Tensor read_tensor(const Entry& e, const char* data) {
  Tensor t = empty(e.shape, e.dtype);
  if (e.end > e.begin) std::memcpy(t.data_ptr(), data + e.begin, e.end - e.begin);
  if (e.dtype == kBool) {  // any nonzero byte is true; keep bool storage 0/1
    auto* p = static_cast<uint8_t*>(t.data_ptr());
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = p[i] != 0;
  }
  return t;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  CONVIS_CHECK(in.good(), "load_safetensors", "expected a readable file, got '{}'", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The header JSON, parsed and checked to be an object.
Json parse_header(const std::string& bytes) {
  CONVIS_CHECK(bytes.size() >= 8, "load_safetensors", "expected at least 8 bytes (the header length), got {}",
               bytes.size());
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  CONVIS_CHECK(n <= kMaxHeader && n <= bytes.size() - 8, "load_safetensors",
               "expected a header length within the {} bytes after it, got {}", bytes.size() - 8, n);
  const char* first = bytes.data() + 8;
  Json header = Json::parse(first, first + n, nullptr, /*allow_exceptions=*/false);
  CONVIS_CHECK(!header.is_discarded() && header.is_object(), "load_safetensors",
               "expected a JSON object as header, got {} malformed bytes", n);
  return header;
}

}  // namespace

std::string to_safetensors_bytes(const TensorDict& tensors, const std::map<std::string, std::string>& metadata) {
  Json header = Json::object();
  if (!metadata.empty()) header[kMetadataKey] = metadata;
  std::vector<Tensor> data;
  uint64_t offset = 0;
  for (const auto& item : tensors) {
    const Tensor& t = item.value();
    CONVIS_CHECK(t.defined(), "save_safetensors", "expected a defined tensor, got an undefined one for '{}'",
                 item.key());
    CONVIS_CHECK(item.key() != kMetadataKey, "save_safetensors", "expected a tensor name, got the reserved '{}'",
                 item.key());
    Tensor c = t.detach().cpu().contiguous();
    uint64_t end = offset + uint64_t(c.nbytes());
    header[item.key()] = {{"dtype", dtype_code(c.dtype())},
                          {"shape", std::vector<int64_t>(c.sizes().begin(), c.sizes().end())},
                          {"data_offsets", {offset, end}}};
    offset = end;
    data.push_back(c);
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');
  uint64_t n = json.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &n, 8);
  out += json;
  out.reserve(out.size() + offset);
  for (const Tensor& c : data) out.append(static_cast<const char*>(c.data_ptr()), size_t(c.nbytes()));
  return out;
}

TensorDict from_safetensors_bytes(const std::string& bytes, std::map<std::string, std::string>* metadata) {
  Json header = parse_header(bytes);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  const char* data = bytes.data() + 8 + n;
  uint64_t data_size = bytes.size() - 8 - n;
  std::vector<Entry> entries;
  for (const auto& [name, info] : header.items()) {
    if (name == kMetadataKey) {
      CONVIS_CHECK(info.is_object(), "load_safetensors", "expected __metadata__ to be an object, got {}", info.dump());
      for (const auto& [key, value] : info.items()) {
        CONVIS_CHECK(value.is_string(), "load_safetensors", "expected __metadata__ values to be strings, got {}: {}",
                     key, value.dump());
        if (metadata) (*metadata)[key] = value.get<std::string>();
      }
      continue;
    }
    entries.push_back(parse_entry(name, info, data_size));
  }
  check_tiling(entries, data_size);
  TensorDict out("Tensor");
  for (const Entry& e : entries) out.insert(e.name, read_tensor(e, data));
  return out;
}

void save_safetensors(const std::string& path, const TensorDict& tensors,
                      const std::map<std::string, std::string>& metadata) {
  write_file_atomically(path, to_safetensors_bytes(tensors, metadata), "save_safetensors");
}

TensorDict load_safetensors(const std::string& path) { return from_safetensors_bytes(read_file(path)); }

std::map<std::string, std::string> load_safetensors_metadata(const std::string& path) {
  std::map<std::string, std::string> metadata;
  from_safetensors_bytes(read_file(path), &metadata);
  return metadata;
}

}  // namespace convis
