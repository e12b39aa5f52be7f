// nn/convis/output.cpp: Output, the named results of a layer.
#include "convis/nn/convis/output.h"

#include <fmt/format.h>

#include <ostream>

#include "convis/core/error.h"

namespace convis {

namespace {
std::vector<std::string> default_keys(size_t n) {
  if (n == 1) return {"output"};
  std::vector<std::string> keys;
  for (size_t i = 0; i < n; ++i) keys.push_back(fmt::format("output_{}", i));
  return keys;
}
}  // namespace

Output::Output(std::vector<Tensor> tensors, std::vector<std::string> keys) {
  if (keys.empty()) keys = default_keys(tensors.size());
  CONVIS_CHECK(keys.size() == tensors.size(), "Output", "expected one key per tensor, got {} keys for {} tensors",
               keys.size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) push_back(std::move(keys[i]), std::move(tensors[i]));
}

void Output::push_back(std::string key, Tensor tensor) {
  CONVIS_CHECK(!contains(key), "Output", "expected a new key, got '{}' twice", key);
  keys_.push_back(std::move(key));
  tensors_.push_back(std::move(tensor));
}

bool Output::contains(const std::string& key) const {
  for (const auto& k : keys_)
    if (k == key) return true;
  return false;
}

size_t Output::index_of(const std::string& key) const {
  for (size_t i = 0; i < keys_.size(); ++i)
    if (keys_[i] == key) return i;
  CONVIS_CHECK(false, "Output", "expected one of the keys [{}], got '{}'", fmt::join(keys_, ", "), key);
  return 0;
}

const Tensor& Output::operator[](size_t index) const {
  CONVIS_CHECK(index < tensors_.size(), "Output", "expected an index below {}, got {}", tensors_.size(), index);
  return tensors_[index];
}
Tensor& Output::operator[](size_t index) {
  CONVIS_CHECK(index < tensors_.size(), "Output", "expected an index below {}, got {}", tensors_.size(), index);
  return tensors_[index];
}
const Tensor& Output::operator[](const std::string& key) const { return tensors_[index_of(key)]; }
Tensor& Output::operator[](const std::string& key) { return tensors_[index_of(key)]; }

std::ostream& operator<<(std::ostream& stream, const Output& output) {
  stream << "Output(";
  for (size_t i = 0; i < output.size(); ++i) {
    const Tensor& t = output[i];
    stream << (i ? ", " : "") << output.keys()[i] << ": ";
    if (t.defined())
      stream << t.sizes() << " " << t.dtype();
    else
      stream << "undefined";
  }
  return stream << ")";
}

}  // namespace convis
