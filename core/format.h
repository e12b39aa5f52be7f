// core/format.h: printing tensors as LibTorch prints them.
//
//   std::cout << convis::arange(4).view({2, 2});
//   //  0  1
//   //  2  3
//   // [ CPULongType{2,2} ]
//   fmt::print("{}\n", t);            // the same text through fmt
//   convis::set_print_options({.precision = 6});   // LibTorch always uses 4
//
// Summarising is opt-in (LibTorch's C++ printer never summarises; PyTorch's Python one does):
// a tensor with more than `threshold` elements prints only the first and last `edgeitems`
// indices of each dim longer than 2 * edgeitems, with "..." for what is skipped.
//   convis::set_print_options({.threshold = 10, .edgeitems = 2});
//   std::cout << convis::arange(20);                  // a 1-D column gets a "..." line
//   //   0
//   //   1
//   // ...
//   //  18
//   //  19
//   // [ CPULongType{20} ]
//   std::cout << convis::arange(100).view({10, 10});  // a "..." column and a "..." row
//   //   0   1 ...   8   9
//   //  10  11 ...  18  19
//   // ...
//   //  80  81 ...  88  89
//   //  90  91 ...  98  99
//   // [ CPULongType{10,10} ]
//   convis::set_print_options({.threshold = 10, .edgeitems = 1});
//   std::cout << convis::arange(80).view({5, 4, 4});  // a "..." line for blocks (2..4,.,.)
//   // (1,.,.) =
//   //    0 ...   3
//   //  ...
//   //   12 ...  15
//   //
//   // ...
//   //
//   // (5,.,.) =
//   //   64 ...  67
//   //  ...
//   //   76 ...  79
//   // [ CPULongType{5,4,4} ]
// The "..." is right-aligned in the column width; the format (scale line, column width) is
// chosen from the printed elements only; block labels, "Columns a to b" and the footer keep
// the full tensor's indices and shape.
//
// The text is LibTorch 1.13's, byte for byte (see Note [Printing as LibTorch] in format.cpp):
// values in a common format per matrix (whole numbers, fixed with 4 decimals and maybe a
// shared scale line such as "1e+05 *", or scientific), every element printed (LibTorch's C++
// printer never summarises unless PrintOptions::threshold is set), and a footer naming the
// backend, dtype and shape.
#pragma once

#include <fmt/core.h>

#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>

#include "convis/core/tensor.h"

namespace convis {

// The numbers LibTorch hard-codes, and opt-in summarising; the defaults give LibTorch's output.
struct PrintOptions {
  int precision = 4;   // digits after the point in fixed and scientific formats
  int linewidth = 80;  // a matrix wider than this prints in blocks of columns
  // Summarise tensors with more elements than this (the default: never, as LibTorch).
  int64_t threshold = std::numeric_limits<int64_t>::max();
  int64_t edgeitems = 3;  // indices printed at each end of a summarised dim (> 0)
};
void set_print_options(const PrintOptions& options);
PrintOptions get_print_options();

std::string to_string(const Tensor& t);
// The LibTorch type name: "CPUFloatType", "CPULongType", "CUDADoubleType", ...
std::string type_string(const Tensor& t);

}  // namespace convis

template <>
struct fmt::formatter<convis::Tensor> : convis::detail::PlainFormatter {
  template <typename Ctx>
  auto format(const convis::Tensor& t, Ctx& ctx) const {
    return fmt::format_to(ctx.out(), "{}", convis::to_string(t));
  }
};

template <>
struct fmt::formatter<convis::DType> : convis::detail::PlainFormatter {
  template <typename Ctx>
  auto format(convis::DType d, Ctx& ctx) const {
    return fmt::format_to(ctx.out(), "{}", convis::dtype_name(d));
  }
};

template <>
struct fmt::formatter<convis::TypeMeta> : convis::detail::PlainFormatter {  // as operator<<: "float"
  template <typename Ctx>
  auto format(convis::TypeMeta d, Ctx& ctx) const {
    return fmt::format_to(ctx.out(), "{}", d.name());
  }
};

template <>
struct fmt::formatter<convis::Device> : convis::detail::PlainFormatter {
  template <typename Ctx>
  auto format(const convis::Device& d, Ctx& ctx) const {
    return fmt::format_to(ctx.out(), "{}", d.str());
  }
};
