// core/conv_algorithm.cpp: the convolution algorithm setting (core/conv_algorithm.h).
#include "convis/core/conv_algorithm.h"

#include <atomic>
#include <cstdlib>
#include <string>

#include "convis/core/error.h"

namespace convis {

namespace {

std::atomic<ConvAlgorithm>& setting() {
  static std::atomic<ConvAlgorithm> algorithm{[] {
    const char* value = std::getenv("CONVIS_CONV_ALGO");
    return value ? conv_algorithm_from_name(value) : ConvAlgorithm::automatic;
  }()};
  return algorithm;
}

}  // namespace

ConvAlgorithm conv_algorithm() { return setting().load(std::memory_order_relaxed); }

void set_conv_algorithm(ConvAlgorithm algorithm) { setting().store(algorithm, std::memory_order_relaxed); }

ConvAlgorithm conv_algorithm_from_name(std::string_view name) {
  if (name == "auto" || name.empty()) return ConvAlgorithm::automatic;
  if (name == "direct") return ConvAlgorithm::direct;
  if (name == "gemm") return ConvAlgorithm::gemm;
  CONVIS_CHECK(false, "CONVIS_CONV_ALGO", "expected auto, direct or gemm, got '{}'", name);
  return ConvAlgorithm::automatic;
}

std::string_view conv_algorithm_name(ConvAlgorithm algorithm) {
  switch (algorithm) {
    case ConvAlgorithm::direct: return "direct";
    case ConvAlgorithm::gemm: return "gemm";
    default: return "auto";
  }
}

}  // namespace convis
