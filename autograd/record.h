// autograd/record.h: how a built-in op records its backward node (internal to autograd/;
// a user-defined op records through Function<T>, autograd/function.h).
//
//   // mul(a, b)        a: grad * b        b: grad * a
//   OpRecord mul_record(const Tensor& a, const Tensor& b) {
//     return {"MulBackward0", {&a, &b},
//             {{"self", a, ForGradOf{1}}, {"other", b, ForGradOf{0}}},
//             [](FunctionNode& n, const variable_list& g) {
//               return variable_list{g[0] * n.saved("other"), g[0] * n.saved("self")};
//             }};
//   }
//   Tensor mul(const Tensor& a, const Tensor& b) {                           // out of place
//     return recorded(native::mul(a, b), {&a, &b}, [&] { return mul_record(a, b); });
//   }
//   Tensor& Tensor::mul_(const Tensor& b) const {                            // in place
//     InPlace w(*this, "mul_", {&b}, [&] { return mul_record(*this, b); });
//     native::mul_(*this, b);
//     return w.record();
//   }
//
// Note [Recording an op]
// An OpRecord names the node (LibTorch's name, a string literal), its inputs (one edge
// each), the tensors its backward reads, each under a name (LibTorch's: "self", "other",
// "weight", "indices", "result"), and the backward function.  A tensor that only the
// gradient of one input reads is saved only when that input wants a gradient (ForGradOf);
// else its slot stays empty, so that a frozen operand does not keep the other alive (mm
// saves `self` only when `mat2` requires grad).  `save_result` names the op's result,
// saved after the history is attached, as an output (Note [Saved versions]).
//
// Out of place, recorded() records when any input requires grad, else it costs one test.
// In place, InPlace first checks the rules (Note [In-place ops and autograd]), then saves
// the tensors BEFORE the write, so that
//   - an input is saved at its current version, and a later write to it (even this very
//     write, as in x.mul_(x.t())) is caught when backward unpacks it;
//   - self's old value, which the write destroys, is saved as a clone taken just before,
//     and only when the backward reads it (clamp_, log_, mul_(tensor)); an input that is
//     self itself (x.mul_(x)) reads that clone too.
// Then the caller writes, and record() attaches the node to self (whose old edge became
// input 0), or, when self is a view, to its base (Note [In-place on a view]).
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <vector>

#include "convis/autograd/autograd_meta.h"
#include "convis/core/small_vector.h"

namespace convis::autograd {

// The inputs of a recorded op: usually one to three, kept inline.
using TensorPtrs = SmallVector<const Tensor*, 4>;
// The inputs of an op over a list (cat, stack).
TensorPtrs pointers_to(const std::vector<Tensor>& tensors);

// Which input's gradient alone reads a saved tensor: {"self", a, ForGradOf{1}} saves a only
// when input 1 wants a gradient (mul: a is read only by b's gradient).
struct ForGradOf {
  size_t input;
};

struct Save {
  Save(const char* name, const Tensor& t, bool needed = true) : name(name), tensor(needed ? &t : nullptr) {}
  Save(const char* name, const Tensor& t, ForGradOf needer) : name(name), tensor(&t), needer(int(needer.input)) {}
  const char* name;      // a string literal: what the backward asks for
  const Tensor* tensor;  // null: not needed, the slot stays empty
  int needer = -1;       // >= 0: saved only when that input wants a gradient
};

struct OpRecord {
  const char* name;              // "MulBackward0": a string literal (the Node keeps the pointer)
  TensorPtrs inputs;             // one edge each
  SmallVector<Save, 3> saves;    // read by the backward as n.saved(name)
  FunctionNode::BackwardFn backward;
  const char* save_result = nullptr;  // the result's name, when the backward reads it
};

// Records `r`: one node with an edge per input, attached to `outputs` (output i is the
// node's output i).  Call only when any_requires_grad(r.inputs).
void record(OpRecord&& r, std::initializer_list<Tensor*> outputs);

// Whether any of `inputs` requires grad (with grad mode on).
bool any_requires_grad(const TensorPtrs& inputs);

// An out-of-place op: records make()'s OpRecord on y when any of `inputs` requires grad.
template <typename MakeRecord>
Tensor recorded(Tensor y, std::initializer_list<const Tensor*> inputs, MakeRecord make) {
  if (any_requires_grad(inputs)) record(make(), {&y});
  return y;
}

// An in-place op (see the example above and Note [Recording an op]).
class InPlace {
 public:
  template <typename MakeRecord>
  InPlace(const Tensor& self, const char* op, std::initializer_list<const Tensor*> others, MakeRecord make)
      : self_(self) {
    if (!prepare_inplace(self, op, others)) return;
    rec_.emplace(make());
    saved_ = save_before_write(*rec_, self);
  }
  // Records the write (when it must be); returns self.
  Tensor& record();

 private:
  static saved_list save_before_write(const OpRecord& r, const Tensor& self);
  const Tensor& self_;
  std::optional<OpRecord> rec_;  // set when the write must be recorded
  saved_list saved_;
};

}  // namespace convis::autograd
