// core/format.h: printing tensors as LibTorch prints them.
//
//   std::cout << convis::arange(4).view({2, 2});
//   //  0  1
//   //  2  3
//   // [ CPULongType{2,2} ]
//   fmt::print("{}\n", t);            // the same text through fmt
//   convis::set_print_options({.precision = 6});   // LibTorch always uses 4
//
// The text is LibTorch 1.13's, byte for byte (see Note [Printing as LibTorch] in format.cpp):
// values in a common format per matrix (whole numbers, fixed with 4 decimals and maybe a
// shared scale line such as "1e+05 *", or scientific), every element printed (LibTorch's C++
// printer never summarises), and a footer naming the backend, dtype and shape.
#pragma once

#include <fmt/core.h>

#include <iosfwd>
#include <string>

#include "convis/core/tensor.h"

namespace convis {

// The two numbers LibTorch hard-codes; the defaults give LibTorch's output.
struct PrintOptions {
  int precision = 4;   // digits after the point in fixed and scientific formats
  int linewidth = 80;  // a matrix wider than this prints in blocks of columns
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
struct fmt::formatter<convis::Device> : convis::detail::PlainFormatter {
  template <typename Ctx>
  auto format(const convis::Device& d, Ctx& ctx) const {
    return fmt::format_to(ctx.out(), "{}", d.str());
  }
};
