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
// 5. Callbacks queued during the run (queue_callback) run once no Node is left, in the order
//    they were queued, before backward() returns: DistributedDataParallel waits for its last
//    allreduce there (Note [Buckets and hooks] in nn/distributed/ddp.h).
// There is no recursion anywhere: a chain of 100 000 nodes is a loop of 100 000 steps.
// Per-node state (the count, the gradient buffer) lives in one vector of slots, indexed by
// a flat Node* -> slot table built in step 2, so running a node allocates no map entries
// (autograd/detail/graph_task.h, the engine's private state).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "convis/autograd/node.h"

namespace convis::detail {
class GraphTask;  // one backward run (autograd/detail/graph_task.h, not installed)
}

namespace convis::autograd {

void backward(const variable_list& tensors, const variable_list& grad_tensors = {},
              std::optional<bool> retain_graph = std::nullopt, bool create_graph = false);

variable_list grad(const variable_list& outputs, const variable_list& inputs, const variable_list& grad_outputs = {},
                   std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                   bool allow_unused = false);

// Runs `callback` when the backward now running has run its last Node (PyTorch's
// Variable._execution_engine.queue_callback); an Error outside a backward.
void queue_callback(std::function<void()> callback);

// backward() one Node at a time, for teaching and debugging (see the example above).
class BackwardStepper {
 public:
  explicit BackwardStepper(const Tensor& root, const Tensor& gradient = {}, bool retain_graph = false);
  ~BackwardStepper();
  BackwardStepper(BackwardStepper&&) noexcept;
  BackwardStepper& operator=(BackwardStepper&&) noexcept;
  bool step();                                // runs the next ready Node; false when none is left
  const std::shared_ptr<Node>& node() const;  // the Node that ran last
  const variable_list& grad_inputs() const;   // the gradients node() received
  const variable_list& grad_outputs() const;  // the gradients node() produced

 private:
  std::unique_ptr<detail::GraphTask> task_;
};

// Sums `grad` over the dims along which `shape` was broadcast to reach grad's shape.
Tensor sum_to(const Tensor& grad, const Shape& shape);

}  // namespace convis::autograd
