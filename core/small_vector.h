// core/small_vector.h: a vector that keeps its first N elements inside itself.
//
//   convis::SmallVector<Edge, 2> edges;    // no heap block for up to two edges
//   edges.push_back(e0);
//   edges.push_back(e1);
//   edges.push_back(e2);                   // the third moves all three to a std::vector
//   for (const Edge& e : edges) ...;  edges[1];  edges.size() == 3
//
// Note [Small vectors in Nodes]
// Almost every Node has one or two inputs, one output and at most two saved tensors, yet as
// std::vectors those three lists cost three heap blocks per recorded op, allocated in forward
// and freed after backward.  With the elements inline they cost none; a Node with more
// spills into a std::vector, and nothing else changes.  Only the operations the autograd
// code uses are offered: it is a container for small lists, not a full std::vector.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <new>
#include <utility>
#include <vector>

namespace convis {

template <typename T, size_t N>
class SmallVector {
 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  SmallVector() = default;
  SmallVector(std::initializer_list<T> init) {
    for (const T& v : init) push_back(v);
  }
  SmallVector(const SmallVector& o) {
    for (const T& v : o) push_back(v);
  }
  SmallVector(SmallVector&& o) noexcept { take(std::move(o)); }
  SmallVector& operator=(const SmallVector& o) {
    if (this != &o) {
      clear();
      for (const T& v : o) push_back(v);
    }
    return *this;
  }
  SmallVector& operator=(SmallVector&& o) noexcept {
    if (this != &o) {
      clear();
      take(std::move(o));
    }
    return *this;
  }
  ~SmallVector() { clear(); }

  size_t size() const { return spilled_ ? spill_.size() : size_; }
  bool empty() const { return size() == 0; }
  T* data() { return spilled_ ? spill_.data() : inline_data(); }
  const T* data() const { return spilled_ ? spill_.data() : inline_data(); }
  T& operator[](size_t i) { return data()[i]; }
  const T& operator[](size_t i) const { return data()[i]; }
  T& back() { return data()[size() - 1]; }
  const T& back() const { return data()[size() - 1]; }
  iterator begin() { return data(); }
  iterator end() { return data() + size(); }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size(); }

  void reserve(size_t n) {
    if (n > N && !spilled_) spill(n);
  }
  void push_back(const T& v) { emplace_back(v); }
  void push_back(T&& v) { emplace_back(std::move(v)); }
  template <typename... Args>
  T& emplace_back(Args&&... args) {
    if (!spilled_ && size_ == N) spill(2 * N);
    if (spilled_) return spill_.emplace_back(std::forward<Args>(args)...);
    T* slot = new (inline_data() + size_) T(std::forward<Args>(args)...);
    ++size_;
    return *slot;
  }
  void clear() {
    for (size_t i = 0; i < size_; ++i) inline_data()[i].~T();
    size_ = 0;
    spill_.clear();
    spilled_ = false;
  }

 private:
  T* inline_data() { return std::launder(reinterpret_cast<T*>(buf_)); }
  const T* inline_data() const { return std::launder(reinterpret_cast<const T*>(buf_)); }
  // Moves the inline elements to spill_ (with room for `capacity`).
  void spill(size_t capacity) {
    spill_.reserve(capacity);
    for (size_t i = 0; i < size_; ++i) {
      spill_.push_back(std::move(inline_data()[i]));
      inline_data()[i].~T();
    }
    size_ = 0;
    spilled_ = true;
  }
  void take(SmallVector&& o) {
    if (o.spilled_) {
      spill_ = std::move(o.spill_);
      spilled_ = true;
    } else {
      for (size_t i = 0; i < o.size_; ++i) new (inline_data() + i) T(std::move(o.inline_data()[i]));
      size_ = o.size_;
    }
    o.clear();
  }

  alignas(T) unsigned char buf_[N * sizeof(T)];  // elements [0, size_) are alive when !spilled_
  size_t size_ = 0;
  bool spilled_ = false;
  std::vector<T> spill_;
};

}  // namespace convis
