// nn/convis/layer_timing.cpp: per-stage wall time of a layer tree (Layer::timings in layer.h).
#include <fmt/format.h>

#include <algorithm>

#include "convis/nn/convis/layer.h"
#include "convis/nn/module.h"

namespace convis {

void Layer::set_timing(bool on) {
  for_each_layer([on](const std::string&, Layer& l) { l.timing_ = on; });
}

void Layer::clear_timings() {
  for_each_layer([](const std::string&, Layer& l) { l.stage_times_.clear(); });
}

void Layer::add_stage_time(const char* stage, double seconds) {
  auto it = std::find_if(stage_times_.begin(), stage_times_.end(), [&](const StageTime& s) { return s.stage == stage; });
  if (it == stage_times_.end()) it = stage_times_.insert(stage_times_.end(), StageTime{stage, 0.0, 0});
  it->seconds += seconds;
  it->calls += 1;
}

std::vector<Layer::StageTime> Layer::timings() const {
  std::vector<StageTime> out;
  for_each_layer([&](const std::string& prefix, const Layer& l) {
    for (const StageTime& s : l.stage_times_) out.push_back({nn::detail::join_name(prefix, s.stage), s.seconds, s.calls});
  });
  return out;
}

std::string Layer::timings_table() const {
  const std::vector<StageTime> all = timings();
  double total = 0;
  for (const StageTime& s : stage_times_) total += s.seconds;
  size_t width = 5;
  for (const StageTime& s : all) width = std::max(width, s.stage.size());
  std::string table = fmt::format("{:<{}}  {:>10}  {:>7}  {:>6}\n", "stage", width, "seconds", "calls", "share");
  for (const StageTime& s : all)
    table += fmt::format("{:<{}}  {:>10.6f}  {:>7}  {:>5.1f}%\n", s.stage, width, s.seconds, s.calls,
                         total > 0 ? 100.0 * s.seconds / total : 0.0);
  table += fmt::format("{:<{}}  {:>10.6f}  (this layer's own stages)\n", "total", width, total);
  return table;
}

}  // namespace convis
