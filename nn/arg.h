// nn/arg.h: CONVIS_ARG, one chained option of an options struct (LibTorch's TORCH_ARG does
// the same for its options).
//
//   struct LoaderOptions {
//     CONVIS_ARG(size_t, batch_size) = 1;   // a default after the macro
//     CONVIS_ARG(bool, drop_last) = false;
//   };
//   auto options = LoaderOptions().batch_size(32).drop_last(true);   // setters chain
//   size_t b = options.batch_size();                                  // getters read
#pragma once

#include <utility>

#define CONVIS_ARG(T, name)                  \
  auto& name(T value) {                      \
    name##_ = std::move(value);              \
    return *this;                            \
  }                                          \
  const T& name() const { return name##_; }  \
  T name##_
