// nn/convis/filters/nonlinearities.cpp (nn/convis/filters/nonlinearities.h).
#include "convis/nn/convis/filters/nonlinearities.h"

#include "convis/core/factory.h"
#include "convis/core/ops.h"

namespace convis::filters {
namespace {

Tensor as_floating(const Tensor& x) { return x.is_floating_point() ? x : x.to(get_default_dtype()); }

void check_defined(const Tensor& input, const char* op) {
  CONVIS_CHECK(input.defined(), op, "expected a defined input tensor, got an undefined Tensor()");
}

}  // namespace

NLRectifyImpl::NLRectifyImpl() = default;

Tensor NLRectifyImpl::forward(const Tensor& input) {
  check_defined(input, "NLRectify");
  return clamp(as_floating(input), 0.0, kRectifyMax);
}

ScaledNonlinearityImpl::ScaledNonlinearityImpl() {
  scale = register_parameter("scale", scalar_tensor(1.0), true, "factor applied to the input before the nonlinearity");
  bias = register_parameter("bias", scalar_tensor(0.0), true, "offset added to the scaled input before the nonlinearity");
}

Tensor ScaledNonlinearityImpl::affine(const Tensor& input) const {
  Tensor x = as_floating(input);
  return bias.to(x.dtype()) + scale.to(x.dtype()) * x;
}

Tensor NLRectifyScaleImpl::forward(const Tensor& input) {
  check_defined(input, "NLRectifyScale");
  return clamp(affine(input), 0.0, kRectifyMax);
}

Tensor NLSquareImpl::forward(const Tensor& input) {
  check_defined(input, "NLSquare");
  return square(affine(input));
}

Tensor NLRectifySquareImpl::forward(const Tensor& input) {
  check_defined(input, "NLRectifySquare");
  return square(clamp(affine(input), 0.0, kRectifyMax));
}

Tensor sum(const std::vector<Tensor>& tensors, int64_t dim) {
  CONVIS_CHECK(!tensors.empty(), "filters::sum", "expected at least one tensor, got none");
  return convis::sum(cat(tensors, dim), Shape{dim}, /*keepdim=*/true);
}

}  // namespace convis::filters
