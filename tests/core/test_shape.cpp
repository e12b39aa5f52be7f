#include <catch2/catch.hpp>

#include <sstream>

#include "convis/core/shape.h"
#include "convis/core/error.h"

using convis::Shape;

TEST_CASE("Shape stores sizes inline and on the heap", "[shape]") {
  Shape s{2, 3, 4};
  CHECK(s.size() == 3);
  CHECK(s[1] == 3);
  CHECK(s == std::vector<int64_t>{2, 3, 4});
  Shape big{1, 2, 3, 4, 5, 6, 7, 8};
  CHECK(big.size() == 8);
  CHECK(big[7] == 8);
  Shape moved = std::move(big);
  CHECK(moved[6] == 7);
  Shape copy = moved;
  copy.erase(0);
  CHECK(copy == Shape{2, 3, 4, 5, 6, 7, 8});
  copy.insert(1, 9);
  CHECK(copy == Shape{2, 9, 3, 4, 5, 6, 7, 8});
  std::ostringstream os;
  os << s;
  CHECK(os.str() == "[2, 3, 4]");
  CHECK(fmt::format("{}", Shape{}) == "[]");
}

TEST_CASE("strides, numel and broadcasting", "[shape]") {
  CHECK(convis::numel(Shape{}) == 1);
  CHECK(convis::numel(Shape{3, 0}) == 0);
  CHECK(convis::contiguous_strides({2, 3, 4}) == Shape{12, 4, 1});
  CHECK(convis::broadcast_shapes({3, 1}, {1, 4}) == Shape{3, 4});
  CHECK(convis::broadcast_shapes({5, 3, 1}, {4}) == Shape{5, 3, 4});
  CHECK(convis::broadcast_shapes({0, 1}, {1, 4}) == Shape{0, 4});
  CHECK_THROWS_WITH(convis::broadcast_shapes({3, 2}, {4}, "add"), Catch::Contains("[add] shapes [3, 2] and [4]"));
  CHECK(convis::normalize_dim(-1, 3, "sum") == 2);
  CHECK_THROWS_WITH(convis::normalize_dim(3, 3, "sum"), Catch::Contains("dim out of range"));
}
