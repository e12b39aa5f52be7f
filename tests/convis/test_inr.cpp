// nn/convis/inr.h (Note [INR files]): VirtualRetina's .inr files, written and read back exactly,
// hand-made headers of every type and byte order, and hostile headers as Errors.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "helpers.h"

#include "convis/nn/convis/convis.h"
#include "convis/nn/convis/inr.h"

using namespace convis;
using Catch::Contains;
using convis_test::values;

namespace {

std::string scratch(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("convis_inr_" + std::to_string(getpid()) + "_" + name)).string();
}

// A file of one 256-byte header block with these lines, then `data`.
std::string inr_file(const std::string& name, const std::string& lines, const std::vector<unsigned char>& data) {
  std::string header = "#INRIMAGE-4#{\n" + lines;
  header.resize(252, '\n');
  header += "##}\n";
  const std::string path = scratch(name);
  std::ofstream out(path, std::ios::binary);
  out.write(header.data(), std::streamsize(header.size()));
  out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
  return path;
}

}  // namespace

TEST_CASE("save_inr and load_inr: exact round trips, (T, X, Y) = (ZDIM, YDIM, XDIM)", "[convis][inr]") {
  for (DType dtype : {kFloat32, kFloat64}) {
    Tensor video = randn({5, 3, 7}, dtype);
    const std::string path = scratch("round.inr");
    save_inr(path, video);
    CHECK(std::filesystem::file_size(path) == 256 + 5 * 3 * 7 * (dtype == kFloat64 ? 8 : 4));
    Tensor back = load_inr(path);
    CHECK(back.dtype() == dtype);
    CHECK(equal(back, video));
    save_inr(path, video.reshape({1, 1, 5, 3, 7}));
    CHECK(equal(load_inr(path), video));
    std::filesystem::remove(path);
  }
}

TEST_CASE("load_inr: the types and byte orders of VirtualRetina's files", "[convis][inr]") {
  // 2 frames of 2 rows (YDIM) x 3 columns (XDIM): X varies fastest
  const std::string u8 = inr_file("u8.inr", "XDIM=3\nYDIM=2\nZDIM=2\nVDIM=1\nTYPE=unsigned fixed\nPIXSIZE=8 bits\nCPU=decm\n",
                                  {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255});
  Tensor a = load_inr(u8);
  CHECK(a.sizes() == Shape{2, 2, 3});
  CHECK(values(a) == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255});
  CHECK(a[1][0][2].item<double>() == 8);  // frame 1, row 0, column 2
  const std::string s16 = inr_file("s16.inr", "XDIM=2\nYDIM=1\nTYPE=signed fixed\nPIXSIZE=16 bits\nCPU=sun\n",
                                   {0xFF, 0xFE, 0x01, 0x00});  // big-endian -2 and 256
  CHECK(values(load_inr(s16)) == std::vector<double>{-2, 256});
  const std::string f32be = inr_file("f32.inr", "XDIM=1\nYDIM=1\nZDIM=1\nTYPE=float\nPIXSIZE=32 bits\nCPU=sgi\n",
                                     {0x3F, 0xC0, 0x00, 0x00});  // 1.5
  CHECK(values(load_inr(f32be)) == std::vector<double>{1.5});
  // a layer runs on the frames of an .inr file
  streams::InrReader frames(u8);
  CHECK(frames.remaining() == std::optional<int64_t>(2));
  CHECK(frames.get(5).sizes() == Shape{2, 2, 3});
  for (const std::string& p : {u8, s16, f32be}) std::filesystem::remove(p);
}

TEST_CASE("load_inr: hostile or broken headers are Errors naming the file", "[convis][inr]") {
  CHECK_THROWS_WITH(load_inr(scratch("missing.inr")), Contains("[load_inr]") && Contains("missing.inr"));
  const std::string text = scratch("text.inr");
  std::ofstream(text) << std::string(300, 'x');
  CHECK_THROWS_WITH(load_inr(text), Contains("#INRIMAGE-4#{"));
  const std::string short_file = scratch("short.inr");
  std::ofstream(short_file) << "#INRIMAGE-4#{\nXDIM=3\n";
  CHECK_THROWS_WITH(load_inr(short_file), Contains("ends inside its header"));
  const std::vector<unsigned char> four(4, 0);
  const std::string no_x = inr_file("nox.inr", "YDIM=1\nTYPE=float\nPIXSIZE=32 bits\n", four);
  CHECK_THROWS_WITH(load_inr(no_x), Contains("XDIM"));
  const std::string vdim = inr_file("vdim.inr", "XDIM=1\nYDIM=1\nVDIM=3\n", four);
  CHECK_THROWS_WITH(load_inr(vdim), Contains("VDIM=3"));
  const std::string type = inr_file("type.inr", "XDIM=1\nYDIM=1\nTYPE=complex\n", four);
  CHECK_THROWS_WITH(load_inr(type), Contains("TYPE"));
  // a header promising 2^31 x 2^31 x 2^31 voxels: an Error before anything is allocated
  const std::string huge = inr_file("huge.inr", "XDIM=2147483648\nYDIM=2147483648\nZDIM=2147483648\n", four);
  CHECK_THROWS_WITH(load_inr(huge), Contains("voxels") && Contains("huge.inr"));
  const std::string truncated = inr_file("trunc.inr", "XDIM=4\nYDIM=4\nZDIM=2\nTYPE=float\nPIXSIZE=32 bits\n", four);
  CHECK_THROWS_WITH(load_inr(truncated), Contains("4x4x2 voxels") && Contains("4 bytes of data"));
  const std::string negative = inr_file("neg.inr", "XDIM=-3\nYDIM=1\n", four);
  CHECK_THROWS_WITH(load_inr(negative), Contains("XDIM a positive size"));
  CHECK_THROWS_WITH(save_inr(scratch("x.inr"), zeros({2, 3})), Contains("[save_inr]"));
  CHECK_THROWS_WITH(save_inr(scratch("no_dir") + "/x.inr", zeros({1, 2, 3})), Contains("writable"));
  for (const std::string& p : {text, short_file, no_x, vdim, type, huge, truncated, negative}) std::filesystem::remove(p);
}
