// nn/convis/output.h: the named, ordered results of a convis layer.
//
//   convis::Output o({on, off}, {"ganglion_spikes_ON", "ganglion_spikes_OFF"});
//   o[0].sizes();                      // by position
//   o["ganglion_spikes_OFF"].sum();    // by name
//   for (const Tensor& t : o) ...      // iteration goes over the tensors
//   o.keys();                          // {"ganglion_spikes_ON", "ganglion_spikes_OFF"}
//
// The tensors need not share a shape.  Keys are unique; a missing key or a position past
// the end throws convis::Error naming what exists.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "convis/core/tensor.h"

namespace convis {

class Output {
 public:
  Output() = default;
  // Keys default to "output" for one tensor, "output_0", "output_1", ... for several.
  explicit Output(std::vector<Tensor> tensors, std::vector<std::string> keys = {});

  size_t size() const { return tensors_.size(); }
  bool empty() const { return tensors_.empty(); }
  const Tensor& operator[](size_t index) const;
  Tensor& operator[](size_t index);
  const Tensor& operator[](const std::string& key) const;
  Tensor& operator[](const std::string& key);
  const Tensor& at(size_t index) const { return (*this)[index]; }
  const Tensor& at(const std::string& key) const { return (*this)[key]; }
  bool contains(const std::string& key) const;
  void push_back(std::string key, Tensor tensor);

  const std::vector<std::string>& keys() const { return keys_; }
  const std::vector<Tensor>& tensors() const { return tensors_; }
  std::vector<Tensor>::const_iterator begin() const { return tensors_.begin(); }
  std::vector<Tensor>::const_iterator end() const { return tensors_.end(); }

 private:
  size_t index_of(const std::string& key) const;
  std::vector<Tensor> tensors_;
  std::vector<std::string> keys_;
};

// "Output(ganglion_spikes_ON: [1, 1, 200, 20, 20] Bool, ganglion_spikes_OFF: ...)"
std::ostream& operator<<(std::ostream& stream, const Output& output);

}  // namespace convis
