// core/scalar.h: a number passed where a tensor op allows a plain value.
//
//   convis::Scalar a = 2.5;   a.is_floating_point() == true
//   convis::Scalar b = 3;     b.is_integral() == true;  b.to<double>() == 3.0
//   convis::Scalar c = true;  c.is_boolean() == true
//   x.add(1)  ==  x + convis::Scalar(1)
#pragma once

#include <cstdint>
#include <iosfwd>
#include <type_traits>

#include "convis/core/dtype.h"

namespace convis {

class Scalar {
 public:
  Scalar() : kind_(kInt64), i_(0) {}
  template <typename T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  Scalar(T v) : kind_(kFloat64), d_(double(v)) {}  // NOLINT: implicit by design
  template <typename T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Scalar(T v) : kind_(kInt64), i_(int64_t(v)) {}  // NOLINT
  Scalar(bool v) : kind_(kBool), b_(v) {}  // NOLINT

  // The dtype a number of this kind has when it becomes a tensor on its own.
  DType type() const { return kind_; }
  bool is_floating_point() const { return kind_ == kFloat64; }
  bool is_integral(bool include_bool = false) const {
    return kind_ == kInt64 || (include_bool && kind_ == kBool);
  }
  bool is_boolean() const { return kind_ == kBool; }

  template <typename T>
  T to() const {
    switch (kind_) {
      case DType::Bool: return T(b_);
      case DType::Int64: return T(i_);
      default: return T(d_);
    }
  }
  double toDouble() const { return to<double>(); }
  int64_t toLong() const { return to<int64_t>(); }
  bool toBool() const { return to<bool>(); }
  Scalar operator-() const;

 private:
  DType kind_;  // kBool, kInt64 or kFloat64
  union {
    double d_;
    int64_t i_;
    bool b_;
  };
};

std::ostream& operator<<(std::ostream& os, const Scalar& s);

}  // namespace convis
