// core/error.h: the one exception type, and the two check macros.
//
//   CONVIS_CHECK(a.dim() == 2, "mm", "expected a 2-D matrix, got a {}-D tensor of shape {}",
//                a.dim(), a.sizes());
//   // throws convis::Error("[mm] expected a 2-D matrix, got a 3-D tensor of shape [2, 3, 4]")
//
// Note [CHECK versus ASSERT]
// CONVIS_CHECK guards the public boundary: the user did something wrong, and the message
// must say which op, what it expected and what it got.  CONVIS_ASSERT guards our own
// invariants deep inside; when one fires it is a bug in convis, and the message says so
// with the file and line.  Kernels check nothing: the op that calls them has.
#pragma once

#include <fmt/core.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace convis {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
[[noreturn]] void throw_error(std::string_view op, const std::string& message);
[[noreturn]] void throw_internal(const char* file, int line, const char* cond, const std::string& message);
}  // namespace detail

}  // namespace convis

#define CONVIS_CHECK(cond, op, ...)                                  \
  do {                                                               \
    if (!(cond)) ::convis::detail::throw_error(op, fmt::format(__VA_ARGS__)); \
  } while (0)

#define CONVIS_ASSERT(cond, ...)                                                           \
  do {                                                                                     \
    if (!(cond)) ::convis::detail::throw_internal(__FILE__, __LINE__, #cond, fmt::format(__VA_ARGS__)); \
  } while (0)
