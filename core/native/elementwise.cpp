// core/native/elementwise.cpp: type promotion, the shared elementwise runner, and the
// arithmetic ops (binary and unary).  Comparisons, logic and selection are in compare.cpp,
// the in-place forms in elementwise_inplace.cpp; the arithmetic Tensor methods and operators,
// which record, in autograd/ops/elementwise_methods.cpp.
#include "convis/core/native/elementwise.h"

#include <cmath>
#include <optional>
#include <string>

#include "convis/core/factory.h"
#include "convis/core/native/elementwise_impl.h"
#include "convis/core/strided_loop.h"
#include "convis/core/native/view.h"

namespace convis {

namespace detail {

namespace {

// LibTorch's combine_categories: the higher-priority group's dtype wins unless the lower
// group is of a higher category (bool < integer < floating).
std::optional<DType> combine_categories(std::optional<DType> higher, std::optional<DType> lower) {
  if (!higher) return lower;
  if (!lower || is_floating_point(*higher)) return higher;
  if (*higher == kBool || is_floating_point(*lower)) return promote_types(*higher, *lower);
  return higher;
}

// "int64, float32 or float64": the dtypes `op` has a kernel for on `device`.
std::string supported_dtypes(OpKind op, DeviceType device) {
  std::string out;
  int count = 0;
  for (int d = 0; d < kNumDTypes; ++d) count += has_kernel(op, device, DType(d));
  for (int d = 0, seen = 0; d < kNumDTypes; ++d) {
    if (!has_kernel(op, device, DType(d))) continue;
    if (seen > 0) out += seen + 1 == count ? " or " : ", ";
    out += dtype_name(DType(d));
    ++seen;
  }
  return out;
}

// LibTorch's canCast: no floating -> integral or bool, no integral -> bool.
bool can_cast(DType from, DType to) {
  if (is_floating_point(from) && !is_floating_point(to)) return false;
  return from == kBool || to != kBool;
}

// Note [In-place elementwise]
// An in-place op writes its result into self: the broadcast shape of all operands must be
// self's shape, and the result dtype must be castable to self's dtype (LibTorch's canCast:
// int_tensor.div_(2) is an error, float_tensor.add_(int_tensor) is fine).  A self with
// internal overlap (an expanded dim) is refused, as LibTorch does.  When the compute dtype
// differs from self's, the kernel writes a temporary that is then cast into self.  An input
// that shares memory with self but is laid out differently (x.mul_(x.t()), x.add_(x[0]))
// would be read after being overwritten, so it is copied first; an input identical to self
// (x.add_(x)) is safe, each element being read before it is written.  The version counter
// is bumped once.
void check_self(const Plan& plan, const Tensor& self, const Shape& shape) {
  CONVIS_CHECK(shape == self.sizes(), plan.name,
               "expected the operands to broadcast to self's shape {}, got the broadcast shape {} (output with "
               "shape {} doesn't match the broadcast shape {})",
               self.sizes(), shape, self.sizes(), shape);
  CONVIS_CHECK(can_cast(plan.result, self.dtype()), plan.name,
               "expected a result castable to self's dtype, got result type {} that can't be cast to the desired "
               "output type {}",
               dtype_name(plan.result), dtype_name(self.dtype()));
  for (int64_t d = 0; d < self.dim(); ++d)
    CONVIS_CHECK(self.stride(d) != 0 || self.size(d) <= 1, plan.name,
                 "expected a self whose elements are distinct in memory, got shape {} with strides {} (more than "
                 "one element of the written-to tensor refers to a single memory location; clone() it first)",
                 self.sizes(), self.strides());
}

bool same_layout(const Tensor& a, const Tensor& b) {
  return a.data_ptr() == b.data_ptr() && a.strides() == b.strides() && a.dtype() == b.dtype();
}
bool shares_memory(const Tensor& a, const Tensor& b) { return a.storage()->data() == b.storage()->data(); }

void write_scalar(const Scalar& s, DType t, unsigned char* buf) {
  visit_dtype(t, [&](auto tag) {
    using T = decltype(tag);
    *reinterpret_cast<T*>(buf) = s.to<T>();
  });
}

// The broadcast shape of the tensor operands, checking they are defined and on one device.
const Tensor& broadcast_args(const Plan& plan, Args args, Shape& shape) {
  const Tensor* lead = nullptr;
  for (const Arg& a : args) {
    if (a.is_scalar()) continue;
    CONVIS_CHECK(a.tensor->defined(), plan.name, "expected defined tensors, got an undefined Tensor()");
    if (lead == nullptr) {
      lead = a.tensor;
      shape = lead->sizes();
      continue;
    }
    CONVIS_CHECK(a.tensor->device() == lead->device(), plan.name, "expected all tensors on one device, got {} and {}",
                 lead->device().str(), a.tensor->device().str());
    shape = broadcast_shapes(shape, a.tensor->sizes(), plan.name);
  }
  CONVIS_ASSERT(lead != nullptr, "elementwise op {} has no tensor operand", plan.name);
  return *lead;
}

// An input in the compute dtype `dt`, broadcast to `shape`, safe to read while *self is
// written.  See Note [Native ops record nothing] (core/native/elementwise.h): the cast and
// the expand are taken on a detached alias; an input already right is used as it is.
Tensor prepare_operand(const Tensor& in, DType dt, const Shape& shape, const Tensor* self) {
  Tensor out;
  if (in.dtype() == dt && in.sizes() == shape) {
    out = in;
  } else {
    Tensor base = native::to((in.requires_grad() ? in.detach() : in), dt);
    out = base.sizes() == shape ? base : native::expand(base, shape);
  }
  if (self != nullptr && shares_memory(out, *self) && !same_layout(out, *self))
    out = native::expand(native::clone(native::to((in.requires_grad() ? in.detach() : in), dt)), shape);
  return out;
}

}  // namespace

DType promote_args(Args args) {
  std::optional<DType> dim_result, zero_result, wrapped_result;
  auto join = [](std::optional<DType>& r, DType t) { r = r ? promote_types(*r, t) : t; };
  for (const Arg& a : args) {
    if (a.is_scalar())
      join(wrapped_result, a.scalar.is_floating_point() ? get_default_dtype() : a.scalar.type());
    else if (a.tensor->dim() == 0)
      join(zero_result, a.tensor->dtype());
    else
      join(dim_result, a.tensor->dtype());
  }
  return combine_categories(dim_result, combine_categories(zero_result, wrapped_result)).value_or(get_default_dtype());
}

// Note [Elementwise fast path]
// Most elementwise calls are the simple case: out of place, every tensor operand contiguous,
// of one shape, already in the compute dtype.  Then there is nothing to broadcast, cast or
// coalesce: the op is one flat loop over numel elements.  flat_op runs that case directly,
// without run_op's temporaries (an operand handle per input, a shape per step), which is a
// third of the cost of an op on a small tensor; anything else returns an undefined Tensor and
// takes the general path, which also produces every error message.
namespace {
Tensor flat_op(const Plan& plan, Args args) {
  const Tensor* lead = nullptr;
  for (const Arg& a : args) {
    if (a.is_scalar()) continue;
    const Tensor& t = *a.tensor;
    if (!t.defined() || t.dtype() != plan.compute || !t.is_contiguous()) return {};
    if (lead == nullptr) lead = &t;
    else if (t.sizes() != lead->sizes() || t.device() != lead->device()) return {};
  }
  if (lead == nullptr || plan.mask_first) return {};
  const Device device = lead->device();
  auto* kernel = find_kernel_or_null<ElementwiseKernel>(plan.op, device.type(), plan.compute);
  if (kernel == nullptr) return {};
  Tensor out = empty(lead->sizes(), TensorOptions(plan.result).device(device));
  StridedLoop L;
  L.ntensors = 1 + int(args.size());
  L.ndim = 1;
  L.sizes[0] = out.numel();
  L.data[0] = static_cast<char*>(out.data_ptr());
  L.dtypes[0] = plan.result;
  L.strides[0][0] = dtype_size(plan.result);
  alignas(8) unsigned char scalars[3][8] = {};
  int k = 1;
  for (const Arg& a : args) {
    L.dtypes[k] = plan.compute;
    if (a.is_scalar()) {  // a plain number: stride 0, as in run_op
      write_scalar(a.scalar, plan.compute, scalars[k - 1]);
      L.data[k] = reinterpret_cast<char*>(scalars[k - 1]);
      L.strides[k][0] = 0;
      L.host_scalars |= 1u << k;
    } else {
      L.data[k] = static_cast<char*>(a.tensor->data_ptr());
      L.strides[k][0] = dtype_size(plan.compute);
    }
    ++k;
  }
  L.params = plan.params;
  if (L.sizes[0] > 0) kernel(L);
  return out;
}
}  // namespace

Tensor run_op(const Plan& plan, Args args, const Tensor* self) {
  if (self == nullptr) {
    Tensor out = flat_op(plan, args);
    if (out.defined()) return out;
  }
  const int n = int(args.size());
  CONVIS_ASSERT(n >= 1 && n <= 3, "elementwise op {} with {} operands", plan.name, n);
  Shape shape;
  const Device device = broadcast_args(plan, args, shape).device();
  auto* kernel = find_kernel_or_null<ElementwiseKernel>(plan.op, device.type(), plan.compute);
  if (kernel == nullptr) {  // a dtype the op lacks, or a backend without the op
    std::string supported = supported_dtypes(plan.op, device.type());
    CONVIS_CHECK(supported.empty(), plan.name, "expected a tensor of dtype {}, got {}", supported,
                 dtype_name(plan.compute));
    kernel = find_kernel<ElementwiseKernel>(plan.op, device.type(), plan.compute);  // throws, naming the backend
  }
  if (self != nullptr) check_self(plan, *self, shape);

  // Operands in the compute dtype, broadcast; plain numbers in small buffers.
  Tensor operands[3];
  alignas(8) unsigned char scalars[3][8] = {};
  DType dtypes[3];
  int k = 0;
  for (const Arg& a : args) {
    dtypes[k] = k == 0 && plan.mask_first ? kBool : plan.compute;
    if (a.is_scalar()) {
      write_scalar(a.scalar, dtypes[k], scalars[k]);
    } else {
      operands[k] = prepare_operand(*a.tensor, dtypes[k], shape, self);
    }
    ++k;
  }

  const bool direct = self != nullptr && self->dtype() == plan.result;
  Tensor out = direct ? *self : empty(shape, TensorOptions(plan.result).device(device));
  if (out.numel() > 0) {
    const Tensor* t[3];
    k = 0;
    for (const Arg& a : args) t[k] = a.is_scalar() ? &out : &operands[k], ++k;
    StridedLoop L;
    if (n == 1) make_strided_loop(L, {&out, t[0]});
    else if (n == 2) make_strided_loop(L, {&out, t[0], t[1]});
    else make_strided_loop(L, {&out, t[0], t[1], t[2]});
    k = 0;
    for (const Arg& a : args) {  // a plain number: stride 0 everywhere (see the Note)
      if (a.is_scalar()) {
        L.data[k + 1] = reinterpret_cast<char*>(scalars[k]);
        L.dtypes[k + 1] = dtypes[k];
        L.host_scalars |= 1u << (k + 1);
        for (int d = 0; d < L.ndim; ++d) L.strides[k + 1][d] = 0;
      }
      ++k;
    }
    L.params = plan.params;
    kernel(L);
  }
  if (self == nullptr) return out;
  if (!direct && out.numel() > 0) run_elementwise(OpKind::copy, self->dtype(), {self, &out});
  self->storage()->bump_version(plan.name);
  return *self;
}

// A floating number only ever reaches floating kernels (it raises the compute dtype to
// floating), so its integer slot stays 0 rather than converting NaN or 1e30 (UB).
ScalarParam scalar_param(const Scalar& s) { return {s.toDouble(), s.is_floating_point() ? 0 : s.toLong()}; }

bool all_true(const Tensor& t) {
  Tensor c = native::contiguous(native::to(t, Device(kCPU)));
  const bool* p = c.data_ptr<bool>();
  for (int64_t i = 0; i < c.numel(); ++i)
    if (!p[i]) return false;
  return true;
}

bool any_true(const Tensor& t) {
  Tensor c = native::contiguous(native::to(t, Device(kCPU)));
  const bool* p = c.data_ptr<bool>();
  for (int64_t i = 0; i < c.numel(); ++i)
    if (p[i]) return true;
  return false;
}

}  // namespace detail

using detail::add_impl;
using detail::Arg;
using detail::binary_impl;
using detail::clamp_impl;
using detail::div_impl;
using detail::Plan;
using detail::pow_impl;
using detail::promote_args;
using detail::remainder_impl;
using detail::run_op;
using detail::sub_impl;
using detail::unary_impl;

DType result_type(const Tensor& a, const Tensor& b) { return promote_args({a, b}); }
DType result_type(const Tensor& a, const Scalar& b) { return promote_args({a, b}); }

// max(a, b) and min(a, b) are maximum and minimum (and record as they do).

// ---- binary arithmetic; `self` set means in place (see Note [In-place elementwise]) ----

namespace detail {

std::string str(const Scalar& s) {
  if (s.is_boolean()) return s.toBool() ? "true" : "false";
  return s.is_integral() ? std::to_string(s.toLong()) : fmt::format("{}", s.toDouble());
}

// LibTorch's alpha_check.
void check_alpha(const char* name, DType t, const Scalar& alpha) {
  CONVIS_CHECK(!alpha.is_boolean() || t == kBool, name,
               "expected a non-bool alpha for a result of dtype {}, got {} (Boolean alpha only supported for "
               "Boolean results)",
               dtype_name(t), str(alpha));
  CONVIS_CHECK(is_floating_point(t) || alpha.is_integral(true), name,
               "expected an integral alpha for integral input tensors, got {} (For integral input tensors, "
               "argument alpha must not be a floating point number)",
               str(alpha));
}

bool arg_is_bool(const Arg& a) { return a.is_scalar() ? a.scalar.is_boolean() : a.tensor->dtype() == kBool; }

Tensor add_impl(const char* name, Arg a, Arg b, const Scalar& alpha, const Tensor* self) {
  DType t = promote_args({a, b});
  check_alpha(name, t, alpha);
  return run_op({name, OpKind::add, t, t, alpha_params(alpha)}, {a, b}, self);
}

Tensor sub_impl(const char* name, Arg a, Arg b, const Scalar& alpha, const Tensor* self) {
  CONVIS_CHECK(!arg_is_bool(a) || !arg_is_bool(b), name,
               "expected non-bool operands, got two bool operands (Subtraction, the `-` operator, with two bool "
               "tensors is not supported. Use the `^` or `logical_xor()` operator instead.)");
  CONVIS_CHECK(!arg_is_bool(a) && !arg_is_bool(b), name,
               "expected non-bool operands, got a bool operand (Subtraction, the `-` operator, with a bool tensor "
               "is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator "
               "instead.)");
  DType t = promote_args({a, b});
  check_alpha(name, t, alpha);
  return run_op({name, OpKind::sub, t, t, alpha_params(alpha)}, {a, b}, self);
}

// Ops whose result is the promoted dtype: mul, maximum, minimum.
Tensor binary_impl(const char* name, OpKind op, Arg a, Arg b, const Tensor* self) {
  DType t = promote_args({a, b});
  return run_op({name, op, t, t}, {a, b}, self);
}

Tensor div_impl(const char* name, Arg a, Arg b, const Tensor* self) {
  DType t = promote_args({a, b});
  if (!is_floating_point(t)) t = get_default_dtype();  // true division
  return run_op({name, OpKind::div, t, t}, {a, b}, self);
}

Tensor pow_impl(const char* name, Arg a, Arg b, const Tensor* self) {
  DType t = promote_args({a, b});
  if (b.is_scalar() && !a.is_scalar())
    CONVIS_CHECK(!is_integral(t, true) || b.scalar.is_boolean() || b.scalar.toLong() >= 0, name,
                 "expected a non-negative exponent for an integral tensor, got {} (Integers to negative integer "
                 "powers are not allowed.)",
                 str(b.scalar));
  return run_op({name, OpKind::pow, t, t}, {a, b}, self);
}

Tensor remainder_impl(const char* name, Arg a, Arg b, const Tensor* self) {
  DType t = promote_args({a, b});
  if (is_integral(t, true)) {
    bool zero = b.is_scalar() ? b.scalar.toLong() == 0 : any_true(eq(*b.tensor, 0));
    CONVIS_CHECK(!zero, name, "expected a non-zero divisor for integer remainder, got a zero (ZeroDivisionError)");
  }
  return run_op({name, OpKind::remainder, t, t}, {a, b}, self);
}

Tensor clamp_impl(const char* name, const Tensor& x, const std::optional<Scalar>& lo, const std::optional<Scalar>& hi,
                  const Tensor* self) {
  CONVIS_CHECK(lo || hi, name,
               "expected at least one of min and max, got neither (At least one of 'min' or 'max' "
               "must not be None)");
  DType t = lo && hi ? promote_args({x, *lo, *hi}) : promote_args({x, lo ? *lo : *hi});
  OpParams p;
  p.min = scalar_param(lo.value_or(0)), p.has_min = lo.has_value();
  p.max = scalar_param(hi.value_or(0)), p.has_max = hi.has_value();
  Tensor r = run_op({name, OpKind::clamp, t, t, p}, {x}, self);
  if (lo && hi && is_floating_point(t) && (std::isnan(lo->toDouble()) || std::isnan(hi->toDouble()))) {
    OpParams nan;  // LibTorch: a NaN bound, with both given, makes every element NaN
    nan.value.f = std::nan("");
    run_elementwise(OpKind::fill, r.dtype(), {&r}, nan);
  }
  return r;
}

}  // namespace detail

Tensor native::add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return add_impl("add", a, b, alpha, nullptr);
}
Tensor native::add(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return add_impl("add", a, b, alpha, nullptr);
}
Tensor native::sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  return sub_impl("sub", a, b, alpha, nullptr);
}
Tensor native::sub(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return sub_impl("sub", a, b, alpha, nullptr);
}
Tensor native::rsub(const Tensor& a, const Scalar& b) { return sub_impl("rsub", b, a, 1, nullptr); }
Tensor native::mul(const Tensor& a, const Tensor& b) { return binary_impl("mul", OpKind::mul, a, b, nullptr); }
Tensor native::mul(const Tensor& a, const Scalar& b) { return binary_impl("mul", OpKind::mul, a, b, nullptr); }
Tensor native::div(const Tensor& a, const Tensor& b) { return div_impl("div", a, b, nullptr); }
Tensor native::div(const Tensor& a, const Scalar& b) { return div_impl("div", a, b, nullptr); }
Tensor native::div(const Scalar& a, const Tensor& b) { return div_impl("div", a, b, nullptr); }
Tensor native::pow(const Tensor& a, const Tensor& b) { return pow_impl("pow", a, b, nullptr); }
Tensor native::pow(const Tensor& a, const Scalar& b) { return pow_impl("pow", a, b, nullptr); }
Tensor native::pow(const Scalar& a, const Tensor& b) { return pow_impl("pow", a, b, nullptr); }
Tensor native::remainder(const Tensor& a, const Tensor& b) { return remainder_impl("remainder", a, b, nullptr); }
Tensor native::remainder(const Tensor& a, const Scalar& b) { return remainder_impl("remainder", a, b, nullptr); }
Tensor native::maximum(const Tensor& a, const Tensor& b) {
  return binary_impl("maximum", OpKind::maximum, a, b, nullptr);
}
Tensor native::minimum(const Tensor& a, const Tensor& b) {
  return binary_impl("minimum", OpKind::minimum, a, b, nullptr);
}
Tensor native::clamp(const Tensor& x, const std::optional<Scalar>& min, const std::optional<Scalar>& max) {
  return clamp_impl("clamp", x, min, max, nullptr);
}
Tensor native::clamp_min(const Tensor& x, const Scalar& min) { return clamp_impl("clamp_min", x, min, {}, nullptr); }
Tensor native::clamp_max(const Tensor& x, const Scalar& max) { return clamp_impl("clamp_max", x, {}, max, nullptr); }

// ---- unary ----

namespace detail {

Tensor unary_impl(const char* name, OpKind op, UnaryKind kind, const Tensor& x, const Tensor* self) {
  CONVIS_CHECK(x.defined(), name, "expected a defined tensor, got an undefined Tensor()");
  DType t = x.dtype();
  if (kind == UnaryKind::floating && !is_floating_point(t)) t = get_default_dtype();
  if (kind == UnaryKind::square && t == kBool) t = kInt64;
  CONVIS_CHECK(op != OpKind::neg || t != kBool, name,
               "expected a non-bool tensor, got bool (Negation, the `-` operator, on a bool tensor is not "
               "supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.)");
  return run_op({name, op, t, t}, {x}, self);
}

}  // namespace detail

using detail::UnaryKind;

Tensor native::abs(const Tensor& x) { return unary_impl("abs", OpKind::abs, UnaryKind::keep, x, nullptr); }
Tensor native::neg(const Tensor& x) { return unary_impl("neg", OpKind::neg, UnaryKind::keep, x, nullptr); }
Tensor native::sign(const Tensor& x) { return unary_impl("sign", OpKind::sign, UnaryKind::keep, x, nullptr); }
Tensor native::exp(const Tensor& x) { return unary_impl("exp", OpKind::exp, UnaryKind::floating, x, nullptr); }
Tensor native::log(const Tensor& x) { return unary_impl("log", OpKind::log, UnaryKind::floating, x, nullptr); }
Tensor native::log1p(const Tensor& x) { return unary_impl("log1p", OpKind::log1p, UnaryKind::floating, x, nullptr); }
Tensor native::expm1(const Tensor& x) { return unary_impl("expm1", OpKind::expm1, UnaryKind::floating, x, nullptr); }
Tensor native::sqrt(const Tensor& x) { return unary_impl("sqrt", OpKind::sqrt, UnaryKind::floating, x, nullptr); }
Tensor native::rsqrt(const Tensor& x) { return unary_impl("rsqrt", OpKind::rsqrt, UnaryKind::floating, x, nullptr); }
Tensor native::reciprocal(const Tensor& x) {
  return unary_impl("reciprocal", OpKind::reciprocal, UnaryKind::floating, x, nullptr);
}
Tensor native::square(const Tensor& x) { return unary_impl("square", OpKind::square, UnaryKind::square, x, nullptr); }
Tensor native::sin(const Tensor& x) { return unary_impl("sin", OpKind::sin, UnaryKind::floating, x, nullptr); }
Tensor native::cos(const Tensor& x) { return unary_impl("cos", OpKind::cos, UnaryKind::floating, x, nullptr); }
Tensor native::tanh(const Tensor& x) { return unary_impl("tanh", OpKind::tanh, UnaryKind::floating, x, nullptr); }
Tensor native::sigmoid(const Tensor& x) {
  return unary_impl("sigmoid", OpKind::sigmoid, UnaryKind::floating, x, nullptr);
}
namespace {
Tensor fused_backward(const char* name, OpKind op, const Tensor& grad, const Tensor& y) {
  DType t = detail::promote_args({grad, y});
  if (!is_floating_point(t) || !has_kernel(op, grad.device().type(), t)) return Tensor();
  return run_op({name, op, t, t}, {grad, y});
}
}  // namespace

Tensor native::tanh_backward(const Tensor& grad, const Tensor& y) {
  Tensor out = fused_backward("tanh_backward", OpKind::tanh_backward, grad, y);
  return out.defined() ? out : native::mul(grad, native::rsub(native::mul(y, y), 1));
}
Tensor native::sigmoid_backward(const Tensor& grad, const Tensor& y) {
  Tensor out = fused_backward("sigmoid_backward", OpKind::sigmoid_backward, grad, y);
  return out.defined() ? out : native::mul(grad, native::mul(y, native::rsub(y, 1)));
}

Tensor native::relu(const Tensor& x) { return unary_impl("relu", OpKind::relu, UnaryKind::keep, x, nullptr); }
Tensor native::floor(const Tensor& x) { return unary_impl("floor", OpKind::floor, UnaryKind::keep, x, nullptr); }
Tensor native::ceil(const Tensor& x) { return unary_impl("ceil", OpKind::ceil, UnaryKind::keep, x, nullptr); }
Tensor native::round(const Tensor& x) { return unary_impl("round", OpKind::round, UnaryKind::keep, x, nullptr); }

}  // namespace convis
