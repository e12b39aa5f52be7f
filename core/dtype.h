// core/dtype.h: the element types a tensor can hold.
//
//   convis::DType t = convis::kFloat32;            // also spelled kFloat, as in LibTorch
//   convis::dtype_size(t)      == 4
//   convis::dtype_name(t)      == "float32"
//   std::cout << t;            // prints "Float", as LibTorch prints a ScalarType
//   std::cout << x.dtype();    // prints "float": Tensor::dtype() is a TypeMeta, as in LibTorch
//   convis::promote_types(kInt64, kFloat32) == kFloat32
//
// Note [DType order]
// The enum values are ordered bool < int64 < float32 < float64, which is also the
// promotion lattice for the four types we have: promote_types is simply the larger
// of the two.  Adding kFloat16 or kInt32 later means replacing that max by a table.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string_view>
#include <type_traits>

namespace convis {

enum class DType : uint8_t { Bool = 0, Int64 = 1, Float32 = 2, Float64 = 3 };
using ScalarType = DType;

inline constexpr DType kBool = DType::Bool;
inline constexpr DType kInt64 = DType::Int64;
inline constexpr DType kLong = DType::Int64;
inline constexpr DType kFloat32 = DType::Float32;
inline constexpr DType kFloat = DType::Float32;
inline constexpr DType kFloat64 = DType::Float64;
inline constexpr DType kDouble = DType::Float64;

inline constexpr int kNumDTypes = 4;

constexpr int64_t dtype_size(DType t) {
  switch (t) {
    case DType::Bool: return 1;
    case DType::Int64: return 8;
    case DType::Float32: return 4;
    case DType::Float64: return 8;
  }
  return 0;
}

constexpr std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::Bool: return "bool";
    case DType::Int64: return "int64";
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
  }
  return "?";
}

// LibTorch's ScalarType names ("Float", "Double", "Long", "Bool"): what `std::cout << dtype` prints.
constexpr std::string_view scalar_type_name(DType t) {
  switch (t) {
    case DType::Bool: return "Bool";
    case DType::Int64: return "Long";
    case DType::Float32: return "Float";
    case DType::Float64: return "Double";
  }
  return "?";
}
std::ostream& operator<<(std::ostream& os, DType t);  // prints scalar_type_name(t), as LibTorch

// Note [TypeMeta]
// LibTorch has two spellings of a dtype: the ScalarType enum (scalar_type(), printed "Float",
// "Long") and caffe2::TypeMeta (dtype(), printed as the C++ type: "float", "long int").  Programs
// print both, so we keep both: TypeMeta is a DType that prints the C++ name.  It converts to
// and from DType implicitly, so it can be passed, compared and switched on like a DType.
class TypeMeta {
 public:
  constexpr TypeMeta() = default;
  constexpr TypeMeta(DType t) : t_(t) {}  // NOLINT: implicit both ways, see the Note
  constexpr operator DType() const { return t_; }  // NOLINT
  constexpr DType toScalarType() const { return t_; }
  constexpr int64_t itemsize() const { return dtype_size(t_); }
  // LibTorch's names: "bool", "long int", "float", "double".
  constexpr std::string_view name() const {
    switch (t_) {
      case DType::Bool: return "bool";
      case DType::Int64: return "long int";
      case DType::Float32: return "float";
      case DType::Float64: return "double";
    }
    return "?";
  }
  friend constexpr bool operator==(TypeMeta a, TypeMeta b) { return a.t_ == b.t_; }
  friend constexpr bool operator==(TypeMeta a, DType b) { return a.t_ == b; }

 private:
  DType t_ = DType::Float32;
};
std::ostream& operator<<(std::ostream& os, TypeMeta t);  // prints t.name(), as LibTorch

constexpr bool is_floating_point(DType t) { return t == kFloat32 || t == kFloat64; }
constexpr bool is_integral(DType t, bool include_bool = false) {
  return t == kInt64 || (include_bool && t == kBool);
}

// The common type of two dtypes (see Note [DType order]).
constexpr DType promote_types(DType a, DType b) { return a > b ? a : b; }

// C++ type <-> DType.
template <typename T> struct dtype_of;
template <> struct dtype_of<bool> { static constexpr DType value = kBool; };
template <> struct dtype_of<int64_t> { static constexpr DType value = kInt64; };
template <> struct dtype_of<float> { static constexpr DType value = kFloat32; };
template <> struct dtype_of<double> { static constexpr DType value = kFloat64; };
template <typename T> inline constexpr DType dtype_of_v = dtype_of<std::remove_cv_t<T>>::value;

template <DType D> struct cpp_type_of;
template <> struct cpp_type_of<kBool> { using type = bool; };
template <> struct cpp_type_of<kInt64> { using type = int64_t; };
template <> struct cpp_type_of<kFloat32> { using type = float; };
template <> struct cpp_type_of<kFloat64> { using type = double; };
template <DType D> using cpp_type_t = typename cpp_type_of<D>::type;

// Calls fn(T{}) with T the C++ type of `t`: the one place a runtime dtype becomes a
// compile-time type.  Usage: visit_dtype(t, [&](auto tag) { using T = decltype(tag); ... });
template <typename Fn>
decltype(auto) visit_dtype(DType t, Fn&& fn) {
  switch (t) {
    case DType::Bool: return fn(bool{});
    case DType::Int64: return fn(int64_t{});
    case DType::Float32: return fn(float{});
    case DType::Float64: break;
  }
  return fn(double{});
}

}  // namespace convis
