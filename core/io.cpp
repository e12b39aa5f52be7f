// core/io.cpp: NumPy .npy and .npz files (see core/io.h).
//
// Note [The .npy format]
//   "\x93NUMPY" major minor  header_len  header  data
// header_len is 2 bytes (version 1.0) or 4 bytes (2.0 and 3.0), little-endian.  The header is
// a Python dict literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces and a final '\n' so that the data starts at a multiple of 64 bytes.  The
// data is numel * itemsize bytes in C order, or in Fortran order (first index fastest) when
// fortran_order is True.  We parse the dict with a small strict parser rather than evaluating
// it, and check every number in it against the bytes we actually have before allocating.
#include "convis/core/io.h"

#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "convis/core/factory.h"
#include "convis/core/zip.h"
#include "convis/core/native/view.h"

namespace convis {

static_assert(std::endian::native == std::endian::little, "the .npy reader and writer assume a little-endian host");

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kAlign = 64;
constexpr size_t kMaxDims = 32;  // NumPy's own limit

// The descr NumPy writes for each of our dtypes.
const char* descr_of(DType t) {
  switch (t) {
    case DType::Bool: return "|b1";
    case DType::Int64: return "<i8";
    case DType::Float32: return "<f4";
    case DType::Float64: return "<f8";
  }
  return "?";
}

// A printable excerpt of untrusted text for an error message.
std::string excerpt(std::string_view s, size_t max = 80) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) out.push_back(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
  if (s.size() > max) out += "...";
  return out;
}

struct Header {
  DType dtype = kFloat32;
  bool fortran_order = false;
  Shape shape;
};

// A strict reader of the header dict: string keys, and the three values NumPy writes.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const char* op, const std::string& what) : s_(text), op_(op), what_(what) {}

  Header parse() {
    expect('{');
    std::set<std::string> seen;
    Header h;
    while (skip_space(), peek() != '}') {
      std::string key = parse_string();
      CONVIS_CHECK(seen.insert(key).second, op_, "{}: header has the key '{}' twice", what_, key);
      expect(':');
      if (key == "descr") {
        h.dtype = parse_descr();
      } else if (key == "fortran_order") {
        h.fortran_order = parse_bool();
      } else if (key == "shape") {
        h.shape = parse_shape();
      } else {
        fail(fmt::format("unexpected key '{}'", excerpt(key)));
      }
      skip_space();
      if (peek() != ',') break;
      ++pos_;
    }
    expect('}');
    skip_space();
    CONVIS_CHECK(pos_ == s_.size(), op_, "{}: malformed header, trailing text after the dict: '{}'", what_,
                 excerpt(s_.substr(pos_)));
    CONVIS_CHECK(seen.size() == 3, op_, "{}: header must have the keys 'descr', 'fortran_order' and 'shape', got "
                 "'{}'", what_, excerpt(s_));
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    detail::throw_error(op_, fmt::format("{}: malformed header ({}): '{}'", what_, why, excerpt(s_)));
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(fmt::format("expected '{}' at position {}", c, pos_));
    ++pos_;
  }
  std::string parse_string() {
    skip_space();
    char quote = peek();
    if (quote != '\'' && quote != '"') fail(fmt::format("expected a quoted string at position {}", pos_));
    size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return out;
  }
  DType parse_descr() {
    skip_space();
    if (peek() == '[') fail("structured dtypes are not supported");
    std::string d = parse_string();
    if (d == "<f4") return kFloat32;
    if (d == "<f8") return kFloat64;
    if (d == "<i8") return kInt64;
    if (d == "|b1") return kBool;
    detail::throw_error(op_, fmt::format("{}: unsupported dtype descr '{}': expected one of '<f4', '<f8', '<i8', "
                                         "'|b1' (little-endian float32, float64, int64, bool)", what_, excerpt(d)));
  }
  bool parse_bool() {
    skip_space();
    for (bool value : {true, false}) {
      std::string_view word = value ? "True" : "False";
      if (s_.substr(pos_, word.size()) != word) continue;
      pos_ += word.size();
      return value;
    }
    fail("expected True or False for 'fortran_order'");
  }
  int64_t parse_dim() {
    skip_space();
    if (peek() < '0' || peek() > '9') fail(fmt::format("expected a non-negative integer at position {}", pos_));
    int64_t v = 0;
    while (peek() >= '0' && peek() <= '9') {
      int digit = peek() - '0';
      if (v > (INT64_MAX - digit) / 10) fail("a dimension does not fit in 64 bits");
      v = v * 10 + digit;
      ++pos_;
    }
    return v;
  }
  Shape parse_shape() {
    expect('(');
    Shape shape;
    bool trailing_comma = false;
    while (skip_space(), peek() != ')') {
      if (shape.size() >= kMaxDims) fail(fmt::format("more than {} dimensions", kMaxDims));
      shape.push_back(parse_dim());
      skip_space();
      trailing_comma = peek() == ',';
      if (!trailing_comma) break;
      ++pos_;
    }
    expect(')');
    if (shape.size() == 1 && !trailing_comma) fail("a 1-element shape needs a trailing comma, as in (3,)");
    return shape;
  }

  std::string_view s_;
  size_t pos_ = 0;
  const char* op_;
  const std::string& what_;
};

// numel of `shape`, checked: no product of the non-zero dims may overflow (strides are such products).
int64_t checked_numel(const Shape& shape, int64_t itemsize, const char* op, const std::string& what) {
  int64_t nonzero = itemsize, total = 1;
  for (int64_t d : shape) {
    if (d == 0) total = 0;
    CONVIS_CHECK(d == 0 || !__builtin_mul_overflow(nonzero, d, &nonzero), op,
                 "{}: shape {} has too many elements", what, shape);
  }
  return total == 0 ? 0 : nonzero / itemsize;
}

Tensor parse_npy(std::string_view b, const char* op, const std::string& what) {
  CONVIS_CHECK(b.size() >= kMagicLen + 2 && std::memcmp(b.data(), kMagic, kMagicLen) == 0, op,
               "{}: not a .npy file (expected the magic \"\\x93NUMPY\", got {} bytes starting '{}')", what, b.size(),
               excerpt(b.substr(0, kMagicLen)));
  int major = uint8_t(b[6]), minor = uint8_t(b[7]);
  CONVIS_CHECK((major == 1 || major == 2 || major == 3) && minor == 0, op,
               "{}: unsupported .npy format version {}.{} (expected 1.0, 2.0 or 3.0)", what, major, minor);
  size_t len_bytes = major == 1 ? 2 : 4;
  CONVIS_CHECK(b.size() >= 8 + len_bytes, op, "{}: truncated .npy file: {} bytes, the header length is missing",
               what, b.size());
  uint64_t header_len = 0;
  for (size_t i = len_bytes; i-- > 0;) header_len = (header_len << 8) | uint8_t(b[8 + i]);
  size_t start = 8 + len_bytes;
  CONVIS_CHECK(header_len <= b.size() - start, op,
               "{}: truncated .npy file: the header says {} bytes but only {} follow", what, header_len,
               b.size() - start);
  Header h = HeaderParser(b.substr(start, size_t(header_len)), op, what).parse();
  start += size_t(header_len);
  int64_t itemsize = dtype_size(h.dtype);
  int64_t n = checked_numel(h.shape, itemsize, op, what);
  uint64_t need = uint64_t(n) * uint64_t(itemsize);
  CONVIS_CHECK(need <= b.size() - start, op,
               "{}: truncated .npy file: shape {} of {} needs {} data bytes, got {}", what, h.shape,
               dtype_name(h.dtype), need, b.size() - start);

  // Fortran order: the first index is fastest, i.e. the strides of the reversed shape, reversed.
  Shape strides = contiguous_strides(h.shape);
  if (h.fortran_order) {
    int64_t stride = 1;
    for (size_t i = 0; i < h.shape.size(); ++i) strides[i] = stride, stride *= std::max<int64_t>(h.shape[i], 1);
  }
  Tensor raw = empty_strided(h.shape, strides, h.dtype);
  if (need > 0) std::memcpy(raw.data_ptr(), b.data() + start, size_t(need));
  if (h.dtype == kBool) {  // any non-zero byte is true; a bool must hold 0 or 1
    unsigned char* p = static_cast<unsigned char*>(raw.data_ptr());
    for (int64_t i = 0; i < n; ++i) p[i] = p[i] != 0;
  }
  return native::contiguous(raw);
}

std::string read_file(const std::string& path, const char* op) {
  std::ifstream in(path, std::ios::binary);
  CONVIS_CHECK(in.good(), op, "cannot open '{}' for reading", path);
  std::ostringstream buf;
  buf << in.rdbuf();
  CONVIS_CHECK(!in.bad(), op, "error while reading '{}'", path);
  return std::move(buf).str();
}

std::string npy_bytes(const Tensor& t, const char* op) {
  CONVIS_CHECK(t.defined(), op, "expected a defined tensor, got an undefined Tensor()");
  CONVIS_CHECK(t.is_cpu(), op, "expected a CPU tensor, got one on {} (call .cpu() first)", t.device().str());
  std::string shape = "(";
  for (size_t i = 0; i < t.sizes().size(); ++i) shape += fmt::format("{}{}", i ? ", " : "", t.sizes()[i]);
  shape += t.dim() == 1 ? ",)" : ")";
  std::string dict = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descr_of(t.dtype()), shape);
  // Pad with spaces and a newline so that the data starts at a multiple of kAlign; version
  // 2.0 (a 4-byte length) only when the header does not fit in 1.0's 2-byte length.
  auto padding = [&](size_t len_bytes) { return (kAlign - (8 + len_bytes + dict.size() + 1) % kAlign) % kAlign; };
  size_t len_bytes = dict.size() + 1 + padding(2) <= 0xffff ? 2 : 4;
  dict.append(padding(len_bytes), ' ');
  dict.push_back('\n');
  std::string out(kMagic, kMagicLen);
  out.push_back(char(len_bytes == 2 ? 1 : 2));
  out.push_back(0);
  for (size_t i = 0; i < len_bytes; ++i) out.push_back(char((dict.size() >> (8 * i)) & 0xff));
  out += dict;
  Tensor c = native::contiguous(t);
  out.append(static_cast<const char*>(c.data_ptr()), size_t(c.nbytes()));
  return out;
}

}  // namespace

std::string to_npy_bytes(const Tensor& t) { return npy_bytes(t, "save_npy"); }
void save_npy(const std::string& path, const Tensor& t) { write_file_atomically(path, npy_bytes(t, "save_npy"), "save_npy"); }

Tensor from_npy_bytes(const std::string& bytes, const std::string& what) { return parse_npy(bytes, "load_npy", what); }
Tensor load_npy(const std::string& path) { return parse_npy(read_file(path, "load_npy"), "load_npy", "'" + path + "'"); }

void save_npz(const std::string& path, const std::vector<std::pair<std::string, Tensor>>& tensors) {
  std::vector<std::pair<std::string, std::string>> members;
  std::set<std::string> names;
  for (const auto& [name, t] : tensors) {
    CONVIS_CHECK(names.insert(name).second, "save_npz", "expected distinct names, got '{}' twice", name);
    members.emplace_back(name + ".npy", npy_bytes(t, "save_npz"));
  }
  write_file_atomically(path, zip::write_stored(members, "save_npz"), "save_npz");
}

void save_npz(const std::string& path, const std::map<std::string, Tensor>& tensors) {
  save_npz(path, std::vector<std::pair<std::string, Tensor>>(tensors.begin(), tensors.end()));
}

void save_npz(const std::string& path, std::initializer_list<std::pair<std::string, Tensor>> tensors) {
  save_npz(path, std::vector<std::pair<std::string, Tensor>>(tensors));
}

std::map<std::string, Tensor> load_npz(const std::string& path) {
  const char* op = "load_npz";
  std::string archive = read_file(path, op);
  std::map<std::string, Tensor> out;
  for (const zip::Entry& e : zip::read_directory(archive, op)) {
    std::string member = "'" + path + "' member '" + excerpt(e.name, 200) + "'";
    CONVIS_CHECK(e.method != zip::kDeflated, op,
                 "{} is deflated (np.savez_compressed); only uncompressed npz (np.savez) is supported", member);
    CONVIS_CHECK(e.method == zip::kStored, op, "{} uses zip compression method {}; only uncompressed npz "
                 "(np.savez) is supported", member, e.method);
    CONVIS_CHECK((e.flags & 1) == 0, op, "{} is encrypted", member);
    CONVIS_CHECK(e.compressed_size == e.uncompressed_size, op,
                 "{} is stored but its sizes differ ({} and {} bytes)", member, e.compressed_size, e.uncompressed_size);
    std::string_view data = std::string_view(archive).substr(size_t(e.data_offset), size_t(e.compressed_size));
    CONVIS_CHECK(zip::crc32(data) == e.crc, op, "{} is corrupt (CRC-32 mismatch)", member);
    std::string key = e.name;
    if (key.size() >= 4 && key.compare(key.size() - 4, 4, ".npy") == 0) key.resize(key.size() - 4);
    CONVIS_CHECK(out.count(key) == 0, op, "{}: the name '{}' appears twice", member, excerpt(key, 200));
    out.emplace(key, parse_npy(data, op, member));
  }
  return out;
}

}  // namespace convis
