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
// Our extension, set_print_options: `precision` replaces the 4 decimals (and widens or narrows
// the fixed and scientific columns by precision - 4), `linewidth` replaces the 80, and an opt-in
// `threshold` summarises as PyTorch's Python printer does: a tensor with more elements keeps
// only the first and last `edgeitems` indices of each dim longer than 2 * edgeitems. Only the
// kept elements are read, and they alone choose the format (scale, width), per matrix as above.
// A skipped run prints as "..." right-aligned in the column width: one "..." line in a 1-D
// column, a "..." row and a "..." column in a matrix (a block of "Columns" never starts with
// the "..." column), and a "..." line between the "(i,j,.,.) = " blocks of 3-D and up. Block
// labels, "Columns a to b" and the footer keep the full tensor's indices and shape.
// The stream's own format (flags, precision, width) is saved and restored around the print,
// as LibTorch's FormatGuard does (so a width set before `<< t` applies to what follows).
#include "convis/core/format.h"
#include "convis/core/native/view.h"

#include <algorithm>
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

// The indices of one dim that are printed, and where the "..." marker goes between them.
struct Axis {
  std::vector<int64_t> keep;  // ascending indices into the dim
  int64_t gap = -1;           // "..." is printed before keep[gap]; -1 when nothing is skipped
  int64_t size() const { return int64_t(keep.size()); }
};

// All n indices, or (when summarising a dim longer than 2 * edge) the first and last `edge`.
Axis make_axis(int64_t n, bool summarise, int64_t edge) {
  Axis a;
  if (summarise && n > 2 * edge) {
    for (int64_t i = 0; i < edge; ++i) a.keep.push_back(i);
    a.gap = edge;
    for (int64_t i = n - edge; i < n; ++i) a.keep.push_back(i);
  } else {
    for (int64_t i = 0; i < n; ++i) a.keep.push_back(i);
  }
  return a;
}

// Row-major values of the kept elements of `t` (axes[d] per dim) as doubles, read through its
// strides (any dtype, any layout).  Only what is printed is read.
std::vector<double> to_doubles(const Tensor& t, const std::vector<Axis>& axes) {
  std::vector<double> out;
  int64_t total = 1;
  for (const Axis& a : axes) total *= a.size();
  if (t.numel() == 0 || total == 0) return out;
  out.reserve(size_t(total));
  std::vector<int64_t> pos(axes.size(), 0);
  visit_dtype(t.dtype(), [&](auto tag) {
    using T = decltype(tag);
    const T* base = reinterpret_cast<const T*>(t.storage()->data()) + t.storage_offset();
    for (int64_t k = 0; k < total; ++k) {
      int64_t off = 0;
      for (size_t d = 0; d < axes.size(); ++d) off += axes[d].keep[size_t(pos[d])] * t.strides()[d];
      out.push_back(double(base[off]));
      for (size_t d = axes.size(); d-- > 0;) {
        if (++pos[d] < axes[d].size()) break;
        pos[d] = 0;
      }
    }
  });
  return out;
}

// The printed cells of an axis in order: positions into axis.keep, and -1 for the "..." marker.
std::vector<int64_t> cells_of(const Axis& axis) {
  std::vector<int64_t> cells;
  for (int64_t i = 0; i < axis.size(); ++i) {
    if (i == axis.gap) cells.push_back(-1);
    cells.push_back(i);
  }
  return cells;
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

// One row of a block of columns: the cells first..last ("..." for -1), then a newline.
void print_row(std::ostream& os, const double* row, const std::vector<int64_t>& cells, size_t first, size_t last,
               double scale, int64_t width) {
  for (size_t c = first; c <= last; ++c) {
    os << std::setw(int(width));
    if (cells[c] < 0)
      os << "...";
    else
      os << row[cells[c]] / scale;
    if (c != last) os << ' ';
  }
  os << std::endl;
}

// The kept rows x cols of a matrix, row-major at p, in blocks of columns that fit in `linesize`.
// A skipped run of rows prints as one "..." line, of columns as one "..." column.
void print_matrix(std::ostream& os, const double* p, const Axis& rows, const Axis& cols, int64_t linesize,
                  int64_t indent, int precision) {
  auto [scale, width] = print_format(os, p, rows.size() * cols.size(), precision);
  print_indent(os, indent);
  std::vector<int64_t> row_cells = cells_of(rows), col_cells = cells_of(cols);
  size_t ncells = col_cells.size();
  size_t per_line = size_t(std::max<int64_t>((linesize - indent) / (width + 1), 1));
  for (size_t first = 0; first < ncells;) {
    size_t last = std::min(first + per_line, ncells) - 1;
    if (last + 1 < ncells && col_cells[last + 1] < 0) ++last;  // a block never starts with "..."
    if (per_line < ncells) {
      if (first != 0) os << std::endl;
      int64_t last_col = col_cells[last] >= 0 ? col_cells[last] : col_cells[last - 1];
      os << "Columns " << cols.keep[size_t(col_cells[first])] + 1 << " to " << cols.keep[size_t(last_col)] + 1;
      print_indent(os, indent);
    }
    if (scale != 1) {
      print_scale(os, scale);
      print_indent(os, indent);
    }
    for (size_t r = 0; r < row_cells.size(); ++r) {
      if (row_cells[r] < 0)
        os << std::setw(int(width)) << "..." << std::endl;
      else
        print_row(os, p + row_cells[r] * cols.size(), col_cells, first, last, scale, width);
      if (r + 1 != row_cells.size()) {
        print_indent(os, indent);
        if (scale != 1) os << ' ';
      }
    }
    first = last + 1;
  }
}

// A 1-D tensor: one value per line, a skipped run as one "..." line.
void print_column(std::ostream& os, const std::vector<double>& v, const Axis& axis, int precision) {
  auto [scale, width] = print_format(os, v.data(), int64_t(v.size()), precision);
  if (scale != 1) print_scale(os, scale);
  for (int64_t i = 0; i < axis.size(); ++i) {
    if (i == axis.gap) os << std::setw(int(width)) << "..." << std::endl;
    os << std::setw(int(width)) << v[size_t(i)] / scale << std::endl;
  }
}

// 3-D and up: one "(i,j,.,.) = " block per kept matrix, the first leading dim running fastest;
// where a leading index skips a run, a "..." line stands for the skipped blocks.
void print_blocks(std::ostream& os, const std::vector<double>& v, const std::vector<Axis>& axes,
                  const PrintOptions& o) {
  size_t lead = axes.size() - 2;
  Shape kept;
  for (const Axis& a : axes) kept.push_back(a.size());
  Shape strides = contiguous_strides(kept);
  std::vector<int64_t> counter(lead, 0);
  for (bool start = true;; start = false) {
    if (!start) {
      size_t i = 0;
      while (i < lead && ++counter[i] >= kept[i]) counter[i++] = 0;
      if (i == lead) break;
      os << std::endl;
      if (counter[i] == axes[i].gap) os << "..." << std::endl << std::endl;
    }
    os << "(";
    int64_t offset = 0;
    for (size_t i = 0; i < lead; ++i) {
      offset += counter[i] * strides[i];
      os << axes[i].keep[size_t(counter[i])] + 1 << ",";
    }
    os << ".,.) = " << std::endl;
    print_matrix(os, v.data() + offset, axes[lead], axes[lead + 1], o.linewidth, 1, o.precision);
  }
}

void print_sizes(std::ostream& os, const Shape& sizes) {
  os << "{";
  for (size_t i = 0; i < sizes.size(); ++i) os << (i ? "," : "") << sizes[i];
  os << "}";
}

void print_tensor(std::ostream& os, const Tensor& t) {
  const PrintOptions o = g_options;
  Tensor cpu = t.is_cpu() ? t : native::to(t, Device(kCPU));
  std::vector<Axis> axes;
  for (int64_t d = 0; d < t.dim(); ++d) axes.push_back(make_axis(t.size(d), t.numel() > o.threshold, o.edgeitems));
  std::vector<double> v = to_doubles(cpu, axes);
  if (t.dim() == 0) {
    os << defaultfloat << v[0] << std::endl;
  } else if (t.dim() == 1 && !v.empty()) {
    print_column(os, v, axes[0], o.precision);
  } else if (t.dim() == 2 && !v.empty()) {
    print_matrix(os, v.data(), axes[0], axes[1], o.linewidth, 0, o.precision);
  } else if (!v.empty()) {
    print_blocks(os, v, axes, o);
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
  CONVIS_CHECK(options.threshold >= 0, "set_print_options", "expected a non-negative threshold, got {}",
               options.threshold);
  CONVIS_CHECK(options.edgeitems > 0, "set_print_options", "expected a positive edgeitems, got {}",
               options.edgeitems);
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
