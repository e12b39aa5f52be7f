// Hostile and truncated .npy/.npz inputs: each must throw "[load_npy] ..." / "[load_npz] ..."
// and never read outside its bytes (the suite runs under ASan in CI).
#include <cstring>

#include "io_test_util.h"
#include "convis/core/zip.h"

using namespace convis;

namespace {

// A .npy file with the given header text (padded as NumPy pads it) and data bytes.
std::string npy(const std::string& dict, const std::string& data, int version = 1) {
  std::string header = dict;
  size_t len_bytes = version == 1 ? 2 : 4;
  while ((8 + len_bytes + header.size() + 1) % 64 != 0) header.push_back(' ');
  header.push_back('\n');
  std::string out("\x93NUMPY", 6);
  out.push_back(char(version));
  out.push_back(0);
  for (size_t i = 0; i < len_bytes; ++i) out.push_back(char((header.size() >> (8 * i)) & 0xff));
  return out + header + data;
}

std::string f4_dict(const std::string& shape) {
  return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
}

void put32(std::string& s, size_t pos, uint32_t v) { std::memcpy(&s[pos], &v, 4); }
uint32_t get32(const std::string& s, size_t pos) {
  uint32_t v;
  std::memcpy(&v, s.data() + pos, 4);
  return v;
}

// A valid two-member archive's bytes.
std::string good_npz() {
  std::string path = io_test::temp_path("good.npz");
  save_npz(path, {{"a", arange(3)}, {"b", tensor({1.0f, 2.0f})}});
  return io_test::read_bytes(path);
}

Tensor load_npz_bytes_member(const std::string& bytes) {
  std::string path = io_test::temp_path("hostile.npz");
  io_test::write_bytes(path, bytes);
  auto m = load_npz(path);
  return m.empty() ? Tensor() : m.begin()->second;
}

}  // namespace

TEST_CASE("load_npy: truncated and malformed preambles", "[io]") {
  std::string good = to_npy_bytes(arange(4, kFloat32));
  REQUIRE(from_npy_bytes(good).numel() == 4);
  auto throws = [](const std::string& bytes, const char* what) {
    CHECK_THROWS_WITH(from_npy_bytes(bytes), Catch::StartsWith("[load_npy]") && Catch::Contains(what));
  };
  throws("", "not a .npy file");
  throws(std::string("\x93NUMP", 5), "not a .npy file");
  throws("PK\x03\x04 this is a zip", "not a .npy file");
  throws(good.substr(0, 8), "header length is missing");
  throws(good.substr(0, 9), "header length is missing");
  std::string v4 = good;
  v4[6] = 4;
  throws(v4, "unsupported .npy format version 4.0");
  throws(good.substr(0, 40), "the header says 118 bytes but only 30 follow");
  std::string long_header = good;
  long_header[8] = char(0xff), long_header[9] = char(0xff);
  throws(long_header, "the header says 65535 bytes");
  std::string v2_huge = npy(f4_dict("(1,)"), "abcd", 2);
  put32(v2_huge, 8, 0xfffffff0u);
  throws(v2_huge, "the header says 4294967280 bytes");
  // Every prefix of a valid file fails cleanly.
  for (size_t n = 0; n < good.size(); ++n) CHECK_THROWS_AS(from_npy_bytes(good.substr(0, n)), Error);
}

TEST_CASE("load_npy: malformed headers", "[io]") {
  auto throws = [](const std::string& dict, const char* what) {
    INFO(dict);
    CHECK_THROWS_WITH(from_npy_bytes(npy(dict, std::string(64, '\0'))),
                      Catch::StartsWith("[load_npy]") && Catch::Contains(what));
  };
  throws("garbage \x01\x02", "malformed header");
  throws("", "malformed header");
  throws("{'descr': '<f4', 'fortran_order': False}", "must have the keys");
  throws("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "unexpected key 'extra'");
  throws("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", "the key 'descr' twice");
  throws("{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}", "unsupported dtype descr '<f4, '");
  throws("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,)}", "expected True or False");
  throws("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", "structured dtypes");
  throws("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} trailing", "trailing text");
  throws("{'descr': '<f4', 'fortran_order': False, 'shape': (2,)", "malformed header");
  throws(f4_dict("(3)"), "trailing comma");
  throws(f4_dict("(-1,)"), "non-negative integer");
  throws(f4_dict("(2, x)"), "non-negative integer");
  throws(f4_dict("(99999999999999999999,)"), "does not fit in 64 bits");
  std::string dims33 = "(";
  for (int i = 0; i < 33; ++i) dims33 += "1, ";
  throws(f4_dict(dims33 + ")"), "more than 32 dimensions");
  throws("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}", "unsupported dtype descr '<i4'");
  throws("{'descr': 'i8', 'fortran_order': False, 'shape': (2,)}", "unsupported dtype descr 'i8'");
}

TEST_CASE("load_npy: shapes that do not match the data", "[io]") {
  auto throws = [](const std::string& shape, const std::string& data, const char* what) {
    INFO(shape);
    CHECK_THROWS_WITH(from_npy_bytes(npy(f4_dict(shape), data)),
                      Catch::StartsWith("[load_npy]") && Catch::Contains(what));
  };
  throws("(3,)", std::string(8, '\0'), "needs 12 data bytes, got 8");
  throws("(1000,)", std::string(8, '\0'), "needs 4000 data bytes");
  throws("(4294967296, 4294967296, 16)", "", "has too many elements");
  throws("(9223372036854775807,)", "", "has too many elements");
  throws("(3037000500, 3037000500)", "", "has too many elements");
  throws("(0, 4294967296, 4294967296)", "", "has too many elements");  // strides would overflow
  throws("(1048576, 1048576)", std::string(16, '\0'), "needs 4398046511104 data bytes");
  // Zero elements need no data; 0-dim needs one element.
  CHECK(from_npy_bytes(npy(f4_dict("(0, 5)"), "")).sizes() == Shape{0, 5});
  throws("()", "ab", "needs 4 data bytes, got 2");
}

TEST_CASE("from_npy_bytes names its source in errors", "[io]") {
  CHECK_THROWS_WITH(from_npy_bytes("nope", "my buffer"), Catch::Contains("[load_npy] my buffer: not a .npy file"));
  CHECK_THROWS_WITH(load_npy(io_test::temp_path("absent.npy")), Catch::Contains("cannot open"));
  std::string path = io_test::temp_path("bad.npy");
  io_test::write_bytes(path, "\x93NUMPY\x01");
  CHECK_THROWS_WITH(load_npy(path), Catch::Contains("[load_npy] '" + path + "'"));
}

TEST_CASE("load_npz: hostile archives", "[io]") {
  std::string good = good_npz();
  REQUIRE(load_npz_bytes_member(good).defined());
  size_t end = good.size() - 22;  // the end-of-central-directory record (no comment)
  size_t cd = get32(good, end + 16);
  auto throws = [](const std::string& bytes, const char* what) {
    CHECK_THROWS_WITH(load_npz_bytes_member(bytes), Catch::StartsWith("[load_npz]") && Catch::Contains(what));
  };
  throws("", "too short");
  throws("not a zip file at all, just some text", "no end-of-central-directory");
  throws(good.substr(0, good.size() / 2), "no end-of-central-directory");
  throws(good.substr(0, good.size() - 1), "no end-of-central-directory");

  std::string s = good;
  put32(s, end + 16, 0x7fffffff);  // central directory offset beyond the file
  throws(s, "expected the central directory inside the archive");
  s = good;
  put32(s, end + 12, 0xfffffff0);  // central directory size beyond the file
  throws(s, "expected the central directory inside the archive");
  s = good;
  s[end + 10] = 100, s[end + 8] = 100;  // more entries than the directory can hold
  throws(s, "members in a");
  s = good;
  put32(s, cd + 42, uint32_t(good.size()) - 10);  // local header offset near the end
  throws(s, "expected a local header");
  s = good;
  put32(s, cd + 20, 0x7fffffff), put32(s, cd + 24, 0x7fffffff);  // member size beyond the file
  throws(s, "inside the archive");
  s = good;
  s[cd + 28] = char(0xff);  // name length past the directory
  throws(s, "runs past the directory's end");
  s = good;
  s[cd] = 'X';  // broken central directory signature
  throws(s, "expected a central directory entry");
  s = good;
  s[100] ^= 0x01;  // a data byte of the first member: CRC mismatch
  throws(s, "CRC-32 mismatch");
  s = good;
  s[cd + 8] = 1;  // encrypted flag
  throws(s, "is encrypted");
  s = good;
  s[cd + 10] = 12;  // bzip2
  throws(s, "compression method 12");
  s = good;
  s[cd + 24] ^= 1;  // the uncompressed size (offset 24 of the entry) now differs from the compressed one
  throws(s, "sizes differ");
  s = good;
  s[end + 4] = 1;  // multi-disk
  throws(s, "single-disk");
  s = good;
  s[end + 8] = char(0xff), s[end + 9] = char(0xff), s[end + 10] = char(0xff), s[end + 11] = char(0xff);
  throws(s, "zip64 end-of-central-directory locator");
  // Every prefix of a valid archive fails cleanly.
  for (size_t n = 0; n < good.size(); n += 7) CHECK_THROWS_AS(load_npz_bytes_member(good.substr(0, n)), Error);
}

TEST_CASE("load_npz: a member that is not a valid .npy names the member", "[io]") {
  std::string good = good_npz();
  // Corrupt the magic of the first member and fix its CRC so that only the .npy parse fails.
  size_t end = good.size() - 22;
  size_t cd = get32(good, end + 16);
  std::string s = good;
  size_t data = 30 + 5;  // first local header + "a.npy"
  s[data + 1] = 'X';
  uint32_t size = get32(s, cd + 20);
  uint32_t crc = zip::crc32(std::string_view(s).substr(data, size));
  put32(s, 14, crc), put32(s, cd + 16, crc);
  CHECK_THROWS_WITH(load_npz_bytes_member(s), Catch::StartsWith("[load_npz]") && Catch::Contains("member 'a.npy'") &&
                                                  Catch::Contains("not a .npy file"));
}
