// core/device.h: where a tensor's memory lives.
//
//   convis::Device cpu = convis::kCPU;               // implicit from a DeviceType
//   convis::Device gpu(convis::kCUDA, 0);
//   convis::Device parsed("cuda:1");                 // gpu.index() == 1
//   fmt::format("{}", gpu) == "cuda:0"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace convis {

enum class DeviceType : uint8_t { CPU = 0, CUDA = 1 };
inline constexpr DeviceType kCPU = DeviceType::CPU;
inline constexpr DeviceType kCUDA = DeviceType::CUDA;
inline constexpr int kNumDeviceTypes = 2;

constexpr std::string_view device_type_name(DeviceType t) { return t == kCPU ? "cpu" : "cuda"; }

class Device {
 public:
  Device(DeviceType type = kCPU, int index = -1) : type_(type), index_(int8_t(index)) {}  // NOLINT: implicit
  explicit Device(const std::string& spec);  // "cpu", "cuda", "cuda:1"; throws Error otherwise

  DeviceType type() const { return type_; }
  int index() const { return index_; }
  bool has_index() const { return index_ >= 0; }
  bool is_cpu() const { return type_ == kCPU; }
  bool is_cuda() const { return type_ == kCUDA; }
  std::string str() const;

  friend bool operator==(const Device& a, const Device& b) {
    // An unset index (-1) on CUDA means the current device, which we treat as 0.
    auto norm = [](const Device& d) { return d.type_ == kCPU ? -1 : (d.index_ < 0 ? 0 : d.index_); };
    return a.type_ == b.type_ && norm(a) == norm(b);
  }
  friend bool operator!=(const Device& a, const Device& b) { return !(a == b); }

 private:
  DeviceType type_;
  int8_t index_;
};

std::ostream& operator<<(std::ostream& os, const Device& d);
std::ostream& operator<<(std::ostream& os, DeviceType t);

}  // namespace convis
