// nn/convis/layer.cpp: Layer's calling convention, state slots and parameters by flat name.
// Chunked runs are in layer_run.cpp, fitting in layer_fit.cpp.
#include "convis/nn/convis/layer.h"

#include <fmt/format.h>

#include <map>

#include "convis/autograd/grad_mode.h"
#include "convis/core/factory.h"
#include "convis/core/io.h"
#include "convis/core/ops.h"

namespace convis {

namespace {
std::string flat_name(std::string dotted) {
  for (char& c : dotted)
    if (c == '.') c = '_';
  return dotted;
}
Tensor copy_state(const Tensor& t) { return t.defined() ? t.clone() : Tensor(); }
}  // namespace

Layer::Layer(int dims) { set_dims(dims); }
Layer::Layer(std::string name, int dims) : nn::Module(std::move(name)) { set_dims(dims); }

std::string Layer::default_name() const {
  std::string name = nn::Module::default_name();
  if (name.ends_with("Impl")) name.resize(name.size() - 4);
  return name;
}

void Layer::set_dims(int dims) {
  CONVIS_CHECK(dims == 1 || dims == 3 || dims == 5, "Layer", "expected dims 1, 3 or 5, got {}", dims);
  dims_ = dims;
}

// ---------------------------------------------------------------------------------------
// Calling

Tensor Layer::forward(const Tensor&) {
  CONVIS_CHECK(false, name(), "expected the layer to override forward or forward_outputs");
  return {};
}

Output Layer::forward_outputs(const Tensor& input) { return Output({forward(input)}); }

Tensor Layer::operator()(const Tensor& input) { return forward(prepare_input(input)); }

Tensor Layer::prepare_input(const Tensor& input) const {
  CONVIS_CHECK(input.defined(), name(), "expected an input tensor, got an undefined one");
  const Shape& s = input.sizes();
  const int64_t d = input.dim();
  if (dims_ == 5) {
    switch (d) {
      case 1: return input.reshape({1, 1, s[0], 1, 1});
      case 2: return input.reshape({1, 1, 1, s[0], s[1]});
      case 3: return input.reshape({1, 1, s[0], s[1], s[2]});
      case 4: return input.unsqueeze(0);
      case 5: return input;
      default: break;
    }
  } else if (dims_ == 3) {
    if (d == 3) return input;
    if (d == 1) return input.reshape({s[0], 1, 1});
    if (d == 2) return input.reshape({1, s[0], s[1]});
    if (d == 5 && s[0] == 1 && s[1] == 1) return input.reshape({s[2], s[3], s[4]});
  } else {
    if (d == 1) return input;
    if (d == 5 && input.numel() == s[2]) return input.reshape({s[2]});
  }
  CONVIS_CHECK(false, name(), "expected input that broadcasts to {}-D (1-D (T), 2-D (X,Y), 3-D (T,X,Y), 4-D or "
               "5-D [batch, channel, time, x, y]), got shape {}", dims_, s);
  return {};
}

// ---------------------------------------------------------------------------------------
// State slots

Tensor& Layer::register_state(std::string name, Tensor initial) {
  state_defaults_.insert(name, copy_state(initial));
  return states_.insert(std::move(name), std::move(initial));
}

Tensor& Layer::state(const std::string& name) {
  Tensor* slot = states_.find(name);
  CONVIS_CHECK(slot != nullptr, this->name(), "expected a registered state slot, got '{}'", name);
  return *slot;
}

const Tensor& Layer::state(const std::string& name) const { return const_cast<Layer*>(this)->state(name); }

void Layer::store_state(const std::string& name, const Tensor& value) {
  state(name) = (keep_state_graph_ || !value.defined()) ? value : value.detach();
}

// Note [State buffers]
// A stateful layer run without gradients may keep a slot's tensor as a buffer of its own and
// update it in place, so that a chunk allocates nothing for its state.  state_buffer makes the
// slot hold `buffer` with `value`'s values: when the slot holds the buffer already (the layer
// put it there last chunk), the values are copied in (nothing when value is the buffer itself);
// otherwise -- a first chunk, a tensor set_state or pop_state put there, a new frame size -- a
// new buffer is made, so a tensor a user handed in is never written to.  A tensor taken out
// with get_state() is the buffer, and changes with the next chunk: clone it to keep it.
Tensor& Layer::state_buffer(const std::string& name, Tensor& buffer, const Tensor& value) {
  Tensor& slot = state(name);
  const bool owned = slot.defined() && slot.is_same(buffer) && buffer.sizes() == value.sizes() &&
                     buffer.dtype() == value.dtype() && buffer.device() == value.device();
  if (owned && value.is_same(buffer)) return slot;
  if (!owned) buffer = empty(value.sizes(), value.options());
  NoGradGuard no_grad;
  buffer.copy_(value);
  slot = buffer;
  return slot;
}

void Layer::for_each_layer(const std::function<void(const std::string&, Layer&)>& fn) {
  // Walks the module tree; modules that are not Layers (nn::Sequential, ...) are passed through.
  std::function<void(const std::string&, nn::Module&)> visit = [&](const std::string& prefix, nn::Module& m) {
    if (auto* layer = dynamic_cast<Layer*>(&m)) fn(prefix, *layer);
    for (const auto& child : m.named_children()) visit(nn::detail::join_name(prefix, child.key()), *child.value());
  };
  visit("", *this);
}

void Layer::for_each_layer(const std::function<void(const std::string&, const Layer&)>& fn) const {
  const_cast<Layer*>(this)->for_each_layer([&](const std::string& prefix, Layer& l) { fn(prefix, l); });
}

nn::OrderedDict<std::string, Tensor> Layer::get_state() const {
  nn::OrderedDict<std::string, Tensor> out("State");
  for_each_layer([&](const std::string& prefix, const Layer& l) {
    for (const auto& item : l.states_) out.insert(nn::detail::join_name(prefix, item.key()), item.value());
  });
  return out;
}

void Layer::set_state(const nn::OrderedDict<std::string, Tensor>& values) {
  std::map<std::string, Tensor*> slots;
  for_each_layer([&](const std::string& prefix, Layer& l) {
    for (auto& item : l.states_) slots[nn::detail::join_name(prefix, item.key())] = &item.value();
  });
  for (const auto& item : values) {
    auto it = slots.find(item.key());
    CONVIS_CHECK(it != slots.end(), "set_state", "expected a state slot of {}, got '{}'", name(), item.key());
  }
  for (const auto& item : values) *slots[item.key()] = item.value();
}

void Layer::convert_other_tensors(const std::function<Tensor(const Tensor&)>& fn) {
  NoGradGuard no_grad;
  for (auto* slots : {&states_, &state_defaults_})
    for (auto& item : *slots)
      if (item.value().defined()) item.value() = fn(item.value());
}

void Layer::clear_state() {
  for_each_layer([](const std::string&, Layer& l) {
    for (auto& item : l.states_) item.value() = copy_state(*l.state_defaults_.find(item.key()));
  });
}

void Layer::push_state() {
  nn::OrderedDict<std::string, Tensor> snapshot("State");
  for (const auto& item : get_state()) snapshot.insert(item.key(), copy_state(item.value()));
  state_stack_.push_back(std::move(snapshot));
}

void Layer::pop_state() {
  CONVIS_CHECK(!state_stack_.empty(), "pop_state", "expected a state pushed by push_state, got an empty stack");
  set_state(state_stack_.back());
  state_stack_.pop_back();
}

void Layer::detach_state() {
  for_each_layer([](const std::string&, Layer& l) {
    for (auto& item : l.states_)
      if (item.value().defined()) item.value() = item.value().detach();
  });
}

void Layer::keep_state_graph(bool keep) {
  for_each_layer([keep](const std::string&, Layer& l) { l.keep_state_graph_ = keep; });
}

// ---------------------------------------------------------------------------------------
// Parameters by flat name

nn::OrderedDict<std::string, Tensor> Layer::get_parameters() const {
  nn::OrderedDict<std::string, Tensor> out("Parameter");
  std::map<std::string, std::string> origin;
  for (const auto& item : named_parameters()) {
    std::string flat = flat_name(item.key());
    auto [it, fresh] = origin.emplace(flat, item.key());
    CONVIS_CHECK(fresh, "get_parameters", "expected distinct flat names, got '{}' for both '{}' and '{}'", flat,
                 it->second, item.key());
    out.insert(flat, item.value().detach());
  }
  return out;
}

std::optional<Tensor> Layer::find_parameter(const std::string& name) const {
  for (const auto& item : named_parameters())
    if (item.key() == name || flat_name(item.key()) == name) return item.value();  // shares the impl
  return std::nullopt;
}

void Layer::set_parameter(const std::string& name, const Tensor& value) {
  std::optional<Tensor> p = find_parameter(name);
  CONVIS_CHECK(p.has_value(), "set_parameter", "expected a parameter of {} (dotted or flat name), got '{}'",
               this->name(), name);
  CONVIS_CHECK(value.defined(), "set_parameter", "expected a value for '{}', got an undefined tensor", name);
  NoGradGuard no_grad;
  Tensor v = value.to(p->dtype());
  if (v.sizes() == p->sizes()) {
    p->copy_(v);
  } else {
    p->set_data(v.clone());
  }
}

void Layer::set_parameter(const std::string& name, double value) {
  std::optional<Tensor> p = find_parameter(name);
  CONVIS_CHECK(p.has_value(), "set_parameter", "expected a parameter of {} (dotted or flat name), got '{}'",
               this->name(), name);
  set_parameter(name, full_like(*p, value));
}

void Layer::set_parameter(const std::string& name, const std::string& value) {
  size_t used = 0;
  double number = 0;
  try {
    number = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  CONVIS_CHECK(used != 0 && used == value.size(), "set_parameter", "expected a number for '{}', got the string '{}'",
               name, value);
  set_parameter(name, number);
}

std::vector<std::string> Layer::set_parameters(const nn::OrderedDict<std::string, Tensor>& values, bool strict) {
  std::vector<std::string> unused;
  for (const auto& item : values)
    if (!find_parameter(item.key())) unused.push_back(item.key());
  CONVIS_CHECK(!strict || unused.empty(), "set_parameters", "expected parameters of {}, got unknown names [{}]",
               name(), fmt::join(unused, ", "));
  for (const auto& item : values)
    if (find_parameter(item.key())) set_parameter(item.key(), item.value());
  return unused;
}

void Layer::save_parameters(const std::string& path) const {
  std::vector<std::pair<std::string, Tensor>> items;
  for (const auto& item : get_parameters()) items.emplace_back(item.key(), item.value());
  save_npz(path, items);
}

std::vector<std::string> Layer::load_parameters(const std::string& path, bool strict) {
  nn::OrderedDict<std::string, Tensor> values("Parameter");
  for (auto& [key, value] : load_npz(path)) values.insert(key, value);
  return set_parameters(values, strict);
}

}  // namespace convis
