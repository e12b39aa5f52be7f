#include "convis/core/scalar.h"

#include <ostream>

namespace convis {

Scalar Scalar::operator-() const {
  switch (kind_) {
    case DType::Bool: return Scalar(-int64_t(b_));
    case DType::Int64: return Scalar(-i_);
    default: return Scalar(-d_);
  }
}

std::ostream& operator<<(std::ostream& os, const Scalar& s) {
  if (s.is_boolean()) return os << (s.toBool() ? "true" : "false");
  if (s.is_integral()) return os << s.toLong();
  return os << s.toDouble();
}

}  // namespace convis
