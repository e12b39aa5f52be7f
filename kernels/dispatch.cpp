#include "convis/kernels/dispatch.h"

#include <mutex>
#include <string>

#include "convis/core/error.h"

namespace convis {

namespace {

constexpr int kNumOps = int(OpKind::count_);

struct Table {
  AnyKernel fns[kNumOps][kNumDeviceTypes][kNumDTypes] = {};
};

Table& raw_table() {
  static Table table;
  return table;
}

// Fills the table on first use (see Note [One dispatch table]).  A registration that fails (a
// CONVIS_CPU_CAPABILITY this processor lacks) is remembered and thrown again at every lookup;
// it is caught inside the one-time initialisation, because an exception that leaves
// std::call_once hangs the next caller under ThreadSanitizer's pthread_once (and some libstdc++
// targets: GCC bug 66146).
Table& table() {
  static const std::string failure = [] {
    try {
      register_cpu_kernels();
      register_cuda_kernels();
      return std::string();
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
  }();
  if (!failure.empty()) throw Error(failure);
  return raw_table();
}

}  // namespace

std::string_view op_name(OpKind op) {
  static constexpr std::string_view names[] = {
#define CONVIS_OP_NAME(name, signature) #name,
      CONVIS_OPS(CONVIS_OP_NAME)
#undef CONVIS_OP_NAME
  };
  return names[int(op)];
}

void throw_wrong_signature(OpKind op) {
  detail::throw_error(op_name(op), fmt::format("internal error: kernel lookup for {} with a signature not its own",
                                               op_name(op)));
}

void register_kernel_raw(OpKind op, DeviceType device, DType dtype, AnyKernel fn) {
  raw_table().fns[int(op)][int(device)][int(dtype)] = fn;
}

bool has_kernel(OpKind op, DeviceType device, DType dtype) { return find_kernel_or_null(op, device, dtype) != nullptr; }

AnyKernel find_kernel_or_null(OpKind op, DeviceType device, DType dtype) {
  return table().fns[int(op)][int(device)][int(dtype)];
}

AnyKernel find_kernel_raw(OpKind op, DeviceType device, DType dtype) {
  AnyKernel fn = table().fns[int(op)][int(device)][int(dtype)];
  if (fn) return fn;
  std::string registered;
  for (int dev = 0; dev < kNumDeviceTypes; ++dev) {
    for (int dt = 0; dt < kNumDTypes; ++dt) {
      if (!table().fns[int(op)][dev][dt]) continue;
      if (!registered.empty()) registered += ", ";
      registered += fmt::format("{}/{}", device_type_name(DeviceType(dev)), dtype_name(DType(dt)));
    }
  }
  std::string hint;
#ifndef CONVIS_WITH_CUDA
  if (device == kCUDA) hint = " (this build has no CUDA support: configure with -DCONVIS_CUDA=ON)";
#endif
  detail::throw_error(op_name(op), fmt::format("no kernel for {} on {}/{}; registered: {}{}", op_name(op),
                                               device_type_name(device), dtype_name(dtype),
                                               registered.empty() ? "none" : registered, hint));
}

}  // namespace convis
