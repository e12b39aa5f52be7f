// Tests of save_npy/load_npy/save_npz/load_npz: round trips, the exact bytes we write, and
// files written by NumPy (tests/golden/make_io.py).  Hostile inputs: test_io_hostile.cpp.
#include <cstring>

#include "io_test_util.h"
#include "convis/core/zip.h"

using namespace convis;
using convis_test::golden;
using convis_test::golden_path;
using io_test::longs;
using io_test::values;

namespace {

// Checks that `b` has the dtype, shape and row-major values of `a`.
void check_same(const Tensor& a, const Tensor& b) {
  CHECK(b.dtype() == a.dtype());
  CHECK(b.sizes() == a.sizes());
  CHECK(b.is_contiguous());
  CHECK(values(b) == values(a));
}

std::vector<Tensor> sample_tensors() {
  std::vector<Tensor> out;
  out.push_back(tensor({1.5f, -2.25f, 0.0f, 3e38f, -1e-38f, 7.0f}).view({2, 3}));
  out.push_back(tensor({1.0 / 3.0, -1e300, 5e-324, 0.0}, kFloat64).view({2, 1, 2}));
  out.push_back(tensor({int64_t(0), int64_t(-1), INT64_MAX, INT64_MIN, int64_t(42)}));
  out.push_back(tensor({true, false, true}));
  out.push_back(tensor(2.5));                        // 0-dim float32
  out.push_back(tensor(int64_t(-7)));                // 0-dim int64
  out.push_back(tensor(true));                       // 0-dim bool
  out.push_back(empty({0}, kFloat32));
  out.push_back(empty({2, 0, 3}, kInt64));
  out.push_back(empty({0, 4}, kBool));
  out.push_back(arange(24, kFloat64).view({2, 3, 1, 4}));
  out.push_back(arange(7).view({1, 7, 1, 1, 1, 1, 1}));  // 7 dims: Shape on the heap
  return out;
}

}  // namespace

TEST_CASE("npy round trip for every dtype and shape, through bytes and files", "[io]") {
  for (const Tensor& t : sample_tensors()) {
    INFO("dtype " << dtype_name(t.dtype()) << " shape " << t.sizes());
    check_same(t, from_npy_bytes(to_npy_bytes(t)));
    std::string path = io_test::temp_path("rt.npy");
    save_npy(path, t);
    check_same(t, load_npy(path));
    CHECK(io_test::read_bytes(path) == to_npy_bytes(t));
  }
  // int64 extremes survive exactly.
  Tensor l = from_npy_bytes(to_npy_bytes(tensor({INT64_MAX, INT64_MIN, int64_t(1)})));
  CHECK(longs(l) == std::vector<int64_t>{INT64_MAX, INT64_MIN, 1});
}

TEST_CASE("npy writes the C order of non-contiguous tensors", "[io]") {
  Tensor base = arange(12, kFloat32).view({3, 4});
  Tensor t = base.t();  // [4, 3], strides [1, 4]
  REQUIRE_FALSE(t.is_contiguous());
  Tensor back = from_npy_bytes(to_npy_bytes(t));
  CHECK(back.sizes() == Shape{4, 3});
  CHECK(values(back) == std::vector<double>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11});

  Tensor stepped = arange(10).slice(0, 1, 10, 3);  // 1, 4, 7
  CHECK(longs(from_npy_bytes(to_npy_bytes(stepped))) == std::vector<int64_t>{1, 4, 7});

  Tensor expanded = tensor({1.0, 2.0}, kFloat64).view({2, 1}).expand({2, 3});  // stride 0
  Tensor e = from_npy_bytes(to_npy_bytes(expanded));
  CHECK(e.sizes() == Shape{2, 3});
  CHECK(values(e) == std::vector<double>{1, 1, 1, 2, 2, 2});

  Tensor offset_view = arange(24, kFloat64).view({2, 3, 4}).select(0, 1).slice(1, 1, 4, 2);  // [3, 2]
  CHECK(values(from_npy_bytes(to_npy_bytes(offset_view))) == std::vector<double>{13, 15, 17, 19, 21, 23});
}

TEST_CASE("npy bytes: the header NumPy writes, data aligned to 64 bytes", "[io]") {
  std::string b = to_npy_bytes(tensor({1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f}).view({2, 3}));
  REQUIRE(b.size() == 128 + 24);
  CHECK(b.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  size_t header_len = uint8_t(b[8]) | (size_t(uint8_t(b[9])) << 8);
  CHECK(header_len == 128 - 10);
  std::string header = b.substr(10, header_len);
  CHECK(header.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0) == 0);
  CHECK(header.back() == '\n');
  float first;
  std::memcpy(&first, b.data() + 128, 4);
  CHECK(first == 1.0f);

  auto header_of = [](const Tensor& t) {
    std::string s = to_npy_bytes(t);
    size_t len = uint8_t(s[8]) | (size_t(uint8_t(s[9])) << 8);
    CHECK((10 + len) % 64 == 0);
    return s.substr(10, s.find('}') - 9);
  };
  CHECK(header_of(tensor(true)) == "{'descr': '|b1', 'fortran_order': False, 'shape': (), }");
  CHECK(header_of(arange(3)) == "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }");
  CHECK(header_of(empty({0, 2}, kFloat64)) == "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2), }");
}

TEST_CASE("npy reads files written by NumPy", "[io]") {
  Tensor f4 = golden("io/f4_2x3.npy");
  CHECK(f4.dtype() == kFloat32);
  CHECK(f4.sizes() == Shape{2, 3});
  CHECK(values(f4) == std::vector<double>{-1, -0.5, 0, 0.5, 1, 1.5});

  Tensor f8 = golden("io/f8_3.npy");
  CHECK(f8.dtype() == kFloat64);
  CHECK(values(f8) == std::vector<double>{1.0 / 3.0, -2.5e300, 5e-324});

  Tensor i8 = golden("io/i8_2x2x2.npy");
  CHECK(i8.sizes() == Shape{2, 2, 2});
  CHECK(longs(i8) == std::vector<int64_t>{0, -1, int64_t(1) << 62, INT64_MIN, 7, 8, 9, 10});

  Tensor b1 = golden("io/b1_5.npy");
  CHECK(b1.dtype() == kBool);
  CHECK(values(b1) == std::vector<double>{1, 0, 0, 1, 1});
}

TEST_CASE("npy reads Fortran-order files into tensors with the right values", "[io]") {
  Tensor f = golden("io/f4_fortran_3x4.npy");
  CHECK(f.sizes() == Shape{3, 4});
  CHECK(f.is_contiguous());
  std::vector<double> expected;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) expected.push_back(10 * i + j);
  CHECK(values(f) == expected);

  Tensor g = golden("io/f8_fortran_2x3x4.npy");
  CHECK(g.sizes() == Shape{2, 3, 4});
  std::vector<double> iota;
  for (int i = 0; i < 24; ++i) iota.push_back(i);
  CHECK(values(g) == iota);

  // A hand-made Fortran-order file: shape (2, 2), data column by column 1, 3, 2, 4.
  std::string b = to_npy_bytes(tensor({1.0, 2.0, 3.0, 4.0}, kFloat64).view({2, 2}));
  size_t pos = b.find("False");
  b.replace(pos, 5, "True ");
  std::swap_ranges(b.end() - 24, b.end() - 16, b.end() - 16);  // the data becomes 1, 3, 2, 4
  CHECK(values(from_npy_bytes(b)) == std::vector<double>{1, 2, 3, 4});
}

TEST_CASE("npy reads 0-dim, empty, and version 2.0 / 3.0 files", "[io]") {
  Tensor s = golden("io/f4_scalar.npy");
  CHECK(s.dim() == 0);
  CHECK(s.item<float>() == 3.25f);
  Tensor b = golden("io/b1_scalar.npy");
  CHECK(b.dim() == 0);
  CHECK(b.dtype() == kBool);
  CHECK(b.item<bool>());
  Tensor e = golden("io/i8_empty_0x3.npy");
  CHECK(e.sizes() == Shape{0, 3});
  CHECK(e.dtype() == kInt64);
  CHECK(golden("io/f4_empty_0.npy").sizes() == Shape{0});
  for (const char* name : {"io/f8_v2.npy", "io/f8_v3.npy"}) {
    Tensor v = golden(name);
    CHECK(v.sizes() == Shape{1, 2});
    CHECK(values(v) == std::vector<double>{1.5, -2.0});
  }
}

TEST_CASE("npy refuses dtypes we do not have, naming the descr", "[io]") {
  CHECK_THROWS_WITH(golden("io/i4_2.npy"), Catch::Contains("[load_npy]") && Catch::Contains("'<i4'"));
  CHECK_THROWS_WITH(golden("io/f4_big_endian.npy"), Catch::Contains("'>f4'"));
  CHECK_THROWS_WITH(golden("io/f2_2.npy"), Catch::Contains("'<f2'"));
  CHECK_THROWS_WITH(golden("io/u1_2.npy"), Catch::Contains("'|u1'"));
  CHECK_THROWS_WITH(golden("io/object.npy"), Catch::Contains("'|O'"));
  CHECK_THROWS_WITH(load_npy(golden_path("io/no_such_file.npy")), Catch::Contains("[load_npy] cannot open"));
}

TEST_CASE("bool bytes other than 0 and 1 load as true", "[io]") {
  std::string b = to_npy_bytes(tensor({true, false, true}));
  b[b.size() - 1] = 2;
  Tensor t = from_npy_bytes(b);
  CHECK(values(t) == std::vector<double>{1, 0, 1});
}

TEST_CASE("npz round trip, with every dtype, and reading np.savez archives", "[io]") {
  std::map<std::string, Tensor> in;
  std::vector<Tensor> samples = sample_tensors();
  for (size_t i = 0; i < samples.size(); ++i) in[fmt::format("t{}", i)] = samples[i];
  in["transposed"] = arange(6, kFloat64).view({2, 3}).t();
  std::string path = io_test::temp_path("rt.npz");
  save_npz(path, in);
  std::map<std::string, Tensor> out = load_npz(path);
  REQUIRE(out.size() == in.size());
  for (const auto& [name, t] : in) {
    INFO(name);
    REQUIRE(out.count(name) == 1);
    check_same(t, out[name]);
  }

  std::string path2 = io_test::temp_path("vec.npz");
  save_npz(path2, std::vector<std::pair<std::string, Tensor>>{{"z", tensor(1.0)}, {"a", arange(2)}});
  CHECK(load_npz(path2).size() == 2);
  CHECK_THROWS_WITH(save_npz(path2, std::vector<std::pair<std::string, Tensor>>{{"a", arange(2)}, {"a", arange(3)}}),
                    Catch::Contains("[save_npz] expected distinct names"));

  std::map<std::string, Tensor> np = load_npz(golden_path("io/savez.npz"));
  REQUIRE(np.size() == 4);
  CHECK(values(np["a"]) == std::vector<double>{-1, -0.5, 0, 0.5, 1, 1.5});
  CHECK(np["a"].sizes() == Shape{2, 3});
  CHECK(longs(np["b"]) == std::vector<int64_t>{0, 1, 2, 3});
  CHECK(np["c"].dim() == 0);
  CHECK(np["c"].dtype() == kBool);
  CHECK(np["c"].item<bool>() == false);
  CHECK(np["d"].dtype() == kFloat64);
  CHECK(values(np["d"]) == std::vector<double>{0.25});
}

TEST_CASE("npz written by us is a stored zip with correct CRC-32s", "[io]") {
  CHECK(zip::crc32("123456789") == 0xCBF43926u);  // the standard check value
  CHECK(zip::crc32("") == 0u);
  CHECK(zip::crc32("6789", zip::crc32("12345")) == 0xCBF43926u);

  std::string path = io_test::temp_path("layout.npz");
  Tensor t = arange(5);
  save_npz(path, {{"x", t}});
  std::string z = io_test::read_bytes(path);
  std::string member = to_npy_bytes(t);
  CHECK(z.substr(0, 4) == "PK\x03\x04");
  CHECK(z.substr(30, 5) == "x.npy");
  CHECK(z.substr(35, member.size()) == member);  // stored: the member's bytes verbatim
  uint32_t crc;
  std::memcpy(&crc, z.data() + 14, 4);
  CHECK(crc == zip::crc32(member));
  CHECK(z.substr(z.size() - 22, 4) == "PK\x05\x06");

  std::string empty_path = io_test::temp_path("empty.npz");
  save_npz(empty_path, std::map<std::string, Tensor>{});
  CHECK(load_npz(empty_path).empty());
  CHECK_THROWS_WITH(load_npz(io_test::temp_path("missing.npz")), Catch::Contains("[load_npz] cannot open"));
}

TEST_CASE("npz from np.savez_compressed is refused, naming the member", "[io]") {
  CHECK_THROWS_WITH(load_npz(golden_path("io/savez_compressed.npz")),
                    Catch::Contains("[load_npz]") && Catch::Contains("member 'x.npy'") &&
                        Catch::Contains("only uncompressed npz"));
}
