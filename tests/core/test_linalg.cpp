// Matrix products: hand-derived values, a naive reference for views and odd sizes, shapes of
// every matmul case, dtypes and the error messages.  Golden values: test_linalg_golden.cpp.
#include "conv_reference.h"
#include "helpers.h"

using namespace convis;
using convis_test::naive_mm;
using convis_test::pattern;

TEST_CASE("mm of a small matrix by hand, every dtype", "[linalg]") {
  for (DType dt : {kFloat32, kFloat64, kInt64}) {
    Tensor a = arange(6, dt).view({2, 3});  // [[0, 1, 2], [3, 4, 5]]
    Tensor b = arange(6, dt).view({3, 2});  // [[0, 1], [2, 3], [4, 5]]
    Tensor c = mm(a, b);
    CHECK(c.dtype() == dt);
    CHECK(c.is_contiguous());
    CHECK_ALLCLOSE(c, tensor({10, 13, 28, 40}, dt).view({2, 2}));
    CHECK_ALLCLOSE(a.mm(b), c);
    CHECK_ALLCLOSE(a.matmul(b), c);
  }
}

TEST_CASE("mm of transposed and stepped views needs no copy and matches the naive product", "[linalg]") {
  Tensor a = pattern({7, 5}, kFloat64).t();          // [5, 7], strides [1, 5]
  Tensor b = pattern({4, 7}, kFloat64).t();          // [7, 4], col stride 7: packed by the kernel
  CHECK_ALLCLOSE(mm(a, b), naive_mm(a, b));
  Tensor big = pattern({9, 12}, kFloat32);
  Tensor s1 = big.slice(0, 1, 9, 2).slice(1, 0, 12, 3);  // [4, 4], strides [24, 3]
  Tensor s2 = big.slice(1, 2, 12, 2).slice(0, 0, 4);     // [4, 5], strides [12, 2]
  CHECK_ALLCLOSE(mm(s1, s2).to(kFloat64), naive_mm(s1, s2));
  Tensor ex = pattern({1, 6}, kFloat64).expand({3, 6});  // row stride 0
  CHECK_ALLCLOSE(mm(ex, b.slice(0, 0, 6)), naive_mm(ex, b.slice(0, 0, 6)));
}

TEST_CASE("mm across the kernel's column strips and with a single column", "[linalg]") {
  for (DType dt : {kFloat64, kInt64}) {
    Tensor a = pattern({3, 17}, dt), b = pattern({17, 300}, dt);  // 300 > one 256-column strip
    CHECK_ALLCLOSE(mm(a, b).to(kFloat64), naive_mm(a, b));
    CHECK_ALLCLOSE(mm(a, b.t().contiguous().t()).to(kFloat64), naive_mm(a, b));
    Tensor col = b.slice(1, 5, 6);  // [17, 1] with row stride 300
    CHECK_ALLCLOSE(mm(a.t().contiguous().t(), col).to(kFloat64), naive_mm(a, col));
  }
  Tensor x = pattern({40, 300}, kFloat32), y = pattern({300, 33}, kFloat32);
  CHECK_ALLCLOSE(mm(x, y).to(kFloat64), naive_mm(x, y));  // exact: small integers
}

TEST_CASE("matmul covers every rank combination as torch", "[linalg]") {
  Tensor v = arange(3, kFloat64);  // [0, 1, 2]
  Tensor d = matmul(v, v);
  CHECK(d.dim() == 0);
  CHECK(d.item<double>() == 5.0);
  Tensor m = arange(12, kFloat64).view({3, 4});
  CHECK_ALLCLOSE(matmul(v, m), tensor({20.0, 23.0, 26.0, 29.0}, kFloat64));  // [3] @ [3, 4] -> [4]
  CHECK_ALLCLOSE(matmul(m.t(), v), tensor({20.0, 23.0, 26.0, 29.0}, kFloat64));  // [4, 3] @ [3] -> [4]
  Tensor batch = arange(30, kFloat64).view({5, 2, 3});
  Tensor bv = matmul(batch, v);  // [5, 2, 3] @ [3] -> [5, 2]
  REQUIRE(bv.sizes() == Shape{5, 2});
  CHECK(bv[4][1].item<double>() == 27 * 0 + 28 * 1 + 29 * 2);
  Tensor vb = matmul(arange(2, kFloat64), batch);  // [2] @ [5, 2, 3] -> [5, 3]
  REQUIRE(vb.sizes() == Shape{5, 3});
  CHECK(vb[3][2].item<double>() == 23.0 + 0 * 20);
  Tensor a4 = pattern({2, 1, 3, 4}, kFloat64), b3 = pattern({5, 4, 6}, kFloat64);
  Tensor c = matmul(a4, b3);
  REQUIRE(c.sizes() == Shape{2, 5, 3, 6});
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 5; ++j) CHECK_ALLCLOSE(c.select(0, i).select(0, j), naive_mm(a4[i][0], b3[j]));
}

TEST_CASE("matmul of expanded and transposed batches", "[linalg]") {
  Tensor a = pattern({3, 4}, kFloat32).expand({5, 3, 4});   // batch stride 0
  Tensor b = pattern({5, 6, 4}, kFloat32).transpose(1, 2);  // [5, 4, 6], transposed matrices
  Tensor c = matmul(a, b);
  REQUIRE(c.sizes() == Shape{5, 3, 6});
  for (int64_t j = 0; j < 5; ++j) CHECK_ALLCLOSE(c[j].to(kFloat64), naive_mm(a[j], b[j]));
  Tensor p = pattern({4, 2, 3, 2}, kFloat64).permute({1, 0, 2, 3});  // [2, 4, 3, 2], batch dims not mergeable
  Tensor q = pattern({2, 4, 2, 5}, kFloat64);
  Tensor r = matmul(p, q);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 4; ++j) CHECK_ALLCLOSE(r[i][j], naive_mm(p[i][j], q[i][j]));
}

TEST_CASE("bmm, mv, dot and outer by hand", "[linalg]") {
  Tensor a = arange(12, kFloat32).view({2, 2, 3}), b = arange(12, kFloat32).view({2, 3, 2});
  Tensor c = bmm(a, b);
  CHECK_ALLCLOSE(c[0], tensor({10.0f, 13.0f, 28.0f, 40.0f}).view({2, 2}));
  CHECK_ALLCLOSE(c[1].to(kFloat64), naive_mm(a[1], b[1]));
  CHECK_ALLCLOSE(a.bmm(b), c);
  Tensor m = arange(6, kInt64).view({2, 3}), v = tensor({1, -1, 2});
  CHECK_ALLCLOSE(mv(m, v), tensor({3, 9}));
  CHECK_ALLCLOSE(m.mv(v), tensor({3, 9}));
  CHECK(dot(v, v).item<int64_t>() == 6);
  CHECK(v.dot(v).dim() == 0);
  Tensor o = outer(tensor({1.0f, 2.0f}), tensor({3, 4, 5}));  // float32 x int64 -> float32
  CHECK_ALLCLOSE(o, tensor({3.0f, 4.0f, 5.0f, 6.0f, 8.0f, 10.0f}).view({2, 3}));
  CHECK_ALLCLOSE(tensor({1.0}, kFloat64).outer(tensor({2.0f})), tensor({2.0}, kFloat64).view({1, 1}));
  CHECK_ALLCLOSE(outer(tensor({true, false}), tensor({true, true})),
                 tensor({true, true, false, false}).view({2, 2}));
}

TEST_CASE("products with an empty dimension", "[linalg]") {
  CHECK(mm(zeros({0, 3}), zeros({3, 4})).sizes() == Shape{0, 4});
  CHECK_ALLCLOSE(mm(ones({2, 0}), ones({0, 4})), zeros({2, 4}));  // k = 0: all zeros
  CHECK(dot(zeros({0}), zeros({0})).item<float>() == 0.0f);
  CHECK(bmm(zeros({0, 2, 3}), zeros({0, 3, 4})).sizes() == Shape{0, 2, 4});
  CHECK(matmul(zeros({2, 0, 3}), zeros({3, 4})).sizes() == Shape{2, 0, 4});
  CHECK_ALLCLOSE(matmul(ones({3, 2, 0}), ones({0, 5})), zeros({3, 2, 5}));
}

TEST_CASE("linalg errors name the op, the shapes and the dtypes", "[linalg]") {
  Tensor a = ones({2, 3}), b = ones({4, 5});
  CHECK_THROWS_WITH(matmul(a, b), Catch::Contains("[matmul] expected the inner sizes to match, got shapes [2, 3] and "
                                                  "[4, 5]"));
  CHECK_THROWS_WITH(mm(a, b), Catch::Contains("[mm] expected the inner sizes to match, got shapes [2, 3] and [4, 5]"));
  CHECK_THROWS_WITH(matmul(ones({3}), ones({4})), Catch::Contains("[matmul] expected the inner sizes to match"));
  CHECK_THROWS_WITH(matmul(ones({2, 3, 4}), ones({5, 3})), Catch::Contains("[2, 3, 4] and [5, 3]"));
  CHECK_THROWS_WITH(matmul(a, ones({3, 4}, kFloat64)),
                    Catch::Contains("[matmul] expected scalar type float32 but found float64"));
  CHECK_THROWS_WITH(mm(ones({2, 3}, kInt64), ones({3, 2})), Catch::Contains("[mm] expected scalar type int64 but "
                                                                            "found float32"));
  CHECK_THROWS_WITH(matmul(tensor(1.0f), ones({3})),
                    Catch::Contains("[matmul] expected both arguments to be at least 1-D, got 0-D and 1-D"));
  CHECK_THROWS_WITH(matmul(ones({2, 3, 4}), ones({3, 4, 5})),
                    Catch::Contains("[matmul] expected batch dims that broadcast, got shapes [2, 3, 4] and [3, 4, 5]"));
  CHECK_THROWS_WITH(mm(ones({3}), ones({3, 4})), Catch::Contains("[mm] expected a 2-D matrix as the first argument, "
                                                                 "got a 1-D tensor of shape [3]"));
  CHECK_THROWS_WITH(mm(a, ones({3})), Catch::Contains("[mm] expected a 2-D matrix as the second argument"));
  CHECK_THROWS_WITH(bmm(ones({2, 3, 4}), ones({3, 4, 5})),
                    Catch::Contains("[bmm] expected equal batch sizes, got shapes [2, 3, 4] and [3, 4, 5]"));
  CHECK_THROWS_WITH(bmm(a, b), Catch::Contains("[bmm] expected two 3-D tensors"));
  CHECK_THROWS_WITH(bmm(ones({2, 3, 4}), ones({2, 3, 4})), Catch::Contains("[bmm] expected the inner sizes"));
  CHECK_THROWS_WITH(mv(a, ones({4})), Catch::Contains("[mv] expected the inner sizes to match, got shapes [2, 3] and "
                                                      "[4]"));
  CHECK_THROWS_WITH(mv(ones({3}), ones({3})), Catch::Contains("[mv] expected a 2-D matrix and a 1-D vector"));
  CHECK_THROWS_WITH(dot(a, ones({3})), Catch::Contains("[dot] expected two 1-D tensors, got 2-D and 1-D"));
  CHECK_THROWS_WITH(dot(ones({3}), ones({4})), Catch::Contains("[dot] expected vectors of the same length"));
  CHECK_THROWS_WITH(dot(ones({3}), ones({3}, kFloat64)), Catch::Contains("[dot] expected scalar type float32"));
  CHECK_THROWS_WITH(outer(a, ones({3})), Catch::Contains("[outer] expected two 1-D tensors"));
  CHECK_THROWS_WITH(mm(ones({2, 2}, kBool), ones({2, 2}, kBool)), Catch::Contains("[mm] expected float32, float64 "
                                                                                  "or int64 operands, got bool"));
  CHECK_THROWS_WITH(mm(Tensor(), a), Catch::Contains("[mm] expected two defined tensors"));
}
