// nn/convis/layer.h: convis::Layer, the module of the convis toolbox: 5-D video in, chunked
// runs with state carried between chunks, state snapshots, and built-in fitting.
//
//   convis::models::LN ln(Shape{5, 3, 3});
//   Tensor video = convis::samples::moving_bar(200, 20, 20);      // (T, X, Y)
//   convis::Output o = ln->run(video, /*dt=*/50);                 // 4 chunks, state carried
//   o[0].sizes();                                                 // [1, 1, 200, 20, 20]
//   ln->clear_state();                                            // as if fresh
//
//   ln->set_optimizer<optim::Adam>(optim::AdamOptions(0.01));
//   std::vector<double> losses = ln->optimize(video, target, /*dt=*/50);  // one step per chunk
//
// Writing a layer: derive from Layer, register parameters (with a doc string), submodules
// and state slots in the constructor, and override forward (one output) or forward_outputs
// (several).  forward always receives 5-D [batch, channel, time, x, y] input when dims()
// is 5.  See nn/convis/README.md for the rules every stateful filter follows.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "convis/nn/convis/output.h"
#include "convis/nn/convis/streams.h"
#include "convis/nn/module.h"
#include "convis/nn/optim/optimizer.h"

namespace convis {

// Note [State between chunks]
// A chunked run calls forward once per chunk; every stateful layer keeps what it needs from
// the previous chunk (the last kT-1 input frames of a convolution, the last value of a
// recursive filter, membrane potentials) in registered state slots, so that the chunked
// output equals the one-call output for every chunk size.  Gradients: a layer stores its
// state through store_state(), which detaches the value unless keep_state_graph(true) was
// set on the layer (or an ancestor).  So by default the loss of chunk n has no gradient
// with respect to the input of chunk n - 1, for every stateful filter alike, and graphs do
// not grow from chunk to chunk.  Within one call everything is differentiable.

class Layer : public nn::Module {
 public:
  using LossFunction = std::function<Tensor(const Tensor& output, const Tensor& target)>;

  // dims: what forward expects: 5 ([B, C, T, X, Y]), 3 ((T, X, Y)) or 1 ((T)).
  explicit Layer(int dims = 5);
  explicit Layer(std::string name, int dims = 5);

  int dims() const { return dims_; }
  void set_dims(int dims);
  // A layer's name without a given one is its class's, without the Impl of its holder
  // ("convis::filters::Delay"), as the original toolbox names it.
  std::string default_name() const override;

  // ---- calling ----
  // One output: override forward.  Several outputs: override forward_outputs (and forward,
  // if wanted, returns its first).  Both receive prepared input (see prepare_input).
  virtual Tensor forward(const Tensor& input);
  virtual Output forward_outputs(const Tensor& input);
  // prepare_input, then forward.
  Tensor operator()(const Tensor& input);
  // Broadcasts input to what forward expects.  For dims 5: (T) -> [1,1,T,1,1],
  // (X,Y) -> [1,1,1,X,Y], (T,X,Y) -> [1,1,T,X,Y], 4-D -> [1,...], 5-D unchanged.
  // For dims 3: 5-D [1,1,T,X,Y] -> (T,X,Y).  For dims 1: [1,1,T,1,1] -> (T).
  Tensor prepare_input(const Tensor& input) const;

  // ---- chunked runs ----
  // dt = 0: one call.  Otherwise chunks of dt frames along time (the last may be shorter),
  // state carried between them, each output concatenated along time.
  Output run(const Tensor& input, int64_t dt = 0);
  // Runs the first tensor of an earlier Output (detached).
  Output run(const Output& input, int64_t dt = 0);
  // Pulls chunks of dt frames until max_t frames (or the stream's end); exactly that many
  // frames come back.  An endless stream without max_t is an Error.
  Output run(streams::Stream& stream, int64_t dt, std::optional<int64_t> max_t = std::nullopt);

  // ---- state (the memory between chunks; not the state_dict) ----
  // Registers a slot of this layer with its default value (cloned); the slot holds the default.
  // An undefined default is allowed (e.g. "no history yet").
  Tensor& register_state(std::string name, Tensor initial);
  // This layer's own slot (no dots); throws for an unknown name.
  Tensor& state(const std::string& name);
  const Tensor& state(const std::string& name) const;
  // Stores a new value into an own slot, detached unless keep_state_graph (Note [State between chunks]).
  void store_state(const std::string& name, const Tensor& value);
  // The slot `name` holding `value` in `buffer`, a tensor of this layer's own that it may write
  // in place; without gradients only (Note [State buffers] in layer.cpp).
  Tensor& state_buffer(const std::string& name, Tensor& buffer, const Tensor& value);
  // Every slot of the module tree, dotted names ("conv.history", "opl.lowpass.y").
  nn::OrderedDict<std::string, Tensor> get_state() const;
  // Sets the named slots (dotted); an unknown name is an Error.
  void set_state(const nn::OrderedDict<std::string, Tensor>& state);
  // Every slot of the tree back to its registered default.
  void clear_state();
  // Snapshots (copies, not references) of the whole tree's state on a stack.
  void push_state();
  void pop_state();
  size_t state_stack_size() const { return state_stack_.size(); }
  // Replaces every state tensor of the tree by its detached value.
  void detach_state();
  // Whether stored state keeps its graph (for this layer and every sub-layer).
  void keep_state_graph(bool keep);
  bool keeps_state_graph() const { return keep_state_graph_; }

  // ---- per-stage wall time (the original Retina's _timing) ----
  //   retina->set_timing(true);                 // this layer and every sub-layer
  //   retina->run(video, 500);
  //   std::cout << retina->timings_table();     // stage, seconds, calls, share of the total
  // Each layer times the stages of its own forward (a Retina: opl, bipolar, ganglion_input,
  // spikes; a Conv3d: history, pad, convolve; ...); timings() lists them with dotted names
  // from this layer ("opl.opl_filter.center_G.convolve"), own stages first, each in the order
  // first timed, summed over every call since set_timing(true) or clear_timings().  Stages
  // nest: a layer's stage includes the stages of the sub-layers it calls.
  struct StageTime {
    std::string stage;
    double seconds = 0;
    int64_t calls = 0;
  };
  void set_timing(bool on);
  bool timing() const { return timing_; }
  std::vector<StageTime> timings() const;
  void clear_timings();
  // timings() as a table, and the seconds of this layer's own stages summed.
  std::string timings_table() const;

  // ---- parameters by flat name ("conv.weight" -> "conv_weight") ----
  // Every named parameter (buffers excluded), flat underscore names, values detached.
  nn::OrderedDict<std::string, Tensor> get_parameters() const;
  // Copies values into the parameters with those flat (or dotted) names.  Unknown names are
  // ignored, or an Error when strict; returns the names that were not used.
  std::vector<std::string> set_parameters(const nn::OrderedDict<std::string, Tensor>& values, bool strict = false);
  // One parameter by flat or dotted name, from a number, a string holding a number, or a tensor.
  void set_parameter(const std::string& name, double value);
  void set_parameter(const std::string& name, const std::string& value);
  void set_parameter(const std::string& name, const Tensor& value);
  void save_parameters(const std::string& path) const;  // .npz with the flat names
  std::vector<std::string> load_parameters(const std::string& path, bool strict = false);

  // ---- fitting ----
  // Any optimizer over this layer's parameters, kept by the layer:
  //   layer->set_optimizer<optim::Adam>(optim::AdamOptions(0.01));
  template <typename Opt, typename Options>
  void set_optimizer(Options options) {
    set_optimizer(std::make_shared<Opt>(parameters(), std::move(options)));
  }
  void set_optimizer(std::shared_ptr<optim::Optimizer> optimizer);
  std::shared_ptr<optim::Optimizer> optimizer() const { return optimizer_; }
  // One optimizer step per chunk of dt frames (dt = 0: one step on the whole input); returns
  // the loss of each chunk before its step.  See Note [Fitting in chunks] in layer_fit.cpp.
  // The default loss is the sum of squared errors.  Frames before t_skip run without steps.
  std::vector<double> optimize(const Tensor& input, const Tensor& target, int64_t dt = 0, LossFunction loss = {},
                               int64_t t_skip = 0);
  // The per-chunk losses optimize would report, without changing parameters or state.
  std::vector<double> compute_loss(const Tensor& input, const Tensor& target, int64_t dt = 0,
                                   LossFunction loss = {});

 protected:
  // to(device / dtype) moves the states and their defaults along (floating ones for a dtype).
  void convert_other_tensors(const std::function<Tensor(const Tensor&)>& fn) override;

  // f(), its wall time added to `stage` while timing is on (see timings()).
  template <typename F>
  auto timed(const char* stage, F&& f) -> decltype(f()) {
    if (!timing_) return f();
    const auto start = std::chrono::steady_clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    if constexpr (std::is_void_v<decltype(f())>) {
      f();
      add_stage_time(stage, seconds());
    } else {
      auto result = f();
      add_stage_time(stage, seconds());
      return result;
    }
  }

 private:
  void add_stage_time(const char* stage, double seconds);
  Layer* as_layer(Module& m) const;
  void for_each_layer(const std::function<void(const std::string&, Layer&)>& fn);
  void for_each_layer(const std::function<void(const std::string&, const Layer&)>& fn) const;
  std::optional<Tensor> find_parameter(const std::string& flat_or_dotted) const;
  Output run_chunks(const std::function<Tensor(int64_t start, int64_t length)>& next_chunk, int64_t total, int64_t dt);

  int dims_ = 5;
  bool keep_state_graph_ = false;
  bool timing_ = false;
  std::vector<StageTime> stage_times_;
  nn::OrderedDict<std::string, Tensor> states_{"State"};
  nn::OrderedDict<std::string, Tensor> state_defaults_{"State"};
  std::vector<nn::OrderedDict<std::string, Tensor>> state_stack_;
  std::shared_ptr<optim::Optimizer> optimizer_;
};

// Sum of squared errors, the default loss of optimize and compute_loss.
Tensor sum_of_squared_errors(const Tensor& output, const Tensor& target);

}  // namespace convis
