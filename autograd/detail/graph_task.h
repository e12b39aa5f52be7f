// autograd/detail/graph_task.h: the engine's private state for one backward run (internal to
// autograd/engine.cpp; not installed).  Note [The engine] in autograd/engine.h tells the story.
#pragma once

#include <functional>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "convis/autograd/node.h"

namespace convis::detail {

using autograd::Edge;
using autograd::edge_list;
using autograd::Node;
using autograd::variable_list;

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
  // A callback to run once no Node is left (autograd::queue_callback).
  void queue_callback(std::function<void()> callback) { callbacks_.push_back(std::move(callback)); }
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
  bool run_callbacks();

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
  std::vector<std::function<void()>> callbacks_;
  std::shared_ptr<Node> last_node_;
  variable_list last_inputs_, last_outputs_;
};

}  // namespace convis::detail
