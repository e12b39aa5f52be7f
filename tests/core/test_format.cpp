// Printing: our text must equal LibTorch 1.13's byte for byte.  The expected strings in
// format_cases.inc and tests/golden/data/format/*.txt were printed by LibTorch itself.
#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "helpers.h"

using namespace convis;

namespace {

struct PrintCase {
  const char* name;
  std::vector<double> values;
  std::vector<int64_t> shape;
  DType dtype;
  const char* expected;
};

const std::vector<PrintCase>& cases() {
  static const std::vector<PrintCase> all = {
#include "format_cases.inc"
  };
  return all;
}

Tensor make(const std::vector<double>& values, const Shape& shape, DType dtype) {
  return tensor(values, kFloat64).view(shape).to(dtype);
}

// The same values with column-major strides (or every other element, for 1-D).
Tensor non_contiguous(const Tensor& t) {
  if (t.dim() == 1) {
    Tensor out = empty({2 * t.size(0)}, t.dtype()).slice(0, 0, 2 * t.size(0), 2);
    out.copy_(t);
    return out;
  }
  Shape reversed, dims;
  for (int64_t d = t.dim() - 1; d >= 0; --d) reversed.push_back(t.size(d)), dims.push_back(d);
  Tensor out = empty(reversed, t.dtype()).permute(dims);
  out.copy_(t);
  return out;
}

std::string read_text(const std::string& name) {
  std::ifstream in(convis_test::golden_path(name), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("printing matches LibTorch for every case", "[format]") {
  for (const PrintCase& c : cases()) {
    INFO("case " << c.name);
    Tensor t = make(c.values, Shape(c.shape), c.dtype);
    std::ostringstream os;
    os << t;
    CHECK(os.str() == c.expected);
    CHECK(to_string(t) == c.expected);
    CHECK(fmt::format("{}", t) == c.expected);
    if (t.dim() >= 1 && t.numel() > 1) {
      Tensor nc = non_contiguous(t);
      REQUIRE_FALSE(nc.is_contiguous());
      CHECK(to_string(nc) == c.expected);
    }
  }
}

TEST_CASE("printing large tensors: LibTorch prints every element", "[format]") {
  CHECK(to_string(arange(1500)) == read_text("format/big_1d_1500.txt"));
  CHECK(to_string(arange(1500, kFloat32).view({30, 50})) == read_text("format/big_2d_30x50.txt"));
  std::vector<double> v;
  for (int i = 0; i < 1200; ++i) v.push_back(i * 0.25 - 100);
  CHECK(to_string(tensor(v, kFloat64).view({4, 10, 30})) == read_text("format/big_3d_4x10x30.txt"));
}

TEST_CASE("printing views: transposed, stepped, offset, expanded", "[format]") {
  // LibTorch: torch::arange(12, kFloat).view({3, 4}).t()
  CHECK(to_string(arange(12, kFloat32).view({3, 4}).t()) ==
        "  0   4   8\n  1   5   9\n  2   6  10\n  3   7  11\n[ CPUFloatType{4,3} ]");
  // LibTorch: torch::arange(6).view({1,2,3}).slice(2, 0, 3, 2)
  CHECK(to_string(arange(6).view({1, 2, 3}).slice(2, 0, 3, 2)) ==
        "(1,.,.) = \n  0  2\n  3  5\n[ CPULongType{1,2,2} ]");
  CHECK(to_string(arange(6).select(0, 4)) == "4\n[ CPULongType{} ]");
  CHECK(to_string(tensor({1.5, 2.5}, kFloat64).view({2, 1}).expand({2, 3})) ==
        " 1.5000  1.5000  1.5000\n 2.5000  2.5000  2.5000\n[ CPUDoubleType{2,3} ]");
}

TEST_CASE("printing keeps the stream's own format, as LibTorch's FormatGuard", "[format]") {
  std::ostringstream os;
  os << "A<" << std::setprecision(10) << tensor(1.0 / 3.0) << ">";
  CHECK(os.str() == "A<0.3333333433\n[ CPUFloatType{} ]>");  // 0-dim: the stream's precision
  std::ostringstream w;
  w << "W<" << std::setw(12) << tensor({int64_t(1), int64_t(2)}) << ">\n";
  CHECK(w.str() == "W< 1\n 2\n[ CPULongType{2} ]          >\n");  // the width survives the print
  std::ostringstream f;
  f << std::fixed << 1.0 / 3 << " " << tensor({0.5}) << " " << 1.0 / 3;
  CHECK(f.str() == "0.333333  0.5000\n[ CPUFloatType{1} ] 0.333333");
  std::ostringstream u;
  u << Tensor();
  CHECK(u.str() == "[ Tensor (undefined) ]");
}

TEST_CASE("type_string names backend and dtype as LibTorch", "[format]") {
  CHECK(type_string(tensor({1.0f})) == "CPUFloatType");
  CHECK(type_string(tensor({1.0}, kFloat64)) == "CPUDoubleType");
  CHECK(type_string(arange(2)) == "CPULongType");
  CHECK(type_string(tensor({true})) == "CPUBoolType");
  CHECK(fmt::format("{}", kFloat64) == "float64");
  CHECK(fmt::format("{}", Device(kCPU)) == "cpu");
}

TEST_CASE("set_print_options changes precision and line width", "[format]") {
  PrintOptions saved = get_print_options();
  CHECK(saved.precision == 4);
  CHECK(saved.linewidth == 80);
  set_print_options({.precision = 2, .linewidth = 80});
  CHECK(to_string(tensor({0.125, -2.5}, kFloat64)) == " 0.12\n-2.50\n[ CPUDoubleType{2} ]");
  CHECK(to_string(tensor({1e-5, 1e5}, kFloat64)) == " 1.00e-05\n 1.00e+05\n[ CPUDoubleType{2} ]");
  CHECK(to_string(tensor({0.5f}).view({1, 1})) == " 0.50\n[ CPUFloatType{1,1} ]");
  set_print_options({.precision = 6, .linewidth = 80});
  CHECK(to_string(tensor({0.125, -2.5}, kFloat64)) == " 0.125000\n-2.500000\n[ CPUDoubleType{2} ]");
  CHECK(to_string(tensor({1.0 / 3.0}, kFloat64).view({1, 1, 1})) ==
        "(1,.,.) = \n  0.333333\n[ CPUDoubleType{1,1,1} ]");
  set_print_options({.precision = 4, .linewidth = 20});
  // width 2 per int column, 20 / (2 + 1) = 6 columns per block.
  CHECK(to_string(arange(8).view({1, 8})) ==
        "Columns 1 to 6 0  1  2  3  4  5\n\nColumns 7 to 8 6  7\n[ CPULongType{1,8} ]");
  set_print_options(saved);
  CHECK(to_string(arange(8).view({1, 8})) == " 0  1  2  3  4  5  6  7\n[ CPULongType{1,8} ]");
  CHECK_THROWS_WITH(set_print_options({.precision = -1}), Catch::Contains("[set_print_options] expected a precision"));
  CHECK_THROWS_WITH(set_print_options({.precision = 4, .linewidth = 0}),
                    Catch::Contains("[set_print_options] expected a positive linewidth"));
  CHECK(get_print_options().precision == 4);
}
