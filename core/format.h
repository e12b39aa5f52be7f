// core/format.h: printing tensors as LibTorch prints them.
//
//   std::cout << convis::arange(4).view({2, 2});
//   //  0  1
//   //  2  3
//   // [ CPULongType{2,2} ]
//   fmt::print("{}\n", t);            // the same text through fmt
//   convis::set_print_options({.precision = 6});
//
// Values are printed in a common format per tensor (fixed, or scientific with a shared
// scale factor when the magnitudes call for it), big tensors are summarised with "...",
// and the footer names the backend, dtype and shape like LibTorch's.
#pragma once

#include <fmt/core.h>

#include <iosfwd>
#include <string>

#include "convis/core/tensor.h"

namespace convis {

struct PrintOptions {
  int precision = 4;         // digits after the point
  int64_t threshold = 1000;  // summarise tensors with more elements than this
  int64_t edgeitems = 3;     // items shown at each end of a summarised dim
  int linewidth = 80;
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
