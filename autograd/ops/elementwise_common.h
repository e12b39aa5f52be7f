// autograd/ops/elementwise_common.h: how the elementwise ops record (internal to autograd/ops/elementwise*.cpp).
//
//   // mul(a, b)        a: grad * b        b: grad * a
//   Recipe mul_recipe(const Tensor& a, const Tensor& b) {
//     return Recipe("MulBackward0", {&a, &b}, {saved_if(b, a), saved_if(a, b)}, false, <backward>);
//   }
//   Tensor mul(const Tensor& a, const Tensor& b) {                   // out of place
//     Tensor y = native::mul(a, b);
//     if (autograd::any_requires_grad({&a, &b})) attach(mul_recipe(a, b), y);
//     return y;
//   }
//   Tensor& Tensor::mul_(const Tensor& b) {                            // in place
//     InPlace w(*this, "mul_", {&b}, [&] { return mul_recipe(*this, b); });
//     native::mul_(*this, b);
//     return w.record();
//   }
//
// Note [Recording an elementwise op]
// A Recipe names the node, its inputs (one edge each), the tensors its backward reads
// (saved_at(i) is saves[i]; a null entry leaves slot i empty, for a tensor only needed by
// a gradient nobody wants), whether the result is saved too (as the last slot), and the
// backward function.  Out of place, attach() records it on the result.  In place,
// InPlace first checks the rules (autograd::prepare_inplace: no leaf that requires grad,
// no recorded view), then saves the Recipe's tensors BEFORE the write, so that
//   - an input is saved at its current version, and a later write to it (even this very
//     write, as in x.mul_(x.t())) is caught when backward unpacks it;
//   - self's old value, which the write destroys, is saved as a clone taken just before,
//     and only when the backward reads it (clamp_, log_, mul_(tensor)); an input that is
//     self itself (x.mul_(x)) reads that clone too.
// Then the caller writes, and record() records with self as input 0 (whose edge is still
// self's old history: record computes the edges before it attaches the node) and self as
// the output.
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <vector>

#include "convis/autograd/autograd_meta.h"
#include "convis/core/factory.h"
#include "convis/core/native/elementwise.h"
#include "convis/core/ops.h"

namespace convis::autograd::elementwise {

// Up to four tensor pointers kept inline: a Recipe is made for every recorded op, and a
// std::vector here cost an allocation each time.
class TensorPtrs {
 public:
  static constexpr size_t kMax = 4;
  TensorPtrs() = default;
  TensorPtrs(std::initializer_list<const Tensor*> ptrs) {  // NOLINT: built from {&a, &b}
    for (const Tensor* p : ptrs) push_back(p);
  }
  void push_back(const Tensor* p) {
    CONVIS_ASSERT(n_ < kMax, "a Recipe holds at most {} tensors", kMax);
    p_[n_++] = p;
  }
  size_t size() const { return n_; }
  const Tensor* const* begin() const { return p_; }
  const Tensor* const* end() const { return p_ + n_; }

 private:
  const Tensor* p_[kMax] = {};
  size_t n_ = 0;
};

struct Recipe {
  Recipe(const char* name, TensorPtrs inputs, TensorPtrs saves, bool save_result, FunctionNode::BackwardFn backward)
      : name(name), inputs(inputs), saves(saves), save_result(save_result), backward(std::move(backward)) {}
  const char* name;   // LibTorch's node name, "MulBackward0": a string literal (the Node keeps the pointer)
  TensorPtrs inputs;  // one edge each
  TensorPtrs saves;   // saved_at(i); null: slot i stays empty
  bool save_result = false;           // the result, as slot saves.size()
  FunctionNode::BackwardFn backward;
};

// &t when `needer` requires grad (t is needed only for needer's gradient), else null.
inline const Tensor* saved_if(const Tensor& needer, const Tensor& t) { return needer.requires_grad() ? &t : nullptr; }

// The Recipe's tensors as saved now; with `self` set (in place), self's value is cloned.
saved_list save_now(const Recipe& r, const Tensor* self);
// Records the Recipe on `out`, with the tensors saved by save_now.
void attach(Recipe&& r, saved_list saved, Tensor& out);
inline void attach(Recipe&& r, Tensor& out) {
  saved_list saved = save_now(r, nullptr);
  attach(std::move(r), std::move(saved), out);
}

// An out-of-place op: records make()'s Recipe on y when any of `inputs` requires grad; returns y.
template <typename MakeRecipe>
Tensor recorded(Tensor y, std::initializer_list<const Tensor*> inputs, MakeRecipe make) {
  if (any_requires_grad(inputs)) attach(make(), y);
  return y;
}

// An in-place op (see Note [Recording an elementwise op]):
//   InPlace w(*this, "mul_", {&b}, [&] { return mul_recipe(*this, b); });  // checks, saves
//   native::mul_(*this, b);                                                 // writes
//   return w.record();                                                      // records, returns self
class InPlace {
 public:
  template <typename MakeRecipe>
  InPlace(Tensor& self, const char* op, std::initializer_list<const Tensor*> others, MakeRecipe make) : self_(self) {
    if (!prepare_inplace(self, op, others)) return;
    recipe_.emplace(make());
    saved_ = save_now(*recipe_, &self);
  }
  Tensor& record() {
    if (recipe_) attach(std::move(*recipe_), std::move(saved_), self_);
    return self_;
  }

 private:
  Tensor& self_;
  std::optional<Recipe> recipe_;  // set when the write must be recorded
  saved_list saved_;
};

// ---- unary ops: a node name, what backward reads, and grad -> grad of x ----
enum class Saves { nothing, input, result };
using UnaryFormula = Tensor (*)(const Tensor& grad, const Tensor& saved);
struct Unary {
  const char* name;
  Saves saves;
  UnaryFormula formula;
};
Recipe unary_recipe(const Unary& u, const Tensor& x);
// Records `u` on y = op(x) when x requires grad; returns y.
Tensor unary(const Unary& u, const Tensor& x, Tensor y);
// self.op_(), recorded as `u`.
Tensor& unary_(const Unary& u, Tensor& self, const char* op, Tensor& (*write)(Tensor&));

// g * s, or g itself when s is 1.
Tensor scaled(const Tensor& g, const Scalar& s);

}  // namespace convis::autograd::elementwise
