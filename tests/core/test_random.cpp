// Tests of the generator and the random factories.  Statistics are computed by hand here
// (no reductions), on 1e5 samples, with tolerances of about 5 standard errors.
#include <algorithm>
#include <cmath>
#include <set>

#include "helpers.h"

using namespace convis;

namespace {

template <typename T>
std::vector<double> flat(const Tensor& t) {
  Tensor c = t.contiguous();
  const T* p = c.data_ptr<T>();
  return std::vector<double>(p, p + c.numel());
}

struct Moments {
  double mean, std;
};
Moments moments(const std::vector<double>& v) {
  double sum = 0, sq = 0;
  for (double x : v) sum += x;
  double mean = sum / double(v.size());
  for (double x : v) sq += (x - mean) * (x - mean);
  return {mean, std::sqrt(sq / double(v.size() - 1))};
}

}  // namespace

TEST_CASE("Generator: bits are a pure function of seed and counter", "[random]") {
  Generator a(7), b(7), c(8);
  CHECK(a.bits(0) == b.bits(0));
  CHECK(a.bits(12345) == b.bits(12345));
  CHECK(a.bits(0) != c.bits(0));
  CHECK(a.bits(0) != a.bits(1));
  // SplitMix64 reference: the first output of the stream seeded with 0 is 0xE220A8397B1DCDAF,
  // so with key = that value, bits(0) = the first output of the stream seeded with the key.
  Generator zero(0);
  uint64_t z = 0xE220A8397B1DCDAFull + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  CHECK(zero.bits(0) == (z ^ (z >> 31)));
  CHECK(a.reserve(10) == 0);
  CHECK(a.reserve(5) == 10);
  CHECK(a.offset() == 15);
  a.manual_seed(3);
  CHECK(a.offset() == 0);
  CHECK(a.seed() == 3);
  for (uint64_t k = 0; k < 1000; ++k) {
    double u = a.uniform(k);
    float f = a.uniform_float(k);
    REQUIRE((u >= 0.0 && u < 1.0));
    REQUIRE((f >= 0.0f && f < 1.0f));
  }
}

TEST_CASE("manual_seed: same seed same numbers, different seeds differ", "[random]") {
  manual_seed(42);
  Tensor a = rand({3, 4});
  Tensor an = randn({5});
  manual_seed(42);
  Tensor b = rand({3, 4});
  Tensor bn = randn({5});
  CHECK(flat<float>(a) == flat<float>(b));
  CHECK(flat<float>(an) == flat<float>(bn));
  Tensor c = rand({3, 4});  // the offset moved on: new numbers
  CHECK(flat<float>(c) != flat<float>(a));
  manual_seed(43);
  CHECK(flat<float>(rand({3, 4})) != flat<float>(a));
  // A draw of n then m equals the first n + m values of one draw of n + m.
  manual_seed(5);
  std::vector<double> whole = flat<double>(rand({10}, kFloat64));
  manual_seed(5);
  std::vector<double> part1 = flat<double>(rand({4}, kFloat64));
  std::vector<double> part2 = flat<double>(rand({6}, kFloat64));
  part1.insert(part1.end(), part2.begin(), part2.end());
  CHECK(part1 == whole);
  CHECK(default_generator().seed() == 5);
  CHECK(default_generator().offset() == 10);
}

TEST_CASE("rand: uniform [0, 1) statistics, dtypes and errors", "[random]") {
  manual_seed(1);
  for (DType dt : {kFloat32, kFloat64}) {
    Tensor t = rand({100000}, dt);
    CHECK(t.dtype() == dt);
    std::vector<double> v = dt == kFloat32 ? flat<float>(t) : flat<double>(t);
    Moments m = moments(v);
    CHECK(m.mean == Approx(0.5).margin(0.005));
    CHECK(m.std == Approx(std::sqrt(1.0 / 12.0)).margin(0.005));
    CHECK(*std::min_element(v.begin(), v.end()) >= 0.0);
    CHECK(*std::max_element(v.begin(), v.end()) < 1.0);
    int below_tenth = int(std::count_if(v.begin(), v.end(), [](double x) { return x < 0.1; }));
    CHECK(std::abs(below_tenth - 10000) < 500);
  }
  CHECK(rand({2, 3}).dtype() == kFloat32);
  CHECK(rand({2, 0}).numel() == 0);
  CHECK(rand({}).dim() == 0);
  set_default_dtype(kFloat64);
  CHECK(rand({2}).dtype() == kFloat64);
  set_default_dtype(kFloat32);
  CHECK_THROWS_WITH(rand({2}, kInt64), Catch::Contains("[rand] expected a floating dtype") && Catch::Contains("int64"));
  CHECK_THROWS_WITH(rand({-1}), Catch::Contains("[rand] expected non-negative sizes"));
}

TEST_CASE("randn: standard normal statistics", "[random]") {
  manual_seed(2);
  for (DType dt : {kFloat32, kFloat64}) {
    Tensor t = randn({100000}, dt);
    CHECK(t.dtype() == dt);
    std::vector<double> v = dt == kFloat32 ? flat<float>(t) : flat<double>(t);
    Moments m = moments(v);
    CHECK(m.mean == Approx(0.0).margin(0.015));
    CHECK(m.std == Approx(1.0).margin(0.015));
    int within_one = int(std::count_if(v.begin(), v.end(), [](double x) { return std::abs(x) < 1.0; }));
    CHECK(std::abs(within_one - 68269) < 750);  // P(|z| < 1) = 0.682689
    for (double x : v) REQUIRE(std::isfinite(x));
  }
  CHECK_THROWS_WITH(randn({2}, kBool), Catch::Contains("[randn] expected a floating dtype") && Catch::Contains("bool"));
}

TEST_CASE("randint: range, dtype and errors", "[random]") {
  manual_seed(3);
  Tensor t = randint(-3, 4, {100000});
  CHECK(t.dtype() == kInt64);
  std::vector<double> v = flat<int64_t>(t);
  std::vector<int> counts(7, 0);
  for (double x : v) {
    REQUIRE((x >= -3 && x < 4));
    ++counts[size_t(x + 3)];
  }
  for (int c : counts) CHECK(std::abs(c - 100000 / 7) < 600);
  CHECK(moments(v).mean == Approx(0.0).margin(0.05));

  Tensor h = randint(5, {2, 3});
  CHECK(h.sizes() == Shape{2, 3});
  for (double x : flat<int64_t>(h)) CHECK((x >= 0 && x < 5));
  Tensor f = randint(0, 10, {50}, kFloat32);
  CHECK(f.dtype() == kFloat32);
  for (double x : flat<float>(f)) CHECK((x == std::floor(x) && x >= 0 && x < 10));
  CHECK(randint(0, 3, {4}, TensorOptions().device(kCPU)).dtype() == kInt64);  // no dtype: int64
  // The full int64 range does not overflow.
  Tensor wide = randint(INT64_MIN, INT64_MAX, {100});
  CHECK(flat<int64_t>(wide).size() == 100);
  CHECK(flat<int64_t>(randint(7, 8, {3})) == std::vector<double>{7, 7, 7});
  CHECK(randint(0, 2, {4}, kBool).dtype() == kBool);
  CHECK_THROWS_WITH(randint(5, 5, {2}), Catch::Contains("[randint] expected low < high, got low=5 >= high=5"));
  CHECK_THROWS_WITH(randint(-3, {2}), Catch::Contains("[randint] expected low < high, got low=0 >= high=-3"));
  CHECK_THROWS_WITH(randint(0, 3, {-2}), Catch::Contains("[randint] expected non-negative sizes"));
}

TEST_CASE("randperm is a permutation", "[random]") {
  manual_seed(4);
  for (int64_t n : {0, 1, 2, 10, 1000}) {
    Tensor p = randperm(n);
    CHECK(p.dtype() == kInt64);
    CHECK(p.sizes() == Shape{n});
    std::vector<double> v = flat<int64_t>(p);
    std::sort(v.begin(), v.end());
    for (int64_t i = 0; i < n; ++i) REQUIRE(v[size_t(i)] == double(i));
  }
  std::vector<double> a = flat<int64_t>(randperm(1000));
  int fixed = 0;
  for (size_t i = 0; i < a.size(); ++i) fixed += a[i] == double(i);
  CHECK(fixed < 10);  // a shuffle, not the identity (expected about 1 fixed point)
  manual_seed(9);
  std::vector<double> x = flat<int64_t>(randperm(50));
  manual_seed(9);
  CHECK(flat<int64_t>(randperm(50)) == x);
  Tensor pf = randperm(6, kFloat64);
  CHECK(pf.dtype() == kFloat64);
  std::vector<double> vf = flat<double>(pf);
  std::sort(vf.begin(), vf.end());
  CHECK(vf == std::vector<double>{0, 1, 2, 3, 4, 5});
  CHECK_THROWS_WITH(randperm(-1), Catch::Contains("[randperm] expected a non-negative n, got -1"));
  CHECK_THROWS_WITH(randperm(3, kBool), Catch::Contains("[randperm]") && Catch::Contains("bool"));
}

TEST_CASE("bernoulli: frequencies follow p, dtype follows p", "[random]") {
  manual_seed(6);
  Tensor p = full({100000}, 0.3);
  Tensor b = bernoulli(p);
  CHECK(b.dtype() == kFloat32);
  std::vector<double> v = flat<float>(b);
  double ones = 0;
  for (double x : v) {
    REQUIRE((x == 0.0 || x == 1.0));
    ones += x;
  }
  CHECK(std::abs(ones - 30000) < 750);
  // p = 0 and p = 1 are certain; a transposed p is read through its strides.
  Tensor q = tensor({0.0, 1.0, 0.0, 1.0, 1.0, 0.0}, kFloat64).view({2, 3}).t();  // [[0,1],[1,1],[0,0]]
  Tensor bq = bernoulli(q);
  CHECK(bq.dtype() == kFloat64);
  CHECK(bq.sizes() == Shape{3, 2});
  CHECK(flat<double>(bq) == std::vector<double>{0, 1, 1, 1, 0, 0});
  CHECK(bernoulli(tensor(1.0)).dim() == 0);
  CHECK_THROWS_WITH(bernoulli(tensor({1.5})), Catch::Contains("[bernoulli] expected probabilities in [0, 1]"));
  CHECK_THROWS_WITH(bernoulli(arange(3)), Catch::Contains("[bernoulli] expected floating") && Catch::Contains("int64"));
}

TEST_CASE("rand_like and randn_like follow the input's shape and dtype", "[random]") {
  Tensor x = empty({2, 5}, kFloat64);
  Tensor r = rand_like(x);
  CHECK(r.sizes() == Shape{2, 5});
  CHECK(r.dtype() == kFloat64);
  CHECK(randn_like(x, kFloat32).dtype() == kFloat32);
  CHECK(randn_like(x).sizes() == Shape{2, 5});
  CHECK_THROWS_WITH(rand_like(arange(3)), Catch::Contains("[rand] expected a floating dtype"));
}

TEST_CASE("random factories honour requires_grad", "[random]") {
  CHECK(convis::rand({2}, convis::TensorOptions().requires_grad(true)).requires_grad());
  CHECK(convis::randn({2}, convis::TensorOptions(convis::kFloat64).requires_grad(true)).is_leaf());
  CHECK_FALSE(convis::randn({2}).requires_grad());
}

TEST_CASE("the same seed gives the same numbers for every thread count", "[random]") {
  int before = convis::get_num_threads();
  std::vector<convis::Tensor> draws;
  for (int threads : {1, 2, 3}) {
    convis::set_num_threads(threads);
    CHECK(convis::get_num_threads() == threads);
    convis::manual_seed(7);
    draws.push_back(convis::randn({300001}));  // above the size where the draw goes parallel
  }
  convis::set_num_threads(before);
  CHECK(convis::equal(draws[0], draws[1]));
  CHECK(convis::equal(draws[0], draws[2]));
  CHECK_THROWS_WITH(convis::set_num_threads(0), Catch::Contains("[set_num_threads] expected at least 1 thread"));
}
