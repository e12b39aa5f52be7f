// core/tensor_options.h: what a factory should make (dtype, device, requires_grad).
//
//   convis::zeros({2, 3}, convis::TensorOptions().dtype(convis::kFloat64).requires_grad(true));
//   convis::ones({4}, convis::kInt64);        // implicit from a DType
//   convis::empty({4}, convis::Device("cpu")); // implicit from a Device
//
// An unset dtype means "the default dtype" (kFloat32 unless set_default_dtype changed it)
// for floating factories, and whatever the factory's data says for tensor({...}).
#pragma once

#include <optional>

#include "convis/core/device.h"
#include "convis/core/dtype.h"

namespace convis {

class TensorOptions {
 public:
  TensorOptions() = default;
  TensorOptions(DType d) : dtype_(d) {}             // NOLINT: implicit, as in LibTorch
  TensorOptions(TypeMeta d) : dtype_(DType(d)) {}   // NOLINT: empty(s, x.dtype())
  TensorOptions(Device d) : device_(d) {}           // NOLINT
  TensorOptions(DeviceType d) : device_(Device(d)) {}  // NOLINT

  TensorOptions dtype(DType d) const {
    TensorOptions o = *this;
    o.dtype_ = d;
    return o;
  }
  TensorOptions dtype(TypeMeta d) const { return dtype(DType(d)); }
  TensorOptions dtype(std::optional<DType> d) const {
    TensorOptions o = *this;
    o.dtype_ = d;
    return o;
  }
  TensorOptions device(Device d) const {
    TensorOptions o = *this;
    o.device_ = d;
    return o;
  }
  TensorOptions requires_grad(bool r) const {
    TensorOptions o = *this;
    o.requires_grad_ = r;
    return o;
  }

  DType dtype() const;  // the set dtype or the default dtype
  std::optional<DType> dtype_opt() const { return dtype_; }
  bool has_dtype() const { return dtype_.has_value(); }
  Device device() const { return device_; }
  bool requires_grad() const { return requires_grad_; }

 private:
  std::optional<DType> dtype_;
  Device device_ = kCPU;
  bool requires_grad_ = false;
};

// The dtype floating factories use when none is given (kFloat32 at start).
DType get_default_dtype();
void set_default_dtype(DType d);  // kFloat32 or kFloat64

// Free builders, as in LibTorch: convis::dtype(kFloat64).requires_grad(true)
inline TensorOptions dtype(DType d) { return TensorOptions().dtype(d); }
inline TensorOptions dtype(TypeMeta d) { return TensorOptions().dtype(d); }
inline TensorOptions device(Device d) { return TensorOptions().device(d); }
inline TensorOptions requires_grad(bool r = true) { return TensorOptions().requires_grad(r); }

}  // namespace convis
