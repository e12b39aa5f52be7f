// Reductions against PyTorch 1.13 (tests/golden/make_reduce.py writes the files): every op
// over a [3, 5, 7] input of each dtype, as is, transposed and stepped, over the same dims
// lists as the script, in the same order.
#include <functional>
#include <string>
#include <vector>

#include "helpers.h"

using namespace convis;
using convis_test::golden;

namespace {

const std::vector<Shape> kDims = {{}, {0}, {1}, {2}, {0, 2}, {-1, -2}};
const std::vector<int64_t> kDim = {0, 1, 2, -1};

// The views the script makes: c (as is), t (permute(2, 0, 1)), s (x[:, ::2, 1::3]).
std::vector<std::pair<std::string, Tensor>> views(const std::string& dtype) {
  Tensor x = golden("reduce/x_" + dtype + ".npy");
  return {{"c", x}, {"t", x.permute({2, 0, 1})}, {"s", x.slice(1, 0, 5, 2).slice(2, 1, 7, 3)}};
}

// One group of golden results: the values of every case flattened one after the other, and
// every case's rank and sizes.  check() takes the next case.
class GoldenGroup {
 public:
  explicit GoldenGroup(const std::string& name)
      : name_(name), values_(golden("reduce/" + name + ".npy")), shapes_(golden("reduce/" + name + "_shapes.npy")) {}

  void check(const Tensor& actual, const std::string& what) {
    INFO(name_ << ": " << what);
    REQUIRE(shape_at_ < shapes_.numel());
    const int64_t ndim = shapes_[shape_at_].item<int64_t>();
    Shape expected_shape;
    for (int64_t d = 0; d < ndim; ++d) expected_shape.push_back(shapes_[shape_at_ + 1 + d].item<int64_t>());
    shape_at_ += 1 + ndim;
    CHECK(actual.sizes() == expected_shape);
    const int64_t n = numel(expected_shape);
    REQUIRE(value_at_ + n <= values_.numel());
    Tensor expected = values_.slice(0, value_at_, value_at_ + n);
    value_at_ += n;
    const bool f32 = values_.dtype() == kFloat32;
    Tensor flat = actual.dim() == 0 ? actual.unsqueeze(0) : actual.reshape({-1});
    CHECK_ALLCLOSE_TOL(flat, expected, f32 ? 1e-5 : 1e-9, f32 ? 1e-5 : 1e-12);
  }
  ~GoldenGroup() {
    // every case of the file was checked: the test and the script walk the same cases
    CHECK(value_at_ == values_.numel());
    CHECK(shape_at_ == shapes_.numel());
  }

 private:
  std::string name_;
  Tensor values_, shapes_;
  int64_t value_at_ = 0, shape_at_ = 0;
};

using DimsFn = std::function<Tensor(const Tensor&, const Shape&, bool)>;
using DimFn = std::function<Tensor(const Tensor&, int64_t)>;

void dims_cases(const std::string& op, const std::vector<std::string>& dtypes, const DimsFn& fn) {
  for (const std::string& dt : dtypes) {
    GoldenGroup g(op + "_" + dt);
    for (const auto& [view, x] : views(dt))
      for (const Shape& dims : kDims)
        for (bool keepdim : {false, true}) {
          if (keepdim && view != "c") continue;
          g.check(fn(x, dims, keepdim), fmt::format("view {} dims {} keepdim {}", view, dims, keepdim));
        }
  }
}

void dim_cases(const std::string& op, const std::vector<std::string>& dtypes, const DimFn& fn) {
  for (const std::string& dt : dtypes) {
    GoldenGroup g(op + "_" + dt);
    for (const auto& [view, x] : views(dt))
      for (int64_t d : kDim) g.check(fn(x, d), fmt::format("view {} dim {}", view, d));
  }
}

const std::vector<std::string> kFloats = {"f32", "f64"};
const std::vector<std::string> kEverything = {"f32", "f64", "i64", "bool"};

}  // namespace

TEST_CASE("golden: sum, mean, amax, amin over dims lists", "[reduce]") {
  dims_cases("sum", kEverything, [](const Tensor& x, const Shape& d, bool k) { return x.sum(d, k); });
  dims_cases("mean", kFloats, [](const Tensor& x, const Shape& d, bool k) { return x.mean(d, k); });
  dims_cases("amax", kEverything, [](const Tensor& x, const Shape& d, bool k) { return x.amax(d, k); });
  dims_cases("amin", {"f32", "i64"}, [](const Tensor& x, const Shape& d, bool k) { return x.amin(d, k); });
}

TEST_CASE("golden: var, std, logsumexp over dims lists", "[reduce]") {
  dims_cases("var", kFloats, [](const Tensor& x, const Shape& d, bool k) { return x.var(d, true, k); });
  dims_cases("std", {"f32"}, [](const Tensor& x, const Shape& d, bool k) { return x.std(d, false, k); });
  dims_cases("logsumexp", {"f32", "i64"}, [](const Tensor& x, const Shape& d, bool k) { return x.logsumexp(d, k); });
}

TEST_CASE("golden: norm for several p over dims lists", "[reduce]") {
  dims_cases("norm", kFloats, [](const Tensor& x, const Shape& d, bool k) { return x.norm(2, d, k); });
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::pair<std::string, double>> ps = {{"p1", 1.0}, {"pinf", inf}, {"pminf", -inf},
                                                          {"p0", 0.0}, {"p3", 3.0},   {"pm1.5", -1.5}};
  for (const auto& [name, p] : ps)
    dims_cases("norm" + name, {"f32"}, [p = p](const Tensor& x, const Shape& d, bool k) { return x.norm(p, d, k); });
}

TEST_CASE("golden: prod, cumsum, softmax, log_softmax, all, any over one dim", "[reduce]") {
  dim_cases("prod", kEverything, [](const Tensor& x, int64_t d) { return x.prod(d); });
  dim_cases("cumsum", kEverything, [](const Tensor& x, int64_t d) { return x.cumsum(d); });
  dim_cases("softmax", kFloats, [](const Tensor& x, int64_t d) { return x.softmax(d); });
  dim_cases("logsoftmax", kFloats, [](const Tensor& x, int64_t d) { return x.log_softmax(d); });
  dim_cases("all", kEverything, [](const Tensor& x, int64_t d) { return x.all(d); });
  dim_cases("any", kEverything, [](const Tensor& x, int64_t d) { return x.any(d); });
}

TEST_CASE("golden: argmax, argmin, max and min over one dim and over all", "[reduce]") {
  dim_cases("argmax", {"f32", "i64"}, [](const Tensor& x, int64_t d) { return x.argmax(d); });
  dim_cases("argmin", {"f64", "i64"}, [](const Tensor& x, int64_t d) { return x.argmin(d); });
  dim_cases("maxvalues", {"f32", "i64", "bool"}, [](const Tensor& x, int64_t d) { return std::get<0>(x.max(d)); });
  dim_cases("maxindices", {"f32", "i64", "bool"}, [](const Tensor& x, int64_t d) { return std::get<1>(x.max(d)); });
  dim_cases("minindices", {"f64", "i64"}, [](const Tensor& x, int64_t d) { return std::get<1>(x.min(d)); });
  for (const std::string& dt : kEverything) {
    GoldenGroup prods("prodall_" + dt);
    for (const auto& [view, x] : views(dt)) prods.check(x.prod(), "prod() of view " + view);
    if (dt == "bool") continue;
    GoldenGroup args("argflat_" + dt);
    for (const auto& [view, x] : views(dt)) {
      args.check(x.argmax(), "argmax() of view " + view);
      args.check(x.argmin(), "argmin() of view " + view);
    }
  }
}
