#include "convis/core/device.h"

#include <ostream>

#include "convis/core/error.h"

namespace convis {

Device::Device(const std::string& spec) : type_(kCPU), index_(-1) {
  std::string kind = spec;
  auto colon = spec.find(':');
  if (colon != std::string::npos) {
    kind = spec.substr(0, colon);
    std::string idx = spec.substr(colon + 1);
    bool digits = !idx.empty() && idx.size() < 4 && idx.find_first_not_of("0123456789") == std::string::npos;
    CONVIS_CHECK(digits, "Device", "expected a device index after ':' as in \"cuda:0\", got \"{}\"", spec);
    index_ = int8_t(std::stoi(idx));
  }
  if (kind == "cpu") {
    type_ = kCPU;
  } else if (kind == "cuda") {
    type_ = kCUDA;
  } else {
    CONVIS_CHECK(false, "Device", "expected \"cpu\", \"cuda\" or \"cuda:N\", got \"{}\"", spec);
  }
}

std::string Device::str() const {
  if (index_ < 0) return std::string(device_type_name(type_));
  return fmt::format("{}:{}", device_type_name(type_), int(index_));
}

std::ostream& operator<<(std::ostream& os, const Device& d) { return os << d.str(); }
std::ostream& operator<<(std::ostream& os, DeviceType t) { return os << device_type_name(t); }

}  // namespace convis
