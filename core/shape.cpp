#include "convis/core/shape.h"

#include <ostream>

#include "convis/core/error.h"

namespace convis {

void Shape::grow(size_t n) {
  size_t cap = std::max(n, capacity_ * 2);
  std::unique_ptr<int64_t[]> grown(new int64_t[cap]);
  std::copy(begin(), end(), grown.get());
  heap_ = std::move(grown);
  capacity_ = cap;
}

void Shape::insert(size_t pos, int64_t v) {
  resize(size_ + 1);
  int64_t* d = data();
  for (size_t i = size_ - 1; i > pos; --i) d[i] = d[i - 1];
  d[pos] = v;
}

void Shape::erase(size_t pos) {
  int64_t* d = data();
  for (size_t i = pos; i + 1 < size_; ++i) d[i] = d[i + 1];
  --size_;
}

std::string join(const Shape& s, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += separator;
    out += std::to_string(s[i]);
  }
  return out;
}

std::string to_string(const Shape& s) {
  std::string out = "[";
  out += join(s, ", ");
  out += ']';
  return out;
}

std::array<int64_t, 3> right_align3(const Shape& s, int64_t fill) {
  CONVIS_ASSERT(s.size() <= 3, "right_align3: expected at most 3 values, got {}", s.size());
  std::array<int64_t, 3> out{fill, fill, fill};
  for (size_t i = 0; i < s.size(); ++i) out[3 - s.size() + i] = s[i];
  return out;
}

Shape expand_spatial_param(const char* op, const char* name, const Shape& values, int64_t spatial_dims) {
  CONVIS_CHECK(values.size() == 1 || int64_t(values.size()) == spatial_dims, op,
               "expected {} to be a single value or a list of {} values (one per spatial dim), got {}={}", name,
               spatial_dims, name, values);
  return values.size() == 1 ? Shape(size_t(spatial_dims), values[0]) : values;
}

std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << to_string(s); }

int64_t numel(const Shape& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

Shape contiguous_strides(const Shape& sizes) {
  Shape strides(sizes.size(), 1);
  int64_t acc = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = acc;
    acc *= std::max<int64_t>(sizes[i], 1);
  }
  return strides;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n, 1);
  for (size_t i = 0; i < n; ++i) {
    int64_t sa = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t sb = i < n - b.size() ? 1 : b[i - (n - b.size())];
    CONVIS_CHECK(sa == sb || sa == 1 || sb == 1, op,
                 "shapes {} and {} do not broadcast: size {} and size {} at dim {} (counting from the left of the "
                 "broadcast shape)",
                 a, b, sa, sb, i);
    out[i] = sa == 1 ? sb : sa;
  }
  return out;
}

int64_t normalize_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t lo = ndim == 0 ? -1 : -ndim, hi = ndim == 0 ? 0 : ndim - 1;
  CONVIS_CHECK(dim >= lo && dim <= hi, op, "dim out of range: expected a dim in [{}, {}] for a {}-D tensor, got {}",
               lo, hi, ndim, dim);
  return dim < 0 ? dim + std::max<int64_t>(ndim, 1) : dim;
}

std::vector<int64_t> normalize_dims(const Shape& dims, int64_t ndim, const char* op) {
  std::vector<int64_t> out;
  if (dims.empty()) {
    for (int64_t d = 0; d < ndim; ++d) out.push_back(d);
    return out;
  }
  std::vector<bool> seen(size_t(std::max<int64_t>(ndim, 1)), false);
  for (int64_t d : dims) {
    int64_t n = normalize_dim(d, ndim, op);
    CONVIS_CHECK(!seen[size_t(n)], op, "expected distinct dims, got dim {} twice in {}", n, dims);
    seen[size_t(n)] = true;
    out.push_back(n);
  }
  return out;
}

}  // namespace convis
