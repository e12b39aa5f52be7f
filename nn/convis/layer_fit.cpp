// nn/convis/layer_fit.cpp: fitting a layer chunk by chunk with its own optimizer.
#include "convis/autograd/grad_mode.h"
#include "convis/core/ops.h"
#include "convis/nn/convis/layer.h"

namespace convis {

// Note [Fitting in chunks]
// optimize() makes one optimizer step per chunk.  An optimizer may evaluate its closure
// several times in one step (LBFGS does), so every evaluation must see the model in the same
// state: the closure restores a snapshot of the state taken before the chunk, zeroes the
// gradients, runs the chunk, computes the loss and calls backward.  After the step the
// state is whatever the last evaluation left, so the next chunk continues from where this
// one ended (the original restarted every chunk from the state before the first one).
// compute_loss() runs the same chunks under NoGradGuard and puts the state back afterwards.

namespace {

int64_t time_axis(int dims) { return dims == 5 ? 2 : 0; }

std::vector<std::pair<int64_t, int64_t>> chunks(int64_t begin, int64_t total, int64_t dt) {
  std::vector<std::pair<int64_t, int64_t>> out;
  if (dt == 0) dt = total - begin;
  for (int64_t s = begin; s < total; s += dt) out.emplace_back(s, std::min(dt, total - s));
  return out;
}

nn::OrderedDict<std::string, Tensor> copy_of(const nn::OrderedDict<std::string, Tensor>& state) {
  nn::OrderedDict<std::string, Tensor> out("State");
  for (const auto& item : state) out.insert(item.key(), item.value().defined() ? item.value().clone() : Tensor());
  return out;
}

}  // namespace

Tensor sum_of_squared_errors(const Tensor& output, const Tensor& target) {
  CONVIS_CHECK(output.sizes() == target.sizes(), "sum_of_squared_errors",
               "expected output and target of one shape, got {} and {}", output.sizes(), target.sizes());
  return (output - target).pow(2).sum();
}

void Layer::set_optimizer(std::shared_ptr<optim::Optimizer> optimizer) {
  CONVIS_CHECK(optimizer != nullptr, "set_optimizer", "expected an optimizer, got a null pointer");
  optimizer_ = std::move(optimizer);
}

std::vector<double> Layer::optimize(const Tensor& input, const Tensor& target, int64_t dt, LossFunction loss,
                                    int64_t t_skip) {
  CONVIS_CHECK(optimizer_ != nullptr, "Layer::optimize", "expected an optimizer: call set_optimizer first");
  CONVIS_CHECK(dt >= 0 && t_skip >= 0, "Layer::optimize", "expected dt >= 0 and t_skip >= 0, got {} and {}", dt,
               t_skip);
  if (!loss) loss = sum_of_squared_errors;
  const Tensor x = prepare_input(input), y = prepare_input(target);
  const int64_t axis = time_axis(dims_), total = x.size(axis);
  CONVIS_CHECK(y.size(axis) == total, "Layer::optimize", "expected input and target of equal length, got {} and {} frames",
               total, y.size(axis));
  if (t_skip > 0) {
    NoGradGuard no_grad;
    run(x.narrow(axis, 0, std::min(t_skip, total)), dt);
  }
  std::vector<double> losses;
  for (auto [start, length] : chunks(std::min(t_skip, total), total, dt)) {
    const Tensor xc = x.narrow(axis, start, length), yc = y.narrow(axis, start, length);
    const auto before = copy_of(get_state());
    auto closure = [&]() {
      set_state(copy_of(before));
      optimizer_->zero_grad();
      Tensor l = loss(forward_outputs(xc)[0], yc);
      l.backward({}, keeps_state_graph());
      return l;
    };
    losses.push_back(optimizer_->step(closure).item<double>());
  }
  return losses;
}

std::vector<double> Layer::compute_loss(const Tensor& input, const Tensor& target, int64_t dt, LossFunction loss) {
  CONVIS_CHECK(dt >= 0, "Layer::compute_loss", "expected dt >= 0, got {}", dt);
  if (!loss) loss = sum_of_squared_errors;
  const Tensor x = prepare_input(input), y = prepare_input(target);
  const int64_t axis = time_axis(dims_), total = x.size(axis);
  CONVIS_CHECK(y.size(axis) == total, "Layer::compute_loss",
               "expected input and target of equal length, got {} and {} frames", total, y.size(axis));
  NoGradGuard no_grad;
  push_state();
  std::vector<double> losses;
  for (auto [start, length] : chunks(0, total, dt))
    losses.push_back(loss(forward_outputs(x.narrow(axis, start, length))[0], y.narrow(axis, start, length)).item<double>());
  pop_state();
  return losses;
}

}  // namespace convis
