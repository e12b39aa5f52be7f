// autograd/ops/elementwise_more.cpp: the public differentiable elementwise ops beyond arithmetic
// (maximum, clamp, the unary ops, where, masked_fill), forward and backward side by side.
//
//   op                     gradient of each input (LibTorch 1.13's conventions at the kinks)
//   maximum(a, b)          a: grad where a > b, grad / 2 where a == b, else 0    b: mirrored
//   minimum(a, b)          a: grad where a < b, grad / 2 where a == b, else 0    b: mirrored
//   max(a, b), min(a, b)   are maximum and minimum (core/native/elementwise.cpp)
//   clamp(x, lo, hi)       x: grad where lo <= x <= hi (an absent bound always holds), else 0
//   clamp_min(x, lo)       x: grad where x >= lo, else 0
//   clamp_max(x, hi)       x: grad where x <= hi, else 0
//   abs(x)                 x: grad * sign(x)                (0 at 0)
//   neg(x)                 x: -grad
//   sign, floor, ceil, round    x: 0
//   exp(x)                 x: grad * result
//   log(x)                 x: grad / x
//   log1p(x)               x: grad / (x + 1)
//   expm1(x)               x: grad * (result + 1)
//   sqrt(x)                x: grad / (2 * result)          (inf at 0, as LibTorch)
//   rsqrt(x)               x: -grad * result^3 / 2
//   reciprocal(x)          x: -grad * result^2
//   square(x)              x: grad * 2 * x                  (recorded as PowBackward0, as LibTorch)
//   sin(x)                 x: grad * cos(x)
//   cos(x)                 x: -grad * sin(x)
//   tanh(x)                x: grad * (1 - result^2)
//   sigmoid(x)             x: grad * result * (1 - result)
//   relu(x)                x: grad where result > 0, else 0 (0 at 0)
//   where(c, a, b)         a: grad where c, else 0          b: 0 where c, else grad     (c: none)
//   masked_fill(x, m, v)   x: grad, 0 where m               v (a 0-dim tensor): the sum of grad where m
#include "convis/autograd/grad_mode.h"
#include "convis/autograd/ops/elementwise_common.h"

namespace convis {

using autograd::FunctionNode;
using autograd::InPlace;
using autograd::OpRecord;
using autograd::recorded;
using autograd::TensorPtrs;
using autograd::variable_list;
using autograd::elementwise::Saves;
using autograd::elementwise::Unary;
using autograd::elementwise::unary;
using autograd::elementwise::unary_;

namespace autograd::elementwise {

OpRecord unary_record(const Unary& u, const Tensor& x) {
  OpRecord r{u.name, {&x}, {}, [f = u.formula, saves = u.saves](FunctionNode& n, const variable_list& g) {
               Tensor saved = saves == Saves::input    ? n.saved("self")
                              : saves == Saves::result ? n.saved("result")
                                                       : Tensor();
               return variable_list{f(g[0], saved)};
             }};
  if (u.saves == Saves::input) r.saves.push_back({"self", x});
  if (u.saves == Saves::result) r.save_result = "result";
  return r;
}

Tensor unary(const Unary& u, const Tensor& x, Tensor y) {
  return recorded(std::move(y), {&x}, [&] { return unary_record(u, x); });
}

Tensor& unary_(const Unary& u, const Tensor& self, const char* op, const Tensor& (*write)(const Tensor&)) {
  InPlace w(self, op, {}, [&] { return unary_record(u, self); });
  write(self);
  return w.record();
}

}  // namespace autograd::elementwise

static const Scalar kZero(0.0);

// ---- maximum, minimum ----

// LibTorch's rule: a tie splits the gradient in half; the smaller (for maximum) gets none.
static OpRecord extremum_record(const char* name, const Tensor& a, const Tensor& b, bool is_max) {
  return {name, {&a, &b}, {{"self", a}, {"other", b}}, [is_max](FunctionNode& n, const variable_list& g) {
    Tensor x = n.saved("self"), y = n.saved("other");
    Tensor shared = where(x == y, g[0] / 2, g[0]);
    Tensor a_loses = is_max ? x < y : x > y, b_loses = is_max ? x > y : x < y;
    return variable_list{n.needs_input_grad(0) ? masked_fill(shared, a_loses, kZero) : Tensor(),
                         n.needs_input_grad(1) ? masked_fill(shared, b_loses, kZero) : Tensor()};
  }};
}
Tensor maximum(const Tensor& a, const Tensor& b) {
  return recorded(native::maximum(a, b), {&a, &b}, [&] { return extremum_record("MaximumBackward0", a, b, true); });
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return recorded(native::minimum(a, b), {&a, &b}, [&] { return extremum_record("MinimumBackward0", a, b, false); });
}

// ---- clamp ----

static OpRecord clamp_record(const char* name, const Tensor& x, const std::optional<Scalar>& lo,
                             const std::optional<Scalar>& hi) {
  return {name, {&x}, {{"self", x}}, [lo, hi](FunctionNode& n, const variable_list& g) {
            Tensor v = n.saved("self");
            Tensor keep = lo && hi ? (v >= *lo) & (v <= *hi) : lo ? v >= *lo : v <= *hi;
            return variable_list{where(keep, g[0], kZero)};
          }};
}
Tensor clamp(const Tensor& x, const std::optional<Scalar>& min, const std::optional<Scalar>& max) {
  return recorded(native::clamp(x, min, max), {&x}, [&] { return clamp_record("ClampBackward1", x, min, max); });
}
Tensor clamp_min(const Tensor& x, const Scalar& min) {
  return recorded(native::clamp_min(x, min), {&x}, [&] { return clamp_record("ClampMinBackward0", x, min, {}); });
}
Tensor clamp_max(const Tensor& x, const Scalar& max) {
  return recorded(native::clamp_max(x, max), {&x}, [&] { return clamp_record("ClampMaxBackward0", x, {}, max); });
}
Tensor& Tensor::clamp_(const std::optional<Scalar>& min, const std::optional<Scalar>& max) const {
  InPlace w(*this, "clamp_", {}, [&] { return clamp_record("ClampBackward1", *this, min, max); });
  native::clamp_(*this, min, max);
  return w.record();
}
Tensor& Tensor::clamp_min_(const Scalar& min) const {
  InPlace w(*this, "clamp_min_", {}, [&] { return clamp_record("ClampMinBackward0", *this, min, {}); });
  native::clamp_min_(*this, min);
  return w.record();
}
Tensor& Tensor::clamp_max_(const Scalar& max) const {
  InPlace w(*this, "clamp_max_", {}, [&] { return clamp_record("ClampMaxBackward0", *this, {}, max); });
  native::clamp_max_(*this, max);
  return w.record();
}

// ---- unary: the node, what it saves, and the formula, then the op and its in-place form ----

static Tensor zero_grad(const Tensor& g, const Tensor&) { return zeros_like(g); }

constexpr Unary kAbs{"AbsBackward0", Saves::input, [](const Tensor& g, const Tensor& x) { return g * sign(x); }};
Tensor abs(const Tensor& x) { return unary(kAbs, x, native::abs(x)); }
Tensor& Tensor::abs_() const { return unary_(kAbs, *this, "abs_", native::abs_); }

constexpr Unary kNeg{"NegBackward0", Saves::nothing, [](const Tensor& g, const Tensor&) { return -g; }};
Tensor neg(const Tensor& x) { return unary(kNeg, x, native::neg(x)); }
Tensor& Tensor::neg_() const { return unary_(kNeg, *this, "neg_", native::neg_); }

constexpr Unary kSign{"SignBackward0", Saves::nothing, zero_grad};
Tensor sign(const Tensor& x) { return unary(kSign, x, native::sign(x)); }
Tensor& Tensor::sign_() const { return unary_(kSign, *this, "sign_", native::sign_); }

constexpr Unary kExp{"ExpBackward0", Saves::result, [](const Tensor& g, const Tensor& r) { return g * r; }};
Tensor exp(const Tensor& x) { return unary(kExp, x, native::exp(x)); }
Tensor& Tensor::exp_() const { return unary_(kExp, *this, "exp_", native::exp_); }

constexpr Unary kLog{"LogBackward0", Saves::input, [](const Tensor& g, const Tensor& x) { return g / x; }};
Tensor log(const Tensor& x) { return unary(kLog, x, native::log(x)); }
Tensor& Tensor::log_() const { return unary_(kLog, *this, "log_", native::log_); }

constexpr Unary kLog1p{"Log1PBackward0", Saves::input, [](const Tensor& g, const Tensor& x) { return g / (x + 1); }};
Tensor log1p(const Tensor& x) { return unary(kLog1p, x, native::log1p(x)); }
Tensor& Tensor::log1p_() const { return unary_(kLog1p, *this, "log1p_", native::log1p_); }

constexpr Unary kExpm1{"Expm1Backward0", Saves::result, [](const Tensor& g, const Tensor& r) { return g * (r + 1); }};
Tensor expm1(const Tensor& x) { return unary(kExpm1, x, native::expm1(x)); }
Tensor& Tensor::expm1_() const { return unary_(kExpm1, *this, "expm1_", native::expm1_); }

constexpr Unary kSqrt{"SqrtBackward0", Saves::result, [](const Tensor& g, const Tensor& r) { return g / (r * 2); }};
Tensor sqrt(const Tensor& x) { return unary(kSqrt, x, native::sqrt(x)); }
Tensor& Tensor::sqrt_() const { return unary_(kSqrt, *this, "sqrt_", native::sqrt_); }

constexpr Unary kRsqrt{"RsqrtBackward0", Saves::result,
                       [](const Tensor& g, const Tensor& r) { return g * r.pow(3) * -0.5; }};
Tensor rsqrt(const Tensor& x) { return unary(kRsqrt, x, native::rsqrt(x)); }
Tensor& Tensor::rsqrt_() const { return unary_(kRsqrt, *this, "rsqrt_", native::rsqrt_); }

constexpr Unary kReciprocal{"ReciprocalBackward0", Saves::result,
                            [](const Tensor& g, const Tensor& r) { return -g * (r * r); }};
Tensor reciprocal(const Tensor& x) { return unary(kReciprocal, x, native::reciprocal(x)); }
Tensor& Tensor::reciprocal_() const { return unary_(kReciprocal, *this, "reciprocal_", native::reciprocal_); }

constexpr Unary kSquare{"PowBackward0", Saves::input, [](const Tensor& g, const Tensor& x) { return g * (x * 2); }};
Tensor square(const Tensor& x) { return unary(kSquare, x, native::square(x)); }
Tensor& Tensor::square_() const { return unary_(kSquare, *this, "square_", native::square_); }

constexpr Unary kSin{"SinBackward0", Saves::input, [](const Tensor& g, const Tensor& x) { return g * cos(x); }};
Tensor sin(const Tensor& x) { return unary(kSin, x, native::sin(x)); }
Tensor& Tensor::sin_() const { return unary_(kSin, *this, "sin_", native::sin_); }

constexpr Unary kCos{"CosBackward0", Saves::input, [](const Tensor& g, const Tensor& x) { return g * -sin(x); }};
Tensor cos(const Tensor& x) { return unary(kCos, x, native::cos(x)); }
Tensor& Tensor::cos_() const { return unary_(kCos, *this, "cos_", native::cos_); }

// Note [Fused backward kernels]
// A backward formula must stay differentiable (create_graph records it), so it is written
// with public ops; but run without a graph, g * (1 - r * r) makes three tensors and runs
// three kernels for what one pass computes.  So when grad mode is off during backward
// (no create_graph), tanh and sigmoid call a fused kernel that does the same arithmetic in
// the same order (the same bits), and the public formula otherwise.
constexpr Unary kTanh{"TanhBackward0", Saves::result, [](const Tensor& g, const Tensor& r) {
                        return GradMode::is_enabled() ? g * (1 - r * r) : native::tanh_backward(g, r);
                      }};
Tensor tanh(const Tensor& x) { return unary(kTanh, x, native::tanh(x)); }
Tensor& Tensor::tanh_() const { return unary_(kTanh, *this, "tanh_", native::tanh_); }

constexpr Unary kSigmoid{"SigmoidBackward0", Saves::result,
                         [](const Tensor& g, const Tensor& r) {
                           return GradMode::is_enabled() ? g * (r * (1 - r)) : native::sigmoid_backward(g, r);
                         }};
Tensor sigmoid(const Tensor& x) { return unary(kSigmoid, x, native::sigmoid(x)); }
Tensor& Tensor::sigmoid_() const { return unary_(kSigmoid, *this, "sigmoid_", native::sigmoid_); }

constexpr Unary kRelu{"ReluBackward0", Saves::result,
                      [](const Tensor& g, const Tensor& r) { return where(r <= 0, kZero, g); }};
Tensor relu(const Tensor& x) { return unary(kRelu, x, native::relu(x)); }
Tensor& Tensor::relu_() const { return unary_(kRelu, *this, "relu_", native::relu_); }

constexpr Unary kFloor{"FloorBackward0", Saves::nothing, zero_grad};
Tensor floor(const Tensor& x) { return unary(kFloor, x, native::floor(x)); }
Tensor& Tensor::floor_() const { return unary_(kFloor, *this, "floor_", native::floor_); }

constexpr Unary kCeil{"CeilBackward0", Saves::nothing, zero_grad};
Tensor ceil(const Tensor& x) { return unary(kCeil, x, native::ceil(x)); }
Tensor& Tensor::ceil_() const { return unary_(kCeil, *this, "ceil_", native::ceil_); }

constexpr Unary kRound{"RoundBackward0", Saves::nothing, zero_grad};
Tensor round(const Tensor& x) { return unary(kRound, x, native::round(x)); }
Tensor& Tensor::round_() const { return unary_(kRound, *this, "round_", native::round_); }

// ---- where ----

// where(c, a, b) with a or b a plain number (null here): only the tensors get an edge.
static OpRecord where_record(const Tensor& c, const Tensor* a, const Tensor* b) {
  TensorPtrs inputs;
  if (a != nullptr) inputs.push_back(a);
  if (b != nullptr) inputs.push_back(b);
  return {"WhereBackward0", inputs, {{"condition", c}},
          [has_a = a != nullptr, has_b = b != nullptr](FunctionNode& n, const variable_list& g) {
            Tensor cond = n.saved("condition");
            variable_list out;
            if (has_a) out.push_back(n.needs_input_grad(0) ? where(cond, g[0], kZero) : Tensor());
            if (has_b) out.push_back(n.needs_input_grad(out.size()) ? where(cond, kZero, g[0]) : Tensor());
            return out;
          }};
}
Tensor where(const Tensor& c, const Tensor& a, const Tensor& b) {
  return recorded(native::where(c, a, b), {&a, &b}, [&] { return where_record(c, &a, &b); });
}
Tensor where(const Tensor& c, const Tensor& a, const Scalar& b) {
  return recorded(native::where(c, a, b), {&a}, [&] { return where_record(c, &a, nullptr); });
}
Tensor where(const Tensor& c, const Scalar& a, const Tensor& b) {
  return recorded(native::where(c, a, b), {&b}, [&] { return where_record(c, nullptr, &b); });
}
Tensor where(const Tensor& c, const Scalar& a, const Scalar& b) { return native::where(c, a, b); }

// ---- masked_fill ----

// masked_fill(x, mask, v), v a 0-dim tensor (MaskedFillBackward1) or a plain number (null here).
static OpRecord masked_fill_record(const Tensor& x, const Tensor& mask, const Tensor* value) {
  TensorPtrs inputs{&x};
  if (value != nullptr) inputs.push_back(value);
  return {value != nullptr ? "MaskedFillBackward1" : "MaskedFillBackward0", inputs, {{"mask", mask}},
          [](FunctionNode& n, const variable_list& g) {
            Tensor m = n.saved("mask");
            variable_list out{n.needs_input_grad(0) ? masked_fill(g[0], m, kZero) : Tensor()};
            if (n.next_edges().size() > 1)
              out.push_back(n.needs_input_grad(1) ? where(m, g[0], kZero).sum() : Tensor());
            return out;
          }};
}
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value) {
  return recorded(native::masked_fill(x, mask, value), {&x}, [&] { return masked_fill_record(x, mask, nullptr); });
}
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value) {
  return recorded(native::masked_fill(x, mask, value), {&x, &value},
                  [&] { return masked_fill_record(x, mask, &value); });
}
Tensor& Tensor::masked_fill_(const Tensor& mask, const Scalar& value) const {
  InPlace w(*this, "masked_fill_", {}, [&] { return masked_fill_record(*this, mask, nullptr); });
  native::masked_fill_(*this, mask, value);
  return w.record();
}
Tensor& Tensor::masked_fill_(const Tensor& mask, const Tensor& value) const {
  InPlace w(*this, "masked_fill_", {&value}, [&] { return masked_fill_record(*this, mask, &value); });
  native::masked_fill_(*this, mask, value);
  return w.record();
}

}  // namespace convis
