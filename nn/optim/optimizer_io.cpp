// nn/optim/optimizer_io.cpp: Optimizer::save and Optimizer::load.
//
// Note [Optimizer files]
// A safetensors file (nn/safetensors.h).  Tensors: "state.<i>.buffer.<name>" and
// "state.<i>.list.<name>.<k>" for parameter i (numbered in group order, as state_dict()).
// Metadata strings: "convis.optimizer" = "1", "groups", "group.<g>.params", "group.<g>.lr" (a
// scheduler may have changed it; the other options are those the optimizer was built with),
// "state.<i>.step", "state.<i>.number.<name>" (%.17g: doubles come back exactly),
// "state.<i>.list.<name>" (the list's length) and "state.<i>.buffer.<name>" = "undefined" for
// a buffer that exists but holds no tensor.  So a run saved after step n and loaded into a
// fresh optimizer over the same parameters takes step n + 1 exactly as the first run would.
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "convis/core/error.h"
#include "convis/nn/optim/optimizer.h"
#include "convis/nn/safetensors.h"

namespace convis::optim {

namespace {

constexpr const char* kMarker = "convis.optimizer";

std::string number_text(double v) { return fmt::format("{:.17g}", v); }

int64_t whole_number(const std::map<std::string, std::string>& meta, const std::string& key, const std::string& path) {
  auto it = meta.find(key);
  CONVIS_CHECK(it != meta.end(), "Optimizer.load", "expected '{}' in the metadata of '{}', got none", key, path);
  char* end = nullptr;
  const long long v = std::strtoll(it->second.c_str(), &end, 10);
  CONVIS_CHECK(end != it->second.c_str() && *end == '\0' && v >= 0, "Optimizer.load",
               "expected a count for '{}' in '{}', got '{}'", key, path, it->second);
  return int64_t(v);
}

// A number written by number_text: the whole text, finite.
double real_number(const std::map<std::string, std::string>& meta, const std::string& key, const std::string& path) {
  auto it = meta.find(key);
  CONVIS_CHECK(it != meta.end(), "Optimizer.load", "expected '{}' in the metadata of '{}', got none", key, path);
  char* end = nullptr;
  const double v = std::strtod(it->second.c_str(), &end);
  CONVIS_CHECK(end != it->second.c_str() && *end == '\0' && std::isfinite(v), "Optimizer.load",
               "expected a finite number for '{}' in '{}', got '{}'", key, path, it->second);
  return v;
}

// "state.<i>.<kind>.<rest>" -> i, kind, rest; false for other keys (i: 1 to 18 digits).
bool split_state_key(const std::string& key, int64_t& index, std::string& kind, std::string& rest) {
  if (key.rfind("state.", 0) != 0) return false;
  const size_t dot1 = key.find('.', 6);
  if (dot1 == std::string::npos || dot1 == 6 || dot1 - 6 > 18) return false;
  if (key.find_first_not_of("0123456789", 6) != dot1) return false;
  index = std::stoll(key.substr(6, dot1 - 6));
  const size_t dot2 = key.find('.', dot1 + 1);
  kind = key.substr(dot1 + 1, dot2 == std::string::npos ? std::string::npos : dot2 - dot1 - 1);
  rest = dot2 == std::string::npos ? "" : key.substr(dot2 + 1);
  return true;
}

void read_metadata_state(const std::map<std::string, std::string>& meta, const std::string& path, int64_t tensors,
                         std::map<int64_t, OptimizerParamState>& state) {
  for (const auto& [key, value] : meta) {
    int64_t i = 0;
    std::string kind, rest;
    if (!split_state_key(key, i, kind, rest)) continue;
    OptimizerParamState& s = state[i];
    if (kind == "step") s.step = whole_number(meta, key, path);
    if (kind == "number") s.numbers[rest] = real_number(meta, key, path);
    if (kind == "buffer" && value == "undefined") s.buffers[rest] = Tensor();
    if (kind == "list") {  // its items are tensors of the file: no longer than the file's count
      const int64_t length = whole_number(meta, key, path);
      CONVIS_CHECK(length <= tensors, "Optimizer.load", "expected a list length of at most {} (the tensors of '{}'), got {}",
                   tensors, path, length);
      s.lists[rest].resize(size_t(length));
    }
  }
}

}  // namespace

void Optimizer::save(const std::string& path) const {
  const OptimizerStateDict dict = state_dict();
  TensorDict tensors("Tensor");
  std::map<std::string, std::string> meta{{kMarker, "1"}, {"groups", std::to_string(dict.param_groups.size())}};
  for (size_t g = 0; g < dict.param_groups.size(); ++g) {
    meta[fmt::format("group.{}.params", g)] = std::to_string(dict.param_groups[g].params.size());
    meta[fmt::format("group.{}.lr", g)] = number_text(dict.param_groups[g].options->get_lr());
  }
  for (const auto& [i, s] : dict.state) {
    meta[fmt::format("state.{}.step", i)] = std::to_string(s.step);
    for (const auto& [name, v] : s.numbers) meta[fmt::format("state.{}.number.{}", i, name)] = number_text(v);
    for (const auto& [name, t] : s.buffers) {
      if (t.defined()) tensors.insert(fmt::format("state.{}.buffer.{}", i, name), t);
      else meta[fmt::format("state.{}.buffer.{}", i, name)] = "undefined";
    }
    for (const auto& [name, list] : s.lists) {
      meta[fmt::format("state.{}.list.{}", i, name)] = std::to_string(list.size());
      for (size_t k = 0; k < list.size(); ++k) tensors.insert(fmt::format("state.{}.list.{}.{}", i, name, k), list[k]);
    }
  }
  save_safetensors(path, tensors, meta);
}

void Optimizer::load(const std::string& path) {
  const TensorDict tensors = load_safetensors(path);
  const std::map<std::string, std::string> meta = load_safetensors_metadata(path);
  CONVIS_CHECK(meta.count(kMarker) != 0, "Optimizer.load", "expected an optimizer file saved by Optimizer::save, got '{}'",
               path);
  OptimizerStateDict dict = state_dict();  // this optimizer's groups and options
  const int64_t groups = whole_number(meta, "groups", path);
  CONVIS_CHECK(groups == int64_t(dict.param_groups.size()), "Optimizer.load",
               "expected a file of {} param groups for this optimizer, got {} in '{}'", dict.param_groups.size(), groups, path);
  for (size_t g = 0; g < dict.param_groups.size(); ++g) {
    const int64_t params = whole_number(meta, fmt::format("group.{}.params", g), path);
    CONVIS_CHECK(params == int64_t(dict.param_groups[g].params.size()), "Optimizer.load",
                 "expected group {} of '{}' to hold {} parameters, got {}", g, path, dict.param_groups[g].params.size(), params);
    dict.param_groups[g].options->set_lr(real_number(meta, fmt::format("group.{}.lr", g), path));
  }
  dict.state.clear();
  read_metadata_state(meta, path, int64_t(tensors.size()), dict.state);
  for (const auto& item : tensors) {
    int64_t i = 0;
    std::string kind, rest;
    CONVIS_CHECK(split_state_key(item.key(), i, kind, rest) && (kind == "buffer" || kind == "list"), "Optimizer.load",
                 "expected tensors named state.<i>.buffer.<name> or state.<i>.list.<name>.<k>, got '{}' in '{}'",
                 item.key(), path);
    if (kind == "buffer") {
      dict.state[i].buffers[rest] = item.value();
      continue;
    }
    const size_t dot = rest.rfind('.');
    auto& list = dict.state[i].lists[rest.substr(0, dot)];
    const std::string item_number = dot == std::string::npos ? "" : rest.substr(dot + 1);
    const bool digits = !item_number.empty() && item_number.size() <= 18 &&
                        item_number.find_first_not_of("0123456789") == std::string::npos;
    const size_t k = digits ? size_t(std::stoll(item_number)) : list.size();
    CONVIS_CHECK(k < list.size(), "Optimizer.load",
                 "expected list items within their list's length, got '{}' in '{}'", item.key(), path);
    list[k] = item.value();
  }
  for (const auto& [i, s] : dict.state)
    for (const auto& [name, list] : s.lists)
      for (size_t k = 0; k < list.size(); ++k)
        CONVIS_CHECK(list[k].defined(), "Optimizer.load", "expected item {} of list '{}' of parameter {} in '{}', got none",
                     k, name, i, path);
  const int64_t count = int64_t(size());
  for (const auto& [i, s] : dict.state)
    CONVIS_CHECK(i >= 0 && i < count, "Optimizer.load", "expected states of parameters 0..{}, got parameter {} in '{}'",
                 count - 1, i, path);
  load_state_dict(dict);
}

}  // namespace convis::optim
