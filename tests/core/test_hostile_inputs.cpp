// tests/core/test_hostile_inputs.cpp: the hostile inputs issue 15 names, one test each, beside
// the format tests (tests/core/test_io_hostile.cpp, tests/nn/test_module_safetensors.cpp) and
// the fuzz targets (fuzz/): absurd sizes, shape products that overflow int64, overlapping
// offsets, deep nesting, entities, names that are not UTF-8.  Each is an Error naming the op
// (or, for the names, a clean load), and nothing large is allocated on the way.
#include "helpers.h"
#include "io_test_util.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "convis/core/allocator.h"
#include "convis/core/io.h"
#include "convis/core/zip.h"
#include "convis/nn/convis/inr.h"
#include "convis/nn/convis/retina/config.h"
#include "convis/nn/safetensors.h"

using namespace convis;

namespace {

// The .npy bytes of a header dict with `data` after it (version 1.0, padded to 64 bytes).
std::string npy_with(const std::string& dict, const std::string& data) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += char(header.size() & 0xFF), out += char(header.size() >> 8);
  return out + header + data;
}

std::string safetensors_with(const std::string& header, const std::string& data) {
  const uint64_t n = header.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &n, 8);
  return out + header + data;
}

// Runs `load`, which must throw an Error containing `what`, allocating less than 1 MiB.
template <typename F>
void refused_without_allocating(F load, const std::string& what) {
  reset_peak_cpu_memory();
  const int64_t base = cpu_memory_stats().live_bytes;
  CHECK_THROWS_WITH(load(), Catch::Contains(what));
  CHECK(cpu_memory_stats().peak_bytes - base < (1 << 20));
}

}  // namespace

TEST_CASE("hostile .npy: a terabyte claimed, a shape product that overflows int64", "[io][hostile]") {
  refused_without_allocating([] { return from_npy_bytes(npy_with("{'descr': '<f4', 'fortran_order': False, 'shape': (274877906944,), }", std::string(16, 'x'))); },
                             "needs 1099511627776 data bytes, got 16");
  // 2^62 * 4 wraps to 0 in int64: with no data bytes a careless check would pass.
  refused_without_allocating([] { return from_npy_bytes(npy_with("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", "")); },
                             "has too many elements");
  refused_without_allocating([] { return from_npy_bytes(npy_with("{'descr': '<f8', 'fortran_order': False, 'shape': (3037000500, 3037000500, 2), }", "")); },
                             "has too many elements");
}

TEST_CASE("hostile .npz: a member claiming a terabyte, a compressed member (zip bomb)", "[io][hostile]") {
  const std::string path = io_test::temp_path("bomb.npz");
  const std::string member = npy_with("{'descr': '<f4', 'fortran_order': False, 'shape': (1024, 1024, 1024, 256), }", "");
  std::ofstream(path, std::ios::binary) << zip::write_stored({{"a.npy", member}}, "test");
  refused_without_allocating([&] { return load_npz(path); }, "member 'a.npy': truncated");
  // A deflated member (what a zip bomb needs) is refused before anything is inflated.
  std::string deflated = zip::write_stored({{"z.npy", member}}, "test");
  const std::vector<zip::Entry> entries = zip::read_directory(deflated, "test");
  REQUIRE(entries.size() == 1);
  const size_t cd = deflated.size() - 22 - 46 - 5;  // the one central directory entry
  deflated[8] = 8, deflated[cd + 10] = 8;         // method 8 (deflate), local and central
  std::ofstream(path, std::ios::binary | std::ios::trunc) << deflated;
  refused_without_allocating([&] { return load_npz(path); }, "compress");
}

TEST_CASE("hostile safetensors: overlapping and out-of-range offsets, overflowing shapes", "[io][hostile]") {
  auto refused = [](const std::string& header, const std::string& data, const char* what) {
    refused_without_allocating([&] { return from_safetensors_bytes(safetensors_with(header, data)); }, what);
  };
  refused(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
          std::string(12, 'x'), "non-overlapping");
  refused(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551615]}})", "xxxx", "inside the 4 data bytes");
  refused(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[18446744073709551612,18446744073709551616]}})", "xxxx",
          "to be [begin, end]");
  // 2^32 * 2^32 * 16 wraps to 0: with data_offsets [0, 0] a careless check would pass.
  refused(R"({"a":{"dtype":"I64","shape":[4294967296,4294967296,16],"data_offsets":[0,0]}})", "", "more than the file's bytes");
  refused(R"({"a":{"dtype":"F64","shape":[137438953472],"data_offsets":[0,8]}})", "xxxxxxxx", "more than the file's bytes");
}

TEST_CASE("hostile safetensors and npz: names that are not UTF-8", "[io][hostile]") {
  // JSON must be UTF-8: a name with a lone 0xFF byte is an Error, not a crash.
  refused_without_allocating(
      [] { return from_safetensors_bytes(safetensors_with("{\"\xff\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "xxxx")); },
      "[load_safetensors] expected a JSON object");
  // Zip names are bytes: an npz member named with Latin-1 bytes loads under those bytes.
  const std::string path = io_test::temp_path("latin1.npz");
  std::ofstream(path, std::ios::binary) << zip::write_stored({{"caf\xe9.npy", to_npy_bytes(ones({2}))}}, "test");
  const auto loaded = load_npz(path);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded.begin()->first == "caf\xe9");
}

TEST_CASE("hostile XML: deep nesting, entities, a billion laughs", "[io][hostile]") {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  for (int i = 0; i < 100000; ++i) deep += "</a>";
  CHECK_THROWS_WITH(models::retina_config_from_xml(deep), Catch::Contains("nested at most 256 deep"));
  // VirtualRetina's files nest 5 deep; 200 levels still parse.
  std::string fine = "<retina><outer-plexiform-layer><linear-version center-sigma__deg=\"0.3\"/></outer-plexiform-layer>";
  for (int i = 0; i < 200; ++i) fine += "<a>";
  for (int i = 0; i < 200; ++i) fine += "</a>";
  CHECK(models::retina_config_from_xml(fine + "</retina>").opl.sigma_center == 0.3);
  // Entities are never expanded: ten levels of ten-fold references cost nothing.
  std::string laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 10; ++i) {
    laughs += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) laughs += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    laughs += "\">\n";
  }
  laughs += "]>\n<retina><outer-plexiform-layer><linear-version center-sigma__deg=\"&lol10;\"/></outer-plexiform-layer></retina>";
  refused_without_allocating([&] { return models::retina_config_from_xml(laughs); }, "center-sigma__deg");
}

TEST_CASE("hostile .inr: a header promising more voxels than int64 or the file holds", "[io][hostile]") {
  auto inr = [&](const std::string& fields, const std::string& data) {
    std::string header = "#INRIMAGE-4#{\n" + fields;
    header += std::string(256 - header.size() - 4, '\n') + "##}\n";
    const std::string path = io_test::temp_path("x.inr");
    std::ofstream(path, std::ios::binary | std::ios::trunc) << header << data;
    return path;
  };
  const std::string tail = "VDIM=1\nTYPE=float\nPIXSIZE=32 bits\nCPU=decm\n";
  const std::string big = inr("XDIM=1048576\nYDIM=1048576\nZDIM=1048576\n" + tail, std::string(64, 'x'));
  refused_without_allocating([&] { return load_inr(big); }, "[load_inr]");
  const std::string wraps = inr("XDIM=4294967296\nYDIM=4294967296\nZDIM=1\n" + tail, "");
  refused_without_allocating([&] { return load_inr(wraps); }, "[load_inr]");
}
