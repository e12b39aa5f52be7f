// autograd/engine.cpp: see Note [The engine] in autograd/engine.h.
#include "convis/autograd/engine.h"

#include "convis/autograd/detail/graph_task.h"

#include <algorithm>
#include <bit>

#include "convis/autograd/anomaly.h"
#include "convis/autograd/autograd_meta.h"
#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"

namespace convis::autograd {

Tensor sum_to(const Tensor& grad, const Shape& shape) {
  if (grad.sizes() == shape) return grad;
  const int64_t lead = grad.dim() - int64_t(shape.size());
  Shape dims;
  for (int64_t d = 0; d < grad.dim(); ++d) {
    bool leading = d < lead;
    if (leading || (shape[size_t(d - lead)] == 1 && grad.size(d) != 1)) dims.push_back(d);
  }
  Tensor out = dims.empty() ? grad : grad.sum(dims, /*keepdim=*/true);
  return out.view(shape);
}

namespace {

// Is a gradient of shape `got` acceptable for a tensor of shape `want` (equal, or `want`
// broadcasts to `got`)?
bool sums_back_to(const Shape& got, const Shape& want) {
  if (got.size() < want.size()) return false;
  size_t lead = got.size() - want.size();
  for (size_t i = 0; i < want.size(); ++i)
    if (want[i] != got[lead + i] && want[i] != 1) return false;
  return true;
}

}  // namespace

}  // namespace convis::autograd

namespace convis::detail {
namespace {

// The backward now running on this thread (a hook may start a nested one).
thread_local GraphTask* current_task = nullptr;

struct CurrentTask {
  explicit CurrentTask(GraphTask* task) : previous(current_task) { current_task = task; }
  ~CurrentTask() { current_task = previous; }
  CurrentTask(const CurrentTask&) = delete;
  CurrentTask& operator=(const CurrentTask&) = delete;
  GraphTask* previous;
};

}  // namespace
}  // namespace convis::detail

// ---- the engine's private state: autograd/detail/graph_task.h ----
namespace convis::detail {

using namespace convis::autograd;  // Node, Edge, gradient_edge, the helpers above

int NodeIndex::find(const Node* n) const {
  if (table_.empty()) return -1;
  const size_t mask = table_.size() - 1;
  for (size_t i = home(n);; i = (i + 1) & mask) {
    if (table_[i].first == n) return table_[i].second;
    if (table_[i].first == nullptr) return -1;
  }
}

int NodeIndex::insert(const Node* n, int next, bool& inserted) {
  if (2 * (used_ + 1) > table_.size()) grow();
  const size_t mask = table_.size() - 1;
  size_t i = home(n);
  for (; table_[i].first != nullptr; i = (i + 1) & mask) {
    if (table_[i].first == n) {
      inserted = false;
      return table_[i].second;
    }
  }
  table_[i] = {n, next};
  ++used_;
  inserted = true;
  return next;
}

size_t NodeIndex::home(const Node* n) const {
  return size_t((uint64_t(reinterpret_cast<uintptr_t>(n)) * 0x9E3779B97F4A7C15ull) >> shift_);
}

void NodeIndex::grow() {
  std::vector<std::pair<const Node*, int>> old = std::move(table_);
  size_t size = old.empty() ? 64 : old.size() * 2;
  table_.assign(size, {nullptr, 0});
  shift_ = 64 - std::countr_zero(size);
  const size_t mask = size - 1;
  for (const auto& [n, slot] : old) {
    if (n == nullptr) continue;
    size_t i = home(n);
    while (table_[i].first != nullptr) i = (i + 1) & mask;
    table_[i] = {n, slot};
  }
}

GraphTask::GraphTask(const variable_list& roots, const variable_list& grad_roots, bool keep_graph,
                     bool create_graph, const variable_list& inputs)
    : keep_graph_(keep_graph), create_graph_(create_graph) {
  CONVIS_CHECK(grad_roots.empty() || grad_roots.size() == roots.size(), "backward",
               "expected {} gradients (one per tensor), got {}", roots.size(), grad_roots.size());
  edge_list root_edges;
  variable_list root_grads;
  for (size_t i = 0; i < roots.size(); ++i) {
    const Tensor& r = roots[i];
    Edge e = gradient_edge(r);
    CONVIS_CHECK(e.is_valid(), "backward",
                 "element {} of tensors does not require grad and does not have a grad_fn", i);
    Tensor g = i < grad_roots.size() ? grad_roots[i] : Tensor();
    if (!g.defined()) {
      CONVIS_CHECK(r.numel() == 1, "backward",
                   "grad can be implicitly created only for scalar outputs; got a tensor of shape {} (pass a "
                   "gradient of that shape)",
                   r.sizes());
      g = ones_like(r);
    }
    CONVIS_CHECK(g.sizes() == r.sizes(), "backward", "expected a gradient of shape {} for tensor {}, got shape {}",
                 r.sizes(), i, g.sizes());
    root_edges.push_back(e);
    root_grads.push_back(g);
  }
  count_dependencies(root_edges);
  if (!inputs.empty()) {
    capture_mode_ = true;
    captured_.resize(inputs.size());
    edge_list input_edges;
    for (size_t i = 0; i < inputs.size(); ++i) {
      Edge e = gradient_edge(inputs[i]);
      CONVIS_CHECK(e.is_valid(), "grad", "input {} does not require grad and does not have a grad_fn", i);
      capture_.emplace_back(e.function.get(), e.input_nr, i);
      input_edges.push_back(e);
    }
    mark_needed(input_edges);
  }
  // Seed the buffers of the root nodes; they become ready as their counts allow.
  for (size_t i = 0; i < root_edges.size(); ++i) {
    Node* n = root_edges[i].function.get();
    auto& buf = slots_[size_t(index_.find(n))].buffer;
    buf.resize(n->output_meta().size());
    Tensor& slot = buf[root_edges[i].input_nr];
    slot = slot.defined() ? slot + root_grads[i] : root_grads[i];
  }
  for (const Edge& e : root_edges) {
    int s = index_.find(e.function.get());
    if (slots_[size_t(s)].dependencies == 0 &&
        std::none_of(ready_.begin(), ready_.end(), [&](const Ready& r) { return r.node == e.function; })) {
      ready_.push_back(Ready{e.function, s});
      std::push_heap(ready_.begin(), ready_.end());
    }
  }
}

int GraphTask::slot_of(const Node* n, bool& inserted) {
  int s = index_.insert(n, int(slots_.size()), inserted);
  if (inserted) {
    slots_.emplace_back();
    nodes_.push_back(n);
  }
  return s;
}

void GraphTask::count_dependencies(const edge_list& root_edges) {
  std::vector<Node*> stack;
  bool fresh = false;
  for (const Edge& e : root_edges) {
    slot_of(e.function.get(), fresh);
    if (fresh) stack.push_back(e.function.get());
  }
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const Edge& e : n->next_edges()) {
      if (!e.is_valid()) continue;
      int s = slot_of(e.function.get(), fresh);
      ++slots_[size_t(s)].dependencies;
      if (fresh) stack.push_back(e.function.get());
    }
  }
}

// A node is needed when some input's node can be reached from it (autograd::grad runs
// only those).  Found by walking the reversed edges from the input nodes.
void GraphTask::mark_needed(const edge_list& input_edges) {
  std::vector<std::vector<int>> parents(slots_.size());
  for (size_t s = 0; s < nodes_.size(); ++s) {
    for (const Edge& e : nodes_[s]->next_edges())
      if (e.is_valid()) parents[size_t(index_.find(e.function.get()))].push_back(int(s));
  }
  std::vector<int> stack;
  for (const Edge& e : input_edges) {
    int s = index_.find(e.function.get());
    if (s >= 0 && !slots_[size_t(s)].needed) {
      slots_[size_t(s)].needed = true;
      stack.push_back(s);
    }
  }
  while (!stack.empty()) {
    int s = stack.back();
    stack.pop_back();
    for (int p : parents[size_t(s)]) {
      if (!slots_[size_t(p)].needed) {
        slots_[size_t(p)].needed = true;
        stack.push_back(p);
      }
    }
  }
}

void GraphTask::deliver(const Edge& edge, Tensor grad, const Node& producer, size_t index) {
  Node* target = edge.function.get();
  const int s = index_.find(target);
  Slot& slot_of_target = slots_[size_t(s)];
  const TensorMeta& want = target->output_meta()[edge.input_nr];
  if (grad.defined()) {
    if (grad.sizes() != want.shape) {
      CONVIS_CHECK(sums_back_to(grad.sizes(), want.shape), "backward",
                   "invalid gradient at index {} produced by {}: got shape {} but expected shape compatible with {}",
                   index, producer.name(), grad.sizes(), want.shape);
      grad = sum_to(grad, want.shape);
    }
    if (grad.dtype() != want.dtype && is_floating_point(grad.dtype()) && is_floating_point(want.dtype)) {
      grad = grad.to(want.dtype);  // e.g. float32 * float64 0-dim: the 0-dim input gets a float64 grad
    }
    CONVIS_CHECK(grad.dtype() == want.dtype, "backward",
                 "invalid gradient at index {} produced by {}: expected dtype {}, got {}", index, producer.name(),
                 dtype_name(want.dtype), dtype_name(grad.dtype()));
    CONVIS_CHECK(grad.device() == want.device, "backward",
                 "invalid gradient at index {} produced by {}: expected device {}, got {}", index, producer.name(),
                 want.device.str(), grad.device().str());
    auto& buf = slot_of_target.buffer;
    buf.resize(target->output_meta().size());
    Tensor& slot = buf[edge.input_nr];
    slot = slot.defined() ? slot + grad : std::move(grad);
  }
  if (--slot_of_target.dependencies == 0) {
    ready_.push_back(Ready{edge.function, s});
    std::push_heap(ready_.begin(), ready_.end());
  }
}

variable_list GraphTask::run_node(Node& node, const Slot& slot, variable_list grads) {
  // Tensor hooks and retain_grad run on the gradient of the forward output they watch.
  for (const auto& [output_nr, hook] : node.pre_hooks()) {
    if (output_nr >= grads.size() || !grads[output_nr].defined()) continue;
    Tensor replaced = hook(grads[output_nr]);
    if (replaced.defined()) grads[output_nr] = replaced;
  }
  if (capture_mode_) {
    for (const auto& [n, output_nr, index] : capture_)
      if (n == &node) captured_[index] = grads[output_nr];
    if (!slot.needed || dynamic_cast<AccumulateGrad*>(&node) != nullptr) return {};
  }
  bool any = std::any_of(grads.begin(), grads.end(), [](const Tensor& g) { return g.defined(); });
  if (!any) return variable_list(node.next_edges().size());
  for (size_t i = 0; i < grads.size(); ++i) {  // a formula may rely on every gradient being there
    if (!grads[i].defined()) {
      const TensorMeta& m = node.output_meta()[i];
      grads[i] = zeros(m.shape, TensorOptions(m.dtype).device(m.device));
    }
  }
  variable_list out = node.apply(std::move(grads));
  CONVIS_ASSERT(out.size() == node.next_edges().size() || out.empty(), "{} returned {} gradients for {} inputs",
                node.name(), out.size(), node.next_edges().size());
  check_anomaly(node, out);
  return out;
}

// Runs the queued callbacks (those they queue too) once no Node is left; false when none was.
bool GraphTask::run_callbacks() {
  if (callbacks_.empty()) return false;
  while (!callbacks_.empty()) {
    std::vector<std::function<void()>> now = std::move(callbacks_);
    callbacks_.clear();
    for (auto& callback : now) callback();
  }
  return true;
}

bool GraphTask::step() {
  CurrentTask running(this);
  if (ready_.empty()) {
    run_callbacks();
    return false;
  }
  std::pop_heap(ready_.begin(), ready_.end());
  last_node_ = std::move(ready_.back().node);
  Slot& slot = slots_[size_t(ready_.back().slot)];
  ready_.pop_back();
  Node& node = *last_node_;
  variable_list grads = std::move(slot.buffer);
  grads.resize(node.output_meta().size());
  if (keep_inputs_) last_inputs_ = grads;
  variable_list out;
  {
    AutoGradMode mode(create_graph_);
    out = run_node(node, slot, std::move(grads));
  }
  if (!keep_graph_) node.release_saved();
  out.resize(node.next_edges().size());
  for (size_t i = 0; i < out.size(); ++i) {
    const Edge& e = node.next_edges()[i];
    if (e.is_valid()) deliver(e, out[i], node, i);
  }
  last_outputs_ = std::move(out);
  return true;
}

}  // namespace convis::detail

namespace convis::autograd {

void queue_callback(std::function<void()> callback) {
  CONVIS_CHECK(detail::current_task != nullptr, "queue_callback",
               "expected a call during a backward pass (from a hook or a Node), got one outside any backward");
  CONVIS_CHECK(callback != nullptr, "queue_callback", "expected a callback, got an empty std::function");
  detail::current_task->queue_callback(std::move(callback));
}

void backward(const variable_list& tensors, const variable_list& grad_tensors, std::optional<bool> retain_graph,
              bool create_graph) {
  detail::GraphTask task(tensors, grad_tensors, retain_graph.value_or(create_graph), create_graph, {});
  task.run();
}

variable_list grad(const variable_list& outputs, const variable_list& inputs, const variable_list& grad_outputs,
                   std::optional<bool> retain_graph, bool create_graph, bool allow_unused) {
  CONVIS_CHECK(!inputs.empty(), "grad", "expected at least one input, got none");
  detail::GraphTask task(outputs, grad_outputs, retain_graph.value_or(create_graph), create_graph, inputs);
  task.run();
  variable_list result = task.captured();
  for (size_t i = 0; i < result.size(); ++i) {
    CONVIS_CHECK(result[i].defined() || allow_unused, "grad",
                 "one of the differentiated tensors (input {}) appears to not have been used in the graph; set "
                 "allow_unused=true if this is the desired behavior",
                 i);
  }
  return result;
}

BackwardStepper::BackwardStepper(const Tensor& root, const Tensor& gradient, bool retain_graph)
    : task_(std::make_unique<detail::GraphTask>(variable_list{root}, variable_list{gradient}, retain_graph, false,
                                                variable_list{})) {
  task_->keep_step_inputs();
}
BackwardStepper::~BackwardStepper() = default;
BackwardStepper::BackwardStepper(BackwardStepper&&) noexcept = default;
BackwardStepper& BackwardStepper::operator=(BackwardStepper&&) noexcept = default;
bool BackwardStepper::step() { return task_->step(); }
const std::shared_ptr<Node>& BackwardStepper::node() const { return task_->last_node(); }
const variable_list& BackwardStepper::grad_inputs() const { return task_->last_inputs(); }
const variable_list& BackwardStepper::grad_outputs() const { return task_->last_outputs(); }

}  // namespace convis::autograd
