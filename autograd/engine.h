// autograd/engine.h: running the backward graph.
//
//   Tensor w = randn({3}, requires_grad(true));
//   Tensor loss = (w * w).sum();
//   autograd::backward({loss});                  // w.grad() == 2 * w
//   auto g = autograd::grad({loss}, {w}, {}, true, true);   // returns d loss / d w, with a graph
//
//   autograd::BackwardStepper s(loss);           // the same, one node at a time
//   while (s.step()) std::cout << s.node()->name() << "\n";
//
// Note [The engine]
// 1. Every root gives an edge (its grad_fn or its leaf accumulator) and a starting
//    gradient (ones for a one-element root when none is given).
// 2. A walk over next_edges counts, for every reachable Node, how many edges point at it.
// 3. A ready queue, ordered so that the most recently created Node runs first, starts with
//    the root nodes.  Running a Node: take the gradients summed into its buffer, run the
//    tensor hooks on them, call apply(), then for each edge sum the produced gradient back
//    to the target's shape where it was broadcast, cast it to the target's floating dtype,
//    check shape, dtype and device, add it into the target's buffer and decrement the target's count; at zero it becomes ready.
// 4. Without retain_graph, a Node's saved tensors are freed right after it ran, so memory
//    falls as backward proceeds; running it again throws and says to pass retain_graph.
// There is no recursion anywhere: a chain of 100 000 nodes is a loop of 100 000 steps.
// Per-node state (the count, the gradient buffer) lives in one vector of slots, indexed by
// a flat Node* -> slot table built in step 2, so running a node allocates no map entries.
#pragma once

#include <memory>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "convis/autograd/node.h"

namespace convis::autograd {

void backward(const variable_list& tensors, const variable_list& grad_tensors = {},
              std::optional<bool> retain_graph = std::nullopt, bool create_graph = false);

variable_list grad(const variable_list& outputs, const variable_list& inputs, const variable_list& grad_outputs = {},
                   std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                   bool allow_unused = false);

// Node* -> a dense slot number, for one GraphTask: an open-addressing table (linear
// probing, size a power of two, at most half full), so a lookup is a multiply and a probe
// or two and an insert allocates nothing until the table grows.
class NodeIndex {
 public:
  int find(const Node* n) const;  // the slot of n, or -1
  // The slot of n; when absent, n gets slot `next` and `inserted` is set.
  int insert(const Node* n, int next, bool& inserted);

 private:
  size_t home(const Node* n) const;
  void grow();
  std::vector<std::pair<const Node*, int>> table_;
  size_t used_ = 0;
  int shift_ = 64;
};

// One backward run, as a state machine: the engine loops over step(); BackwardStepper
// exposes each step.
class GraphTask {
 public:
  GraphTask(const variable_list& roots, const variable_list& grad_roots, bool keep_graph, bool create_graph,
            const variable_list& inputs);
  // Runs the next ready Node; false when nothing is left.
  bool step();
  void run() {
    while (step()) {
    }
  }
  // After a step: the Node that ran, the gradients it received (kept only after
  // keep_step_inputs(), for BackwardStepper) and those it produced.
  const std::shared_ptr<Node>& last_node() const { return last_node_; }
  const variable_list& last_inputs() const { return last_inputs_; }
  const variable_list& last_outputs() const { return last_outputs_; }
  void keep_step_inputs() { keep_inputs_ = true; }
  // Gradients captured for `inputs` (autograd::grad), undefined where none arrived.
  const variable_list& captured() const { return captured_; }

 private:
  // What the task knows of one reachable Node (see Note [The engine]).
  struct Slot {
    int dependencies = 0;  // edges from nodes that have not run yet
    bool needed = false;   // autograd::grad: an input's node is reachable from it
    variable_list buffer;  // gradients summed so far, one per forward output
  };
  struct Ready {
    std::shared_ptr<Node> node;
    int slot;
    bool operator<(const Ready& o) const { return node->sequence_nr() < o.node->sequence_nr(); }
  };
  int slot_of(const Node* n, bool& inserted);
  void count_dependencies(const edge_list& root_edges);
  void mark_needed(const edge_list& input_edges);
  void deliver(const Edge& edge, Tensor grad, const Node& producer, size_t index);
  variable_list run_node(Node& node, const Slot& slot, variable_list grads);

  bool keep_graph_;
  bool create_graph_;
  bool keep_inputs_ = false;
  NodeIndex index_;
  std::vector<Slot> slots_;
  std::vector<const Node*> nodes_;  // slot -> node
  std::vector<Ready> ready_;  // a heap ordered by Ready::operator<
  // autograd::grad: where to capture (node, output_nr, index into captured_).
  std::vector<std::tuple<const Node*, uint32_t, size_t>> capture_;
  bool capture_mode_ = false;
  variable_list captured_;
  std::shared_ptr<Node> last_node_;
  variable_list last_inputs_, last_outputs_;
};

class BackwardStepper {
 public:
  explicit BackwardStepper(const Tensor& root, const Tensor& gradient = {}, bool retain_graph = false);
  bool step() { return task_.step(); }
  const std::shared_ptr<Node>& node() const { return task_.last_node(); }
  const variable_list& grad_inputs() const { return task_.last_inputs(); }   // received by node()
  const variable_list& grad_outputs() const { return task_.last_outputs(); }  // produced by node()

 private:
  GraphTask task_;
};

// Sums `grad` over the dims along which `shape` was broadcast to reach grad's shape.
Tensor sum_to(const Tensor& grad, const Shape& shape);

}  // namespace convis::autograd
