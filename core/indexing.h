// core/indexing.h: the index forms of Tensor::index and index_put_, as in LibTorch.
//
//   using namespace convis::indexing;
//   x.index({0})                        // == x.select(0, 0)
//   x.index({Slice(1, None), 2})        // x[1:, 2]
//   x.index({Slice(None, None, 2)})     // x[::2]
//   x.index({Ellipsis, None})           // x[..., None]: a new last dim of size 1
//   x.index({mask})                     // boolean mask -> 1-D copy of selected elements
//   x.index({idx})                      // int64 tensor -> gathered rows (a copy)
//   x.index_put_({Slice(), 0}, 5.0)     // x[:, 0] = 5
//
// Integers, Slices, None and Ellipsis give views; tensor indices (int64 or bool) give copies,
// exactly as in LibTorch and NumPy.
#pragma once

#include <cstdint>
#include <optional>
#include <type_traits>
#include <variant>

#include "convis/core/tensor.h"

namespace convis::indexing {

struct NoneType {};
struct EllipsisType {};
inline constexpr NoneType None{};
inline constexpr EllipsisType Ellipsis{};

// Slice(start, stop, step); None (or nothing) for an open end.
class Slice {
 public:
  Slice(std::optional<int64_t> start = std::nullopt, std::optional<int64_t> stop = std::nullopt,
        std::optional<int64_t> step = std::nullopt)
      : start_(start), stop_(stop), step_(step) {}
  Slice(NoneType) {}  // NOLINT
  template <typename A, typename B>
  Slice(A start, B stop, std::optional<int64_t> step = std::nullopt)
      : start_(opt(start)), stop_(opt(stop)), step_(step) {}

  std::optional<int64_t> start() const { return start_; }
  std::optional<int64_t> stop() const { return stop_; }
  int64_t step() const { return step_.value_or(1); }

 private:
  template <typename T>
  static std::optional<int64_t> opt(T v) {
    if constexpr (std::is_same_v<T, NoneType>) {
      return std::nullopt;
    } else {
      return std::optional<int64_t>(v);
    }
  }
  std::optional<int64_t> start_, stop_, step_;
};

class TensorIndex {
 public:
  TensorIndex(int64_t i) : v_(i) {}  // NOLINT: implicit
  TensorIndex(int i) : v_(int64_t(i)) {}  // NOLINT
  TensorIndex(bool b) : v_(b) {}  // NOLINT: True adds a dim of 1, False an empty dim
  TensorIndex(Slice s) : v_(s) {}  // NOLINT
  TensorIndex(NoneType) : v_(NoneType{}) {}  // NOLINT
  TensorIndex(EllipsisType) : v_(EllipsisType{}) {}  // NOLINT
  TensorIndex(Tensor t) : v_(std::move(t)) {}  // NOLINT

  bool is_integer() const { return std::holds_alternative<int64_t>(v_); }
  bool is_boolean() const { return std::holds_alternative<bool>(v_); }
  bool is_slice() const { return std::holds_alternative<Slice>(v_); }
  bool is_none() const { return std::holds_alternative<NoneType>(v_); }
  bool is_ellipsis() const { return std::holds_alternative<EllipsisType>(v_); }
  bool is_tensor() const { return std::holds_alternative<Tensor>(v_); }
  int64_t integer() const { return std::get<int64_t>(v_); }
  bool boolean() const { return std::get<bool>(v_); }
  const Slice& slice() const { return std::get<Slice>(v_); }
  const Tensor& tensor() const { return std::get<Tensor>(v_); }

 private:
  std::variant<int64_t, bool, Slice, NoneType, EllipsisType, Tensor> v_;
};

}  // namespace convis::indexing
