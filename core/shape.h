// core/shape.h: sizes and strides of a tensor, and the arithmetic on them.
//
//   convis::Shape s{2, 3, 4};
//   s.size() == 3;  s[1] == 3;  numel(s) == 24
//   contiguous_strides(s)            == Shape{12, 4, 1}
//   broadcast_shapes({3, 1}, {1, 4}) == Shape{3, 4}
//   std::cout << s;                  // prints [2, 3, 4]
//   s == std::vector<int64_t>{2, 3, 4}
//
// Note [Shape is a small vector]
// Almost every tensor has at most five dimensions, so Shape keeps up to kInline values
// inside itself and only touches the heap beyond that.  Creating a tensor then costs no
// allocation for its sizes and strides, which matters for the per-op overhead that the
// autograd benchmark measures.
#pragma once

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace convis {

class Shape {
 public:
  static constexpr size_t kInline = 6;
  using value_type = int64_t;
  using iterator = int64_t*;
  using const_iterator = const int64_t*;

  Shape() = default;
  Shape(std::initializer_list<int64_t> v) { assign(v.begin(), v.end()); }
  Shape(const std::vector<int64_t>& v) { assign(v.data(), v.data() + v.size()); }  // NOLINT
  Shape(int64_t single) { assign(&single, &single + 1); }                         // NOLINT: as IntArrayRef
  Shape(const int64_t* first, const int64_t* last) { assign(first, last); }
  explicit Shape(size_t n, int64_t value) {
    resize(n);
    std::fill(begin(), end(), value);
  }
  Shape(const Shape& o) { assign(o.begin(), o.end()); }
  Shape& operator=(const Shape& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
  }
  Shape(Shape&& o) noexcept { *this = std::move(o); }
  Shape& operator=(Shape&& o) noexcept {
    if (this == &o) return *this;
    heap_ = std::move(o.heap_);
    size_ = o.size_;
    capacity_ = o.capacity_;
    if (!heap_) std::memcpy(inline_, o.inline_, sizeof inline_);  // fixed size: a few moves, no call
    o.size_ = 0;
    o.capacity_ = kInline;
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t* data() { return heap_ ? heap_.get() : inline_; }
  const int64_t* data() const { return heap_ ? heap_.get() : inline_; }
  int64_t& operator[](size_t i) { return data()[i]; }
  int64_t operator[](size_t i) const { return data()[i]; }
  int64_t back() const { return data()[size_ - 1]; }
  int64_t front() const { return data()[0]; }
  iterator begin() { return data(); }
  iterator end() { return data() + size_; }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size_; }

  void resize(size_t n, int64_t value = 0) {  // inline: every tensor copies two Shapes
    if (n > capacity_) grow(n);
    int64_t* d = data();
    for (size_t i = size_; i < n; ++i) d[i] = value;
    size_ = n;
  }
  void push_back(int64_t v) {
    resize(size_ + 1);
    data()[size_ - 1] = v;
  }
  void insert(size_t pos, int64_t v);
  void erase(size_t pos);
  std::vector<int64_t> vec() const { return std::vector<int64_t>(begin(), end()); }
  operator std::vector<int64_t>() const { return vec(); }  // NOLINT: implicit, like IntArrayRef

  friend bool operator==(const Shape& a, const Shape& b) {  // a loop: a memcmp call costs more at this size
    if (a.size_ != b.size_) return false;
    const int64_t *x = a.data(), *y = b.data();
    for (size_t i = 0; i < a.size_; ++i)
      if (x[i] != y[i]) return false;
    return true;
  }
  friend bool operator!=(const Shape& a, const Shape& b) { return !(a == b); }
  friend bool operator==(const Shape& a, const std::vector<int64_t>& b) { return a == Shape(b); }
  friend bool operator==(const std::vector<int64_t>& a, const Shape& b) { return Shape(a) == b; }

 private:
  void assign(const int64_t* first, const int64_t* last) {
    const size_t n = size_t(last - first);
    if (n > capacity_) grow(n);
    size_ = n;
    int64_t* d = data();
    for (size_t i = 0; i < n; ++i) d[i] = first[i];  // a loop: a memmove call costs more at this size
  }
  void grow(size_t n);  // capacity for at least n values, on the heap
  int64_t inline_[kInline] = {};
  std::unique_ptr<int64_t[]> heap_;
  size_t size_ = 0;
  size_t capacity_ = kInline;
};

using IntArrayRef = Shape;

std::ostream& operator<<(std::ostream& os, const Shape& s);
std::string to_string(const Shape& s);  // "[2, 3, 4]"
std::string join(const Shape& s, std::string_view separator);  // join({2, 3, 4}, " x ") == "2 x 3 x 4"
// One value per spatial dim: a single value is repeated `spatial_dims` times, a list must have
// `spatial_dims` entries (else an Error from `op` naming the parameter `name`).
//   expand_spatial_param("conv3d", "stride", 2, 3) == Shape{2, 2, 2}
Shape expand_spatial_param(const char* op, const char* name, const Shape& values, int64_t spatial_dims);
// The values of `s` (at most 3) right-aligned in (T, H, W), the leading ones `fill`: how a
// 1-d or 2-d convolution or pooling runs as a 3-d one.
//   right_align3({5, 7}, 1) == {1, 5, 7}
std::array<int64_t, 3> right_align3(const Shape& s, int64_t fill);

// Product of the sizes (1 for a 0-dim shape).
int64_t numel(const Shape& sizes);
// Row-major strides for `sizes`.
Shape contiguous_strides(const Shape& sizes);
// NumPy broadcasting; throws Error naming `op` when the shapes do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op = "broadcast_shapes");
// Maps a possibly negative dim into [0, ndim); throws Error naming `op` when out of range.
int64_t normalize_dim(int64_t dim, int64_t ndim, const char* op);
// Normalizes a list of dims, checks they are distinct; an empty list means "all dims".
std::vector<int64_t> normalize_dims(const Shape& dims, int64_t ndim, const char* op);

}  // namespace convis

namespace convis::detail {
// Base of our fmt formatters: no format spec, the value printed as its to_string.
struct PlainFormatter {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
};
}  // namespace convis::detail

template <>
struct fmt::formatter<convis::Shape> : convis::detail::PlainFormatter {
  template <typename Ctx>
  auto format(const convis::Shape& s, Ctx& ctx) const {
    return fmt::format_to(ctx.out(), "{}", convis::to_string(s));
  }
};
