#include "convis/autograd/anomaly.h"

#include <cxxabi.h>
#include <execinfo.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <string>

#include "convis/core/ops.h"

namespace convis::autograd {

namespace {
std::atomic<int> g_anomaly_depth{0};

// "binary(_ZN6convis3expERKNS_6TensorE+0x1c) [0x...]" -> "convis::exp(convis::Tensor const&)"
std::string demangle_frame(const char* frame) {
  std::string s(frame);
  auto open = s.find('('), plus = s.find('+', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || plus == std::string::npos || plus == open + 1) return s;
  std::string mangled = s.substr(open + 1, plus - open - 1);
  int status = 0;
  char* name = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
  std::string out = status == 0 && name ? std::string(name) : mangled;
  std::free(name);
  return out;
}
}  // namespace

DetectAnomalyGuard::DetectAnomalyGuard() { ++g_anomaly_depth; }
DetectAnomalyGuard::~DetectAnomalyGuard() { --g_anomaly_depth; }
bool DetectAnomalyGuard::is_enabled() { return g_anomaly_depth.load() > 0; }

void capture_forward_trace(Node& node) {
  if (!DetectAnomalyGuard::is_enabled()) return;
  void* frames[32];
  int n = backtrace(frames, 32);
  char** symbols = backtrace_symbols(frames, n);
  std::string trace;
  for (int i = 1; symbols && i < n; ++i) trace += "\n    " + demangle_frame(symbols[i]);
  std::free(symbols);
  node.forward_trace = trace;
}

void check_anomaly(const Node& node, const variable_list& outputs) {
  if (!DetectAnomalyGuard::is_enabled()) return;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Tensor& g = outputs[i];
    if (!g.defined() || !g.is_floating_point()) continue;
    bool has_nan = isnan(g).any().item<bool>();
    CONVIS_CHECK(!has_nan, "backward", "{} returned nan values in its output {}; its forward op was called from:{}",
                 node.name(), i, node.forward_trace.empty() ? " (not recorded)" : node.forward_trace);
  }
}

}  // namespace convis::autograd
