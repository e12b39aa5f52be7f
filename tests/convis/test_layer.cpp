// tests/convis/test_layer.cpp: the Layer contract (input broadcasting, chunked runs, state
// slots and snapshots, parameters by flat name, fitting) on small layers written here.
#include <cstdio>

#include "helpers.h"

using namespace convis;
using convis_test::values;

namespace {

// out[t] = gain * (x[0] + ... + x[t]): a running sum whose total is the state.
struct RunningSum : Layer {
  Tensor gain;
  RunningSum() : Layer("RunningSum") {
    gain = register_parameter("gain", ones({1}), true, "factor applied to the running sum");
    register_state("total", Tensor());
  }
  Tensor forward(const Tensor& x) override {
    Tensor total = state("total").defined() ? state("total") : zeros_like(x.narrow(2, 0, 1));
    Tensor sums = cumsum(x, 2) + total;
    store_state("total", sums.narrow(2, x.size(2) - 1, 1));
    return sums * gain;
  }
};

// Two running sums in a row, and a second output (the first stage's).
struct TwoStages : Layer {
  std::shared_ptr<RunningSum> first, second;
  TwoStages() : Layer("TwoStages") {
    first = register_module("first", std::make_shared<RunningSum>());
    second = register_module("second", std::make_shared<RunningSum>());
  }
  Output forward_outputs(const Tensor& x) override {
    Tensor a = first->forward(x);
    return Output({second->forward(a), a}, {"second", "first"});
  }
  Tensor forward(const Tensor& x) override { return forward_outputs(x)[0]; }
};

Tensor ramp(int64_t t) { return arange(t, TensorOptions().dtype(DType::Float64)).reshape({t, 1, 1}); }

}  // namespace

TEST_CASE("Layer broadcasts 1-D to 5-D inputs to what forward expects", "[convis][layer]") {
  RunningSum layer;
  CHECK(layer.prepare_input(zeros({7})).sizes() == Shape{1, 1, 7, 1, 1});
  CHECK(layer.prepare_input(zeros({4, 5})).sizes() == Shape{1, 1, 1, 4, 5});
  CHECK(layer.prepare_input(zeros({7, 4, 5})).sizes() == Shape{1, 1, 7, 4, 5});
  CHECK(layer.prepare_input(zeros({2, 7, 4, 5})).sizes() == Shape{1, 2, 7, 4, 5});
  CHECK(layer.prepare_input(zeros({1, 2, 7, 4, 5})).sizes() == Shape{1, 2, 7, 4, 5});
  CHECK_THROWS_WITH(layer.prepare_input(zeros({1, 1, 1, 1, 1, 1})), Catch::Contains("[RunningSum] expected input"));
  CHECK(layer(zeros({7, 4, 5})).sizes() == Shape{1, 1, 7, 4, 5});
  layer.set_dims(3);
  CHECK(layer.prepare_input(zeros({1, 1, 7, 4, 5})).sizes() == Shape{7, 4, 5});
  CHECK_THROWS_WITH(layer.prepare_input(zeros({2, 1, 7, 4, 5})), Catch::Contains("expected input"));
  layer.set_dims(1);
  CHECK(layer.prepare_input(zeros({1, 1, 7, 1, 1})).sizes() == Shape{7});
  CHECK_THROWS_WITH(layer.set_dims(4), Catch::Contains("expected dims 1, 3 or 5, got 4"));
}

TEST_CASE("run concatenates chunks and equals one call for every chunk size", "[convis][layer]") {
  auto layer = std::make_shared<TwoStages>();
  const Tensor x = ramp(23);
  const Output whole = layer->run(x);
  CHECK(whole.keys() == std::vector<std::string>{"second", "first"});
  CHECK(values(whole["first"]).back() == Approx(253.0));  // 0 + 1 + ... + 22
  for (int64_t dt = 1; dt <= 24; ++dt) {
    layer->clear_state();
    const Output chunked = layer->run(x, dt);
    INFO("dt = " << dt);
    REQUIRE(chunked.size() == 2);
    CHECK(chunked[0].sizes() == Shape{1, 1, 23, 1, 1});
    CHECK(values(chunked[0]) == values(whole[0]));
    CHECK(values(chunked[1]) == values(whole[1]));
  }
  CHECK_THROWS_WITH(layer->run(x, -1), Catch::Contains("[Layer::run] expected a chunk length dt >= 0"));
}

TEST_CASE("state continues between runs until clear_state", "[convis][layer]") {
  auto layer = std::make_shared<RunningSum>();
  layer->run(ramp(4));  // total 6
  CHECK(values(layer->run(ones({2}))[0]) == std::vector<double>{7, 8});
  CHECK(values(layer->get_state()["total"]) == std::vector<double>{8});
  layer->clear_state();
  CHECK_FALSE(layer->state("total").defined());
  CHECK(values(layer->run(ones({2}))[0]) == std::vector<double>{1, 2});
  CHECK_THROWS_WITH(layer->state("nope"), Catch::Contains("expected a registered state slot, got 'nope'"));
}

TEST_CASE("get_state and set_state use dotted names over the tree", "[convis][layer]") {
  auto layer = std::make_shared<TwoStages>();
  layer->run(ones({3}));
  auto state = layer->get_state();
  CHECK(state.keys() == std::vector<std::string>{"first.total", "second.total"});
  CHECK(values(state["second.total"]) == std::vector<double>{6});
  nn::OrderedDict<std::string, Tensor> changed;
  changed.insert("second.total", full({1, 1, 1, 1, 1}, 100.0));
  layer->set_state(changed);
  CHECK(values(layer->second->state("total")) == std::vector<double>{100});
  nn::OrderedDict<std::string, Tensor> bad;
  bad.insert("third.total", ones({1}));
  CHECK_THROWS_WITH(layer->set_state(bad), Catch::Contains("[set_state] expected a state slot of TwoStages, got 'third.total'"));
}

TEST_CASE("push_state and pop_state restore real snapshots", "[convis][layer]") {
  auto layer = std::make_shared<TwoStages>();
  layer->run(ones({5}));
  layer->push_state();
  const auto b1 = values(layer->run(ramp(4))[0]);
  layer->pop_state();
  const auto b2 = values(layer->run(ramp(4))[0]);
  CHECK(b1 == b2);
  CHECK(layer->state_stack_size() == 0);
  CHECK_THROWS_WITH(layer->pop_state(), Catch::Contains("[pop_state] expected a state pushed by push_state"));
}

TEST_CASE("stored state is detached unless keep_state_graph", "[convis][layer]") {
  auto layer = std::make_shared<RunningSum>();
  Tensor first = ones({3}, TensorOptions().dtype(DType::Float64).requires_grad(true));
  layer->run(first);
  CHECK_FALSE(layer->state("total").requires_grad());
  Tensor loss = layer->run(ones({2}))[0].sum();
  loss.backward();
  CHECK_FALSE(first.grad().defined());                       // no path into the earlier chunk
  CHECK(values(layer->gain.grad()) == std::vector<double>{9});  // (3 + 1) + (3 + 2)

  layer->clear_state();
  layer->keep_state_graph(true);
  layer->run(first);
  CHECK(layer->state("total").requires_grad());
  layer->run(ones({2}))[0].sum().backward();
  CHECK(values(first.grad()) == std::vector<double>{2, 2, 2});
  layer->detach_state();
  CHECK_FALSE(layer->state("total").requires_grad());
}

TEST_CASE("get_parameters and set_parameters use flat names; npz round trip", "[convis][layer]") {
  auto layer = std::make_shared<TwoStages>();
  auto params = layer->get_parameters();
  CHECK(params.keys() == std::vector<std::string>{"first_gain", "second_gain"});
  CHECK(layer->parameter_doc("first.gain") == "factor applied to the running sum");
  layer->set_parameter("first_gain", 2.0);
  layer->set_parameter("second.gain", std::string("0.5"));
  CHECK(values(layer->first->gain) == std::vector<double>{2});
  CHECK(values(layer->second->gain) == std::vector<double>{0.5});
  CHECK_THROWS_WITH(layer->set_parameter("first_gain", std::string("fast")),
                    Catch::Contains("expected a number for 'first_gain', got the string 'fast'"));
  CHECK_THROWS_WITH(layer->set_parameter("gain", 1.0), Catch::Contains("expected a parameter of TwoStages"));

  const std::string path = "test_layer_params.npz";
  layer->save_parameters(path);
  auto fresh = std::make_shared<TwoStages>();
  CHECK(fresh->load_parameters(path, true).empty());
  std::remove(path.c_str());
  CHECK(values(fresh->run(ones({3}))[0]) == values(layer->run(ones({3}))[0]));

  nn::OrderedDict<std::string, Tensor> extra;
  extra.insert("unknown_weight", ones({1}));
  CHECK(fresh->set_parameters(extra) == std::vector<std::string>{"unknown_weight"});
  CHECK_THROWS_WITH(fresh->set_parameters(extra, true), Catch::Contains("got unknown names [unknown_weight]"));
}

TEST_CASE("optimize makes one step per chunk and compute_loss changes nothing", "[convis][layer]") {
  auto layer = std::make_shared<RunningSum>();
  const Tensor x = ones({6}, TensorOptions().dtype(DType::Float64));
  const Tensor target = 3 * cumsum(x, 0);  // gain 3 fits exactly
  CHECK_THROWS_WITH(layer->optimize(x, target, 2), Catch::Contains("call set_optimizer first"));
  layer->set_optimizer<optim::SGD>(optim::SGDOptions(0.005));
  const auto before = layer->compute_loss(x, target, 2);
  CHECK(before == std::vector<double>{4 * (1 + 4), 4 * (9 + 16), 4 * (25 + 36)});
  CHECK(values(layer->gain) == std::vector<double>{1});
  CHECK_FALSE(layer->state("total").defined());  // compute_loss put the state back

  const auto losses = layer->optimize(x, target, 2);
  REQUIRE(losses.size() == 3);
  CHECK(losses[0] == Approx(before[0]));  // the loss before the first step
  CHECK(values(layer->state("total")) == std::vector<double>{6});  // state carried to the end
  layer->clear_state();
  const auto after = layer->compute_loss(x, target, 2);
  CHECK(after[2] < before[2] / 2);
}

TEST_CASE("LBFGS evaluations inside one step all start from the same state", "[convis][layer]") {
  auto layer = std::make_shared<RunningSum>();
  const Tensor x = ones({8}, TensorOptions().dtype(DType::Float64));
  const Tensor target = 2 * cumsum(x, 0);
  layer->set_optimizer<optim::LBFGS>(optim::LBFGSOptions(1).max_iter(20));
  layer->optimize(x, target, 4);
  CHECK(values(layer->gain)[0] == Approx(2.0).epsilon(1e-6));
  CHECK(values(layer->state("total")) == std::vector<double>{8});  // not 8 * evaluations
}

TEST_CASE("Output holds named tensors of any shapes", "[convis][layer]") {
  Output o({zeros({2}), ones({3, 1})}, {"a", "b"});
  CHECK(o.size() == 2);
  CHECK(o["b"].sizes() == Shape{3, 1});
  CHECK(o[0].sizes() == Shape{2});
  int n = 0;
  for (const Tensor& t : o) n += static_cast<int>(t.numel());
  CHECK(n == 5);
  CHECK(Output({zeros({1})}).keys() == std::vector<std::string>{"output"});
  CHECK_THROWS_WITH(o["c"], Catch::Contains("[Output] expected one of the keys [a, b], got 'c'"));
  CHECK_THROWS_WITH(o[2], Catch::Contains("expected an index below 2, got 2"));
  CHECK_THROWS_WITH(Output({zeros({1})}, {"a", "b"}), Catch::Contains("one key per tensor"));
  std::ostringstream s;
  s << o;
  CHECK(s.str() == "Output(a: [2] float, b: [3, 1] float)");
}

TEST_CASE("run on a stream returns exactly the frames asked for (item 8)", "[convis][layer]") {
  auto layer = std::make_shared<RunningSum>();
  const Tensor video = rand({250, 3, 2}, TensorOptions().dtype(DType::Float64));
  const Tensor whole = layer->run(video)[0];

  layer->clear_state();
  streams::SequenceStream finite(video);
  const Tensor from_stream = layer->run(finite, 100)[0];  // the stream's length: 250 frames
  CHECK(from_stream.sizes() == Shape{1, 1, 250, 3, 2});
  CHECK(allclose(from_stream.to(DType::Float64), whole, 1e-6, 1e-6));  // summation order differs

  layer->clear_state();
  streams::RepeatingStream endless(video);
  CHECK(layer->run(endless, 100, 250)[0].sizes() == Shape{1, 1, 250, 3, 2});  // not 249
  CHECK(layer->run(endless, 7, 3)[0].sizes() == Shape{1, 1, 3, 3, 2});
  CHECK_THROWS_WITH(layer->run(endless, 100), Catch::Contains("expected max_t for an endless stream"));
  CHECK_THROWS_WITH(layer->run(endless, 0, 10), Catch::Contains("expected a chunk length dt > 0"));

  streams::SequenceStream short_one(video.narrow(0, 0, 30));
  layer->clear_state();
  CHECK(layer->run(short_one, 8, 100)[0].size(2) == 30);  // max_t beyond the end: what there is
}
