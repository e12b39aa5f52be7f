// nn/ordered_dict.h: a map that remembers insertion order, as LibTorch's OrderedDict.
//
//   nn::OrderedDict<std::string, Tensor> d;
//   d.insert("weight", w);
//   d.insert("bias", b);
//   for (const auto& item : d) std::cout << item.key() << " " << item.value().sizes() << "\n";
//   Tensor& w2 = d["weight"];            // throws Error for a missing key
//   if (Tensor* p = d.find("bias")) ...  // nullptr for a missing key
//
// Module uses it for parameters, buffers, children and state dicts; the order is the order
// of registration, which is the order of named_parameters() and of a saved file.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "convis/core/error.h"

namespace convis::nn {

template <typename Key, typename Value>
class OrderedDict {
 public:
  class Item {
   public:
    Item(Key key, Value value) : pair_(std::move(key), std::move(value)) {}
    const Key& key() const { return pair_.first; }
    Value& value() { return pair_.second; }
    const Value& value() const { return pair_.second; }
    Value& operator*() { return value(); }
    const Value& operator*() const { return value(); }
    Value* operator->() { return &value(); }
    const Value* operator->() const { return &value(); }
    const std::pair<Key, Value>& pair() const { return pair_; }

   private:
    std::pair<Key, Value> pair_;
  };

  // `key_description` names keys in error messages ("Key", "Parameter", "Submodule").
  OrderedDict() : key_description_("Key") {}
  explicit OrderedDict(std::string key_description) : key_description_(std::move(key_description)) {}
  OrderedDict(std::initializer_list<Item> items) : OrderedDict() {
    for (const auto& item : items) insert(item.key(), item.value());
  }

  const std::string& key_description() const { return key_description_; }

  // Inserts a new key; an existing key is an Error (use update or operator[] to overwrite).
  Value& insert(const Key& key, Value value) {
    CONVIS_CHECK(index_.count(key) == 0, "OrderedDict", "expected a new key, got {} '{}', which is already defined",
                 key_description_, key);
    index_.emplace(key, items_.size());
    items_.emplace_back(key, std::move(value));
    return items_.back().value();
  }
  // Inserts, or overwrites the value of an existing key in place (keeping its position).
  Value& insert_or_assign(const Key& key, Value value) {
    if (Value* existing = find(key)) return *existing = std::move(value);
    return insert(key, std::move(value));
  }
  void update(const OrderedDict& other) {
    for (const auto& item : other) insert_or_assign(item.key(), item.value());
  }

  Value* find(const Key& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  const Value* find(const Key& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &items_[it->second].value();
  }
  bool contains(const Key& key) const { return index_.count(key) != 0; }
  Value& operator[](const Key& key) { return at(key); }
  const Value& operator[](const Key& key) const { return at(key); }
  Value& at(const Key& key) {
    Value* v = find(key);
    CONVIS_CHECK(v != nullptr, "OrderedDict", "expected a known key, got {} '{}', which is not defined",
                 key_description_, key);
    return *v;
  }
  const Value& at(const Key& key) const { return const_cast<OrderedDict*>(this)->at(key); }
  Item& operator[](size_t i) { return items_.at(i); }
  const Item& operator[](size_t i) const { return items_.at(i); }

  // Removes a key and returns its value (keeps the order of the rest).
  Value pop(const Key& key) {
    auto it = index_.find(key);
    CONVIS_CHECK(it != index_.end(), "OrderedDict", "expected a known key, got {} '{}', which is not defined",
                 key_description_, key);
    size_t at = it->second;
    Value value = std::move(items_[at].value());
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(at));
    index_.erase(it);
    for (auto& entry : index_)
      if (entry.second > at) --entry.second;
    return value;
  }
  void clear() {
    items_.clear();
    index_.clear();
  }

  size_t size() const { return items_.size(); }
  bool is_empty() const { return items_.empty(); }
  bool empty() const { return items_.empty(); }
  auto begin() { return items_.begin(); }
  auto end() { return items_.end(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  const std::vector<Item>& items() const { return items_; }
  std::vector<Key> keys() const {
    std::vector<Key> out;
    for (const auto& item : items_) out.push_back(item.key());
    return out;
  }
  std::vector<Value> values() const {
    std::vector<Value> out;
    for (const auto& item : items_) out.push_back(item.value());
    return out;
  }

 private:
  std::string key_description_;
  std::vector<Item> items_;
  std::unordered_map<Key, size_t> index_;
};

}  // namespace convis::nn
