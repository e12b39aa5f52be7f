// Printing: our text must equal LibTorch 1.13's byte for byte.  The expected strings in
// format_cases.inc and tests/golden/data/format/*.txt were printed by LibTorch itself.
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
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

namespace {

// Restores the print options on scope exit, so a failing CHECK cannot leak them to other tests.
struct OptionsGuard {
  PrintOptions saved = get_print_options();
  ~OptionsGuard() { set_print_options(saved); }
};

}  // namespace

TEST_CASE("summarising is opt-in: the default prints every element", "[format]") {
  PrintOptions o = get_print_options();
  CHECK(o.threshold == std::numeric_limits<int64_t>::max());
  CHECK(o.edgeitems == 3);
  std::string all;
  for (int i = 0; i < 20; ++i) all += (i < 10 ? "  " : " ") + std::to_string(i) + "\n";
  CHECK(to_string(arange(20)) == all + "[ CPULongType{20} ]");
  OptionsGuard guard;
  set_print_options({.threshold = 20, .edgeitems = 2});  // numel == threshold: not summarised
  CHECK(to_string(arange(20)) == all + "[ CPULongType{20} ]");
  CHECK(to_string(arange(5).view({5, 1, 1})).find("...") == std::string::npos);
}

TEST_CASE("summarising a 1-D tensor", "[format]") {
  OptionsGuard guard;
  set_print_options({.threshold = 10, .edgeitems = 2});
  CHECK(to_string(arange(20)) == "  0\n  1\n...\n 18\n 19\n[ CPULongType{20} ]");
  // The format comes from the printed values only: 0.5, 1.5, 18.5, 19.5 (never 1e+03).
  Tensor f = arange(20, kFloat32) + 0.5;
  f.index_put_({10}, tensor(1000.25f));
  CHECK(to_string(f) == "  0.5000\n  1.5000\n     ...\n 18.5000\n 19.5000\n[ CPUFloatType{20} ]");
}

TEST_CASE("summarising a matrix", "[format]") {
  OptionsGuard guard;
  set_print_options({.threshold = 10, .edgeitems = 2});
  CHECK(to_string(arange(100).view({10, 10})) ==
        "  0   1 ...   8   9\n"
        " 10  11 ...  18  19\n"
        "...\n"
        " 80  81 ...  88  89\n"
        " 90  91 ...  98  99\n"
        "[ CPULongType{10,10} ]");
  // Float: the width 8 comes from the printed 0 .. 49.5; the "..." cells align right.
  CHECK(to_string(arange(100, kFloat32).view({10, 10}) * 0.5) ==
        "  0.0000   0.5000      ...   4.0000   4.5000\n"
        "  5.0000   5.5000      ...   9.0000   9.5000\n"
        "     ...\n"
        " 40.0000  40.5000      ...  44.0000  44.5000\n"
        " 45.0000  45.5000      ...  49.0000  49.5000\n"
        "[ CPUFloatType{10,10} ]");
  // A scale line; rows after the first (the "..." row too) get LibTorch's extra space.
  CHECK(to_string(arange(100, kFloat64).view({10, 10}) * 1000 + 100000.5) ==
        "1e+05 *\n"
        " 1.0000  1.0100     ...  1.0800  1.0900\n"
        "  1.1000  1.1100     ...  1.1800  1.1900\n"
        "     ...\n"
        "  1.8000  1.8100     ...  1.8800  1.8900\n"
        "  1.9000  1.9100     ...  1.9800  1.9900\n"
        "[ CPUDoubleType{10,10} ]");
  // A view prints as its contiguous copy.
  Tensor t = arange(100).view({10, 10});
  CHECK(to_string(t.t()) == to_string(t.t().contiguous()));
}

TEST_CASE("summarising in column blocks keeps the full tensor's column numbers", "[format]") {
  OptionsGuard guard;
  // Width 8, 30 / 9 = 3 cells a block: 1 2 3 | "..." joins the first block | 8 9 10.
  set_print_options({.linewidth = 30, .threshold = 10, .edgeitems = 3});
  CHECK(to_string(arange(100, kFloat32).view({10, 10}) * 0.5) ==
        "Columns 1 to 3  0.0000   0.5000   1.0000      ...\n"
        "  5.0000   5.5000   6.0000      ...\n"
        " 10.0000  10.5000  11.0000      ...\n"
        "     ...\n"
        " 35.0000  35.5000  36.0000      ...\n"
        " 40.0000  40.5000  41.0000      ...\n"
        " 45.0000  45.5000  46.0000      ...\n"
        "\n"
        "Columns 8 to 10  3.5000   4.0000   4.5000\n"
        "  8.5000   9.0000   9.5000\n"
        " 13.5000  14.0000  14.5000\n"
        "     ...\n"
        " 38.5000  39.0000  39.5000\n"
        " 43.5000  44.0000  44.5000\n"
        " 48.5000  49.0000  49.5000\n"
        "[ CPUFloatType{10,10} ]");
}

TEST_CASE("summarising 3-D and up skips the middle blocks", "[format]") {
  OptionsGuard guard;
  set_print_options({.threshold = 10, .edgeitems = 2});
  // Each 4x4 is no longer than 2 * edgeitems, so only the blocks (3,.,.) are skipped.
  CHECK(to_string(arange(80).view({5, 4, 4})) ==
        "(1,.,.) = \n   0   1   2   3\n   4   5   6   7\n   8   9  10  11\n  12  13  14  15\n\n"
        "(2,.,.) = \n  16  17  18  19\n  20  21  22  23\n  24  25  26  27\n  28  29  30  31\n\n"
        "...\n\n"
        "(4,.,.) = \n  48  49  50  51\n  52  53  54  55\n  56  57  58  59\n  60  61  62  63\n\n"
        "(5,.,.) = \n  64  65  66  67\n  68  69  70  71\n  72  73  74  75\n  76  77  78  79\n"
        "[ CPULongType{5,4,4} ]");
  // Float, each block formatted on its own (LibTorch's signed expMax quirk included).
  CHECK(to_string(arange(80, kFloat32).view({5, 4, 4}) * 0.25 - 10) ==
        "(1,.,.) = \n"
        " -10.0000  -9.7500  -9.5000  -9.2500\n  -9.0000  -8.7500  -8.5000  -8.2500\n"
        "  -8.0000  -7.7500  -7.5000  -7.2500\n  -7.0000  -6.7500  -6.5000  -6.2500\n\n"
        "(2,.,.) = \n"
        " -6.0000 -5.7500 -5.5000 -5.2500\n -5.0000 -4.7500 -4.5000 -4.2500\n"
        " -4.0000 -3.7500 -3.5000 -3.2500\n -3.0000 -2.7500 -2.5000 -2.2500\n\n"
        "...\n\n"
        "(4,.,.) = \n"
        "  2.0000  2.2500  2.5000  2.7500\n  3.0000  3.2500  3.5000  3.7500\n"
        "  4.0000  4.2500  4.5000  4.7500\n  5.0000  5.2500  5.5000  5.7500\n\n"
        "(5,.,.) = \n"
        "  6.0000  6.2500  6.5000  6.7500\n  7.0000  7.2500  7.5000  7.7500\n"
        "  8.0000  8.2500  8.5000  8.7500\n  9.0000  9.2500  9.5000  9.7500\n"
        "[ CPUFloatType{5,4,4} ]");
  // edgeitems 1 cuts every dim; 4-D marks a skip in either leading dim, labels keep full indices.
  set_print_options({.threshold = 10, .edgeitems = 1});
  CHECK(to_string(arange(80).view({5, 4, 4})) ==
        "(1,.,.) = \n   0 ...   3\n ...\n  12 ...  15\n\n...\n\n"
        "(5,.,.) = \n  64 ...  67\n ...\n  76 ...  79\n[ CPULongType{5,4,4} ]");
  CHECK(to_string(arange(240).view({4, 5, 4, 3})) ==
        "(1,1,.,.) = \n   0 ...   2\n ...\n   9 ...  11\n\n...\n\n"
        "(4,1,.,.) = \n  180  ...  182\n  ...\n  189  ...  191\n\n...\n\n"
        "(1,5,.,.) = \n  48 ...  50\n ...\n  57 ...  59\n\n...\n\n"
        "(4,5,.,.) = \n  228  ...  230\n  ...\n  237  ...  239\n[ CPULongType{4,5,4,3} ]");
}

TEST_CASE("set_print_options checks threshold and edgeitems", "[format]") {
  OptionsGuard guard;
  CHECK_THROWS_WITH(set_print_options({.threshold = -1}), Catch::Contains("expected a non-negative threshold"));
  CHECK_THROWS_WITH(set_print_options({.edgeitems = 0}), Catch::Contains("expected a positive edgeitems"));
  set_print_options({.threshold = 0, .edgeitems = 1});
  CHECK(to_string(tensor(2.5)) == "2.5\n[ CPUFloatType{} ]");
  CHECK(to_string(empty({0, 3})) == "[ CPUFloatType{0,3} ]");
}

TEST_CASE("dtype() prints the C++ type and scalar_type() the enum, as in LibTorch", "[format]") {
  const std::pair<DType, const char*> names[] = {
      {kBool, "bool Bool"}, {kInt64, "long int Long"}, {kFloat32, "float Float"}, {kFloat64, "double Double"}};
  for (const auto& [dt, want] : names) {
    Tensor t = zeros({2}, dt);
    std::ostringstream s;
    s << t.dtype() << " " << t.scalar_type();
    CHECK(s.str() == want);
    CHECK(fmt::format("{}", t.dtype()) == std::string(want).substr(0, std::string(want).rfind(' ')));
    CHECK(t.dtype() == dt);  // a TypeMeta compares, converts and switches like a DType
    CHECK(t.dtype().toScalarType() == dt);
    CHECK(t.dtype().itemsize() == dtype_size(dt));
    CHECK(zeros({1}, t.dtype()).scalar_type() == dt);
    CHECK(ones({1}).to(t.dtype()).scalar_type() == dt);
  }
}
