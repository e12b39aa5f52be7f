#include "convis/core/error.h"

namespace convis::detail {

void throw_error(std::string_view op, const std::string& message) {
  throw Error(fmt::format("[{}] {}", op, message));
}

void throw_internal(const char* file, int line, const char* cond, const std::string& message) {
  throw Error(fmt::format("[internal] {}:{}: assertion `{}` failed: {} (this is a bug in convis)", file, line,
                          cond, message));
}

}  // namespace convis::detail
