#include "convis/core/tensor_options.h"

#include <atomic>
#include <ostream>

#include "convis/core/error.h"

namespace convis {

namespace {
std::atomic<DType> g_default_dtype{kFloat32};
}

DType get_default_dtype() { return g_default_dtype.load(); }

void set_default_dtype(DType d) {
  CONVIS_CHECK(is_floating_point(d), "set_default_dtype", "expected kFloat32 or kFloat64, got {}", dtype_name(d));
  g_default_dtype.store(d);
}

std::ostream& operator<<(std::ostream& os, DType t) { return os << scalar_type_name(t); }
std::ostream& operator<<(std::ostream& os, TypeMeta t) { return os << t.name(); }

DType TensorOptions::dtype() const { return dtype_.value_or(get_default_dtype()); }

}  // namespace convis
