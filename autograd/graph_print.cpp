// autograd/graph_print.cpp: a depth-first walk with an explicit stack (no recursion, so
// long chains print too).
#include "convis/autograd/graph_print.h"

#include <unordered_map>

#include "convis/autograd/autograd_meta.h"

namespace convis::autograd {

namespace {

std::string describe(const TensorMeta& m) { return fmt::format("{} {}", to_string(m.shape), dtype_name(m.dtype)); }

std::string saved_list(const Node& n) {
  std::string s;
  for (const SavedTensor& st : n.saved()) {
    if (!s.empty()) s += ", ";
    if (*st.name()) s += fmt::format("{} ", st.name());  // built-in ops name what they save
    if (st.was_released()) {
      s += "(freed)";
    } else if (st.peek().defined()) {
      s += fmt::format("{} {} v{}", to_string(st.peek().sizes()), dtype_name(st.peek().dtype()), st.saved_version());
    } else {
      s += "(none)";
    }
  }
  return s;
}

std::string label(const Node& n) {
  std::string s = n.name();
  if (auto* acc = dynamic_cast<const AccumulateGrad*>(&n)) {
    s += "  leaf " + describe(acc->output_meta()[0]);
  } else if (!n.saved().empty()) {
    s += "  saved: " + saved_list(n);
  }
  return s;
}

}  // namespace

std::string print_graph(const Tensor& t) {
  Edge root = gradient_edge(t);
  if (!root.is_valid()) return "(no graph: the tensor does not require grad)\n";
  std::unordered_map<const Node*, int> ids;
  std::vector<std::pair<const Node*, int>> stack{{root.function.get(), 0}};
  std::string out;
  while (!stack.empty()) {
    auto [n, depth] = stack.back();
    stack.pop_back();
    std::string indent(size_t(2 * depth), ' ');
    if (auto it = ids.find(n); it != ids.end()) {
      out += fmt::format("{}{} #{} (see above)\n", indent, n->name(), it->second);
      continue;
    }
    int id = int(ids.size());
    ids[n] = id;
    std::string text = label(*n);
    auto space = text.find("  ");
    text.insert(space == std::string::npos ? text.size() : space, fmt::format(" #{}", id));
    out += indent + text + "\n";
    const auto& edges = n->next_edges();
    for (size_t i = edges.size(); i-- > 0;)  // reversed, so edge 0 prints first
      if (edges[i].is_valid()) stack.push_back({edges[i].function.get(), depth + 1});
  }
  return out;
}

std::string to_dot(const Tensor& t) {
  std::string out = "digraph autograd {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  Edge root = gradient_edge(t);
  if (!root.is_valid()) return out + "}\n";
  out += fmt::format("  output [label=\"output\\n{} {}\", shape=ellipse];\n", to_string(t.sizes()),
                     dtype_name(t.dtype()));
  std::unordered_map<const Node*, int> ids;
  std::vector<const Node*> stack{root.function.get()};
  ids[root.function.get()] = 0;
  out += "  output -> n0;\n";
  while (!stack.empty()) {
    const Node* n = stack.back();
    stack.pop_back();
    int id = ids[n];
    std::string text = label(*n);
    auto space = text.find("  ");
    if (space != std::string::npos) text.replace(space, 2, "\\n");
    bool leaf = dynamic_cast<const AccumulateGrad*>(n) != nullptr;
    out += fmt::format("  n{} [label=\"{}\"{}];\n", id, text, leaf ? ", style=filled, fillcolor=lightblue" : "");
    for (const Edge& e : n->next_edges()) {
      if (!e.is_valid()) continue;
      auto [it, fresh] = ids.emplace(e.function.get(), int(ids.size()));
      if (fresh) stack.push_back(e.function.get());
      out += fmt::format("  n{} -> n{};\n", id, it->second);
    }
  }
  return out + "}\n";
}

}  // namespace convis::autograd
