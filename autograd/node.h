// autograd/node.h: the vertices and edges of the backward graph.
//
//   Tensor a = randn({3}, requires_grad(true));
//   Tensor y = (a * 2).sum();
//   y.grad_fn()->name()                       == "SumBackward0"
//   y.grad_fn()->next_edges()[0].function->name()   == "MulBackward1"
//   a's edge ends in an AccumulateGrad node, which adds into a.grad().
//
// Note [The backward graph]
// Every op that records creates one Node.  Its `next_edges` point at the nodes that made
// its inputs: edge i is (the Node that produced input i, which of that Node's outputs it
// was).  An input that needs no gradient has an empty edge.  A leaf that requires grad
// has an AccumulateGrad node as its producer.  A Node's `apply` maps the gradients of its
// forward outputs to the gradients of its forward inputs, one per edge.  The graph is
// owned from the top: a tensor owns its grad_fn, a Node owns (shared_ptr) the Nodes its
// edges point at, so dropping the last output frees the whole graph behind it.
//
// Note [Saved versions]
// A Node that needs a forward tensor in backward keeps it as a SavedTensor, which
// remembers the storage's version counter at save time.  If an in-place op writes the
// storage before backward, unpack() throws, naming the op that saved it, the op that
// modified it (the storage remembers the last writer) and both versions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "convis/core/small_vector.h"
#include "convis/core/tensor.h"

namespace convis::autograd {

class Node;
using variable_list = std::vector<Tensor>;
using tensor_list = variable_list;  // LibTorch's other name for it (custom Functions use both)

struct Edge {
  std::shared_ptr<Node> function;  // null: this input needs no gradient (LibTorch's name)
  uint32_t input_nr = 0;     // which output of fn (= which gradient slot of fn) this is
  bool is_valid() const { return function != nullptr; }
};

// A Node's lists keep their usual few elements inline (Note [Small vectors in Nodes]).
using edge_list = SmallVector<Edge, 2>;

// Shape, dtype and device of one forward output of a Node: what its gradient must look like.
struct TensorMeta {
  Shape shape;
  DType dtype = kFloat32;
  Device device = kCPU;
};

class SavedTensor {
 public:
  SavedTensor() = default;
  // is_output: `t` is an output of `saver` itself; kept without its grad_fn to avoid a
  // reference cycle, and reconnected on unpack when grad mode is on (see Note [Saved versions]).
  // `name` (a string literal) is what the backward asks for: node.saved("self").
  SavedTensor(const Tensor& t, bool is_output, const char* name = "");
  // The tensor as it was at save time; throws if it was modified in place since, or released.
  Tensor unpack(const std::shared_ptr<Node>& saver) const;
  void release() { data_ = Tensor(); released_ = true; }
  bool defined() const { return data_.defined() || released_; }
  bool was_released() const { return released_; }
  uint32_t saved_version() const { return version_; }
  const Tensor& peek() const { return data_; }  // for printing only: no version check
  const char* name() const { return name_; }
  // Keeps a saved view without the strong link to its base (Note [In-place on a view]).
  void unlink_view_base();

 private:
  Tensor data_;
  const char* name_ = "";
  uint32_t version_ = 0;
  bool is_output_ = false;
  bool released_ = false;
  uint32_t output_nr_ = 0;
};

using meta_list = SmallVector<TensorMeta, 1>;
using saved_list = SmallVector<SavedTensor, 2>;

class Node : public std::enable_shared_from_this<Node> {
 public:
  using PreHook = std::function<Tensor(const Tensor&)>;  // may replace the incoming gradient

  // `name` must outlive the Node (a string literal); names made at run time use the other one.
  explicit Node(const char* name);
  explicit Node(std::string name);
  virtual ~Node();  // frees the graph behind it iteratively (see Note [Freeing long graphs])
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  std::string name() const { return name_ ? std::string(name_) : owned_name_; }
  const edge_list& next_edges() const { return next_edges_; }
  edge_list& mutable_next_edges() { return next_edges_; }
  uint64_t sequence_nr() const { return sequence_nr_; }
  // Whether forward input i wants a gradient (its edge leads somewhere): a backward formula
  // may skip the work for inputs that do not (a frozen weight).
  bool needs_input_grad(size_t i) const { return i < next_edges_.size() && next_edges_[i].is_valid(); }

  // One TensorMeta per forward output; the engine checks incoming gradients against it.
  meta_list& output_meta() { return output_meta_; }
  const meta_list& output_meta() const { return output_meta_; }

  // Gradients of the forward outputs -> gradients of the forward inputs (one per edge;
  // undefined where no gradient flows).
  virtual variable_list apply(variable_list&& grad_outputs) = 0;

  // Saved tensors, for backward and for print_graph / to_dot.
  saved_list& saved() { return saved_; }
  const saved_list& saved() const { return saved_; }
  // The k-th tensor saved under `name`, as it was at save time (undefined if it was not
  // needed); what a backward function reads: n.saved("self").
  Tensor saved(const char* name, size_t k = 0);
  virtual void release_saved();
  bool saved_released() const { return released_; }

  // Pre-hooks on the gradient of forward output `output_nr` (tensor hooks, retain_grad).
  void add_pre_hook(uint32_t output_nr, PreHook hook);
  const std::vector<std::pair<uint32_t, PreHook>>& pre_hooks() const { return pre_hooks_; }

  // Where the forward op was called, recorded only under DetectAnomalyGuard.
  std::string forward_trace;

 private:
  const char* name_ = nullptr;  // a literal; or null, and then owned_name_ is the name
  std::string owned_name_;
  edge_list next_edges_;
  meta_list output_meta_;
  saved_list saved_;
  std::vector<std::pair<uint32_t, PreHook>> pre_hooks_;
  uint64_t sequence_nr_;
  bool released_ = false;
};

// The sink of a leaf's gradients: adds what arrives into the leaf's .grad().
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(const Tensor& leaf);
  variable_list apply(variable_list&& grad_outputs) override;
  // The leaf, held weakly: the leaf owns this node, not the other way round.
  Tensor leaf() const;

 private:
  std::weak_ptr<TensorImpl> leaf_;
};

// A Node whose backward is a function; what most ops record (autograd/ops/*.cpp).
class FunctionNode : public Node {
 public:
  using BackwardFn = std::function<variable_list(FunctionNode& self, const variable_list& grad_outputs)>;
  FunctionNode(const char* name, BackwardFn fn) : Node(name), fn_(std::move(fn)) {}
  FunctionNode(std::string name, BackwardFn fn) : Node(std::move(name)), fn_(std::move(fn)) {}
  variable_list apply(variable_list&& grad_outputs) override { return fn_(*this, grad_outputs); }

 private:
  BackwardFn fn_;
};

}  // namespace convis::autograd
