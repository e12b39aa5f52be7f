// core/format.cpp: printing tensors byte for byte as LibTorch 1.13's operator<< does.
//
// Note [Printing as LibTorch]
// LibTorch converts the tensor to double and picks one format per matrix:
//   - intMode (every finite value is whole): width = digits of the largest + 1, printed with
//     the stream's default float format; with more than 9 digits, scientific instead.
//   - otherwise, from expMin/expMax = the decimal exponents (floor(log10|x|) + 1) of the
//     smallest and largest finite magnitudes: scientific (width 11, or 12 when an exponent
//     needs three digits) when they differ by more than 4; else fixed with 4 decimals and
//     width expMax + 6 (7 when expMax is 0), where expMax > 5 or < 0 instead divides every
//     value by a common scale 10^(expMax-1), printed on its own line first ("1e+05 *").
// Quirks kept on purpose, because users compare our text with LibTorch's:
//   - expMax only grows on values x with x > expMax (the signed value), so large negative
//     numbers do not widen the format;
//   - a 1-D tensor prints one value per line; a matrix wider than the line width prints in
//     blocks headed "Columns a to b" with the first row on the same line as the header;
//   - the rows after the first of a scaled matrix get one extra space of indent;
//   - in 3-D and up, the leading index runs fastest over the FIRST dim, each "(i,j,.,.) = "
//     block is formatted on its own and indented by one space;
//   - 0-dim tensors print with the stream's current precision and default float format;
//   - no summarisation: LibTorch's C++ printer prints every element.
// Our one extension, set_print_options: `precision` replaces the 4 decimals (and widens or
// narrows the fixed and scientific columns by precision - 4), `linewidth` replaces the 80.
// The stream's own format (flags, precision, width) is saved and restored around the print,
// as LibTorch's FormatGuard does (so a width set before `<< t` applies to what follows).
#include "convis/core/format.h"

#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <tuple>
#include <vector>

namespace convis {

namespace {

PrintOptions g_options;

struct FormatGuard {
  explicit FormatGuard(std::ostream& os) : os_(os), saved_(nullptr) { saved_.copyfmt(os); }
  ~FormatGuard() { os_.copyfmt(saved_); }
  FormatGuard(const FormatGuard&) = delete;
  FormatGuard& operator=(const FormatGuard&) = delete;

 private:
  std::ostream& os_;
  std::ios saved_;
};

std::ostream& defaultfloat(std::ostream& os) {
  os.unsetf(std::ios_base::floatfield);
  return os;
}

// Row-major values of `t` as doubles, read through its strides (any dtype, any layout).
std::vector<double> to_doubles(const Tensor& t) {
  std::vector<double> out;
  out.reserve(size_t(t.numel()));
  if (t.numel() == 0) return out;
  std::vector<int64_t> idx(size_t(t.dim()), 0);
  visit_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* base = reinterpret_cast<const T*>(t.storage()->data()) + t.storage_offset();
    for (int64_t k = 0; k < t.numel(); ++k) {
      int64_t off = 0;
      for (int64_t d = 0; d < t.dim(); ++d) off += idx[size_t(d)] * t.strides()[size_t(d)];
      out.push_back(double(base[off]));
      for (int64_t d = t.dim() - 1; d >= 0; --d) {
        if (++idx[size_t(d)] < t.sizes()[size_t(d)]) break;
        idx[size_t(d)] = 0;
      }
    }
  });
  return out;
}

// Chooses the format of the n values at p (see Note [Printing as LibTorch]), sets it on the
// stream, and returns (scale, width).
std::tuple<double, int64_t> print_format(std::ostream& os, const double* p, int64_t n, int precision) {
  if (n == 0) return {1.0, 0};
  bool int_mode = true;
  for (int64_t i = 0; i < n && int_mode; ++i)
    if (std::isfinite(p[i]) && p[i] != std::ceil(p[i])) int_mode = false;
  int64_t first = 0;
  while (first < n && !std::isfinite(p[first])) ++first;
  double exp_min = 1, exp_max = 1;
  if (first < n) {
    exp_min = exp_max = std::fabs(p[first]);
    for (int64_t i = first; i < n; ++i) {
      double z = std::fabs(p[i]);
      if (!std::isfinite(z)) continue;
      if (z < exp_min) exp_min = z;
      if (p[i] > exp_max) exp_max = z;  // the signed comparison is LibTorch's
    }
    exp_min = exp_min != 0 ? std::floor(std::log10(exp_min)) + 1 : 1;
    exp_max = exp_max != 0 ? std::floor(std::log10(exp_max)) + 1 : 1;
  }
  double scale = 1;
  int64_t width;
  int64_t extra = precision - 4;  // LibTorch's widths assume 4 decimals; see set_print_options
  if (int_mode) {
    if (exp_max > 9) {
      width = 11 + extra;
      os << std::scientific << std::setprecision(precision);
    } else {
      width = int64_t(exp_max) + 1;
      os << defaultfloat;
    }
  } else if (exp_max - exp_min > 4) {
    width = (std::fabs(exp_max) > 99 || std::fabs(exp_min) > 99 ? 12 : 11) + extra;
    os << std::scientific << std::setprecision(precision);
  } else {
    width = (exp_max == 0 ? 7 : int64_t(exp_max) + 6) + extra;
    if (exp_max > 5 || exp_max < 0) {
      width = 7 + extra;
      scale = std::pow(10, exp_max - 1);
    }
    os << std::fixed << std::setprecision(precision);
  }
  return {scale, width};
}

void print_indent(std::ostream& os, int64_t indent) {
  for (int64_t i = 0; i < indent; ++i) os << ' ';
}

void print_scale(std::ostream& os, double scale) {
  FormatGuard guard(os);
  os << defaultfloat << scale << " *" << std::endl;
}

// A rows x cols row-major matrix at p, in blocks of columns that fit in `linesize`.
void print_matrix(std::ostream& os, const double* p, int64_t rows, int64_t cols, int64_t linesize, int64_t indent,
                  int precision) {
  auto [scale, width] = print_format(os, p, rows * cols, precision);
  print_indent(os, indent);
  int64_t per_line = std::max<int64_t>((linesize - indent) / (width + 1), 1);
  for (int64_t first = 0; first < cols;) {
    int64_t last = first + per_line <= cols ? first + per_line - 1 : cols - 1;
    if (per_line < cols) {
      if (first != 0) os << std::endl;
      os << "Columns " << first + 1 << " to " << last + 1;
      print_indent(os, indent);
    }
    if (scale != 1) {
      print_scale(os, scale);
      print_indent(os, indent);
    }
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = first; c <= last; ++c) {
        os << std::setw(int(width)) << p[r * cols + c] / scale;
        if (c != last) {
          os << ' ';
          continue;
        }
        os << std::endl;
        if (r != rows - 1) {
          print_indent(os, indent);
          if (scale != 1) os << ' ';
        }
      }
    }
    first = last + 1;
  }
}

// 3-D and up: one "(i,j,.,.) = " block per matrix, the first leading dim running fastest.
void print_blocks(std::ostream& os, const std::vector<double>& v, const Shape& sizes, const PrintOptions& o) {
  size_t lead = sizes.size() - 2;
  int64_t rows = sizes[lead], cols = sizes[lead + 1];
  Shape strides = contiguous_strides(sizes);
  std::vector<int64_t> counter(lead, 0);
  for (bool start = true;; start = false) {
    if (!start) {
      size_t i = 0;
      while (i < lead && ++counter[i] >= sizes[i]) counter[i++] = 0;
      if (i == lead) break;
      os << std::endl;
    }
    os << "(";
    int64_t offset = 0;
    for (size_t i = 0; i < lead; ++i) {
      offset += counter[i] * strides[i];
      os << counter[i] + 1 << ",";
    }
    os << ".,.) = " << std::endl;
    print_matrix(os, v.data() + offset, rows, cols, o.linewidth, 1, o.precision);
  }
}

void print_sizes(std::ostream& os, const Shape& sizes) {
  os << "{";
  for (size_t i = 0; i < sizes.size(); ++i) os << (i ? "," : "") << sizes[i];
  os << "}";
}

void print_tensor(std::ostream& os, const Tensor& t) {
  const PrintOptions o = g_options;
  Tensor cpu = t.is_cpu() ? t : t.cpu();
  std::vector<double> v = to_doubles(cpu);
  if (t.dim() == 0) {
    os << defaultfloat << v[0] << std::endl;
  } else if (t.dim() == 1 && !v.empty()) {
    auto [scale, width] = print_format(os, v.data(), int64_t(v.size()), o.precision);
    if (scale != 1) print_scale(os, scale);
    for (double x : v) os << std::setw(int(width)) << x / scale << std::endl;
  } else if (t.dim() == 2 && !v.empty()) {
    print_matrix(os, v.data(), t.size(0), t.size(1), o.linewidth, 0, o.precision);
  } else if (!v.empty()) {
    print_blocks(os, v, t.sizes(), o);
  }
  os << "[ " << type_string(t);
  print_sizes(os, t.sizes());
  os << " ]";
}

}  // namespace

void set_print_options(const PrintOptions& options) {
  CONVIS_CHECK(options.precision >= 0 && options.precision <= 30, "set_print_options",
               "expected a precision in [0, 30], got {}", options.precision);
  CONVIS_CHECK(options.linewidth > 0, "set_print_options", "expected a positive linewidth, got {}",
               options.linewidth);
  g_options = options;
}

PrintOptions get_print_options() { return g_options; }

std::string type_string(const Tensor& t) {
  const char* device = t.is_cuda() ? "CUDA" : "CPU";
  const char* type = "Float";
  switch (t.dtype()) {
    case DType::Bool: type = "Bool"; break;
    case DType::Int64: type = "Long"; break;
    case DType::Float32: type = "Float"; break;
    case DType::Float64: type = "Double"; break;
  }
  return std::string(device) + type + "Type";
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  FormatGuard guard(os);
  if (!t.defined()) return os << "[ Tensor (undefined) ]";
  print_tensor(os, t);
  return os;
}

std::string to_string(const Tensor& t) {
  std::ostringstream os;
  os << t;
  return std::move(os).str();
}

}  // namespace convis
