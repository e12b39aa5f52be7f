// nn::Module: registration, listing with dotted names, modes, gradients, conversion,
// apply, printing and state dicts.
#include <sstream>

#include "helpers.h"

using namespace convis;
using convis_test::values;
using V = std::vector<double>;

namespace {

struct Block : nn::Module {
  std::shared_ptr<nn::LinearImpl> fc;
  std::shared_ptr<nn::BatchNorm1dImpl> bn;
  Tensor scale;
  Block() {
    scale = register_parameter("scale", ones({2}), true, "how much to scale the output");
    fc = register_module("fc", std::make_shared<nn::LinearImpl>(3, 2));
    bn = register_module("bn", std::make_shared<nn::BatchNorm1dImpl>(2));
    register_buffer("steps", zeros({}, kInt64));
  }
  Tensor forward(const Tensor& x) { return bn->forward(fc->forward(x)) * scale; }
};

std::vector<std::string> keys(const nn::OrderedDict<std::string, Tensor>& d) { return d.keys(); }

std::string print(const nn::Module& m) {
  std::ostringstream ss;
  ss << m;
  return ss.str();
}

}  // namespace

TEST_CASE("named_parameters, buffers and children use dotted names in registration order", "[nn][module]") {
  auto b = std::make_shared<Block>();
  using S = std::vector<std::string>;
  CHECK(keys(b->named_parameters()) == S{"scale", "fc.weight", "fc.bias", "bn.weight", "bn.bias"});
  CHECK(keys(b->named_parameters(false)) == S{"scale"});
  CHECK(keys(b->named_buffers()) == S{"steps", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"});
  CHECK(b->parameters().size() == 5);
  CHECK(b->buffers(false).size() == 1);
  CHECK(b->named_children().keys() == S{"fc", "bn"});
  CHECK(b->children()[0].get() == b->fc.get());
  CHECK(b->named_modules().keys() == S{"", "fc", "bn"});
  CHECK(b->modules().size() == 3);
  CHECK(b->modules(false).size() == 2);
  CHECK(b->modules()[0].get() == b.get());
  // The registered tensor is the member: same TensorImpl.
  CHECK(b->named_parameters()["fc.weight"].is_same(b->fc->weight));
  for (const auto& p : b->parameters()) CHECK((p.is_leaf() && p.requires_grad()));
  CHECK(b->parameter_doc("scale") == "how much to scale the output");
  CHECK(b->parameter_doc("fc.weight").empty());
  CHECK(b->name() == "(anonymous namespace)::Block");
}

TEST_CASE("registration errors name the problem", "[nn][module]") {
  auto m = std::make_shared<nn::Module>();
  m->register_parameter("w", zeros({2}));
  CHECK_THROWS_WITH(m->register_parameter("w", zeros({2})), Catch::Contains("'w', which is already defined"));
  CHECK_THROWS_WITH(m->register_buffer("w", zeros({2})), Catch::Contains("[register_buffer]"));
  CHECK_THROWS_WITH(m->register_parameter("a.b", zeros({2})), Catch::Contains("without a dot"));
  CHECK_THROWS_WITH(m->register_parameter("", zeros({2})), Catch::Contains("non-empty"));
  CHECK_THROWS_WITH(m->register_module("x", std::shared_ptr<nn::LinearImpl>()), Catch::Contains("null pointer"));
  // A tensor with history is detached into a leaf; requires_grad = false is kept.
  Tensor base = ones({2}, requires_grad());
  Tensor& p = m->register_parameter("p", base * 2);
  CHECK((p.is_leaf() && p.requires_grad()));
  CHECK_FALSE(m->register_parameter("frozen", ones({1}), false).requires_grad());
  nn::Module on_stack;
  CHECK_THROWS_WITH(on_stack.modules(), Catch::Contains("std::shared_ptr"));
}

TEST_CASE("train and eval are recursive", "[nn][module]") {
  auto b = std::make_shared<Block>();
  CHECK((b->is_training() && b->bn->is_training()));
  b->eval();
  CHECK_FALSE(b->is_training());
  CHECK_FALSE(b->bn->is_training());
  b->train();
  CHECK(b->fc->is_training());
}

TEST_CASE("zero_grad clears or zeroes the gradients", "[nn][module]") {
  nn::Linear lin(3, 2);
  lin->forward(ones({4, 3})).sum().backward();
  CHECK(values(lin->bias.grad()) == V{4, 4});
  lin->zero_grad(false);
  CHECK(values(lin->bias.grad()) == V{0, 0});
  lin->zero_grad();
  CHECK_FALSE(lin->weight.grad().defined());
}

TEST_CASE("to(dtype) converts floating tensors in place, keeping leaves and members", "[nn][module]") {
  auto b = std::make_shared<Block>();
  Tensor w = b->fc->weight;
  std::vector<double> before = values(w);
  b->to(kFloat64);
  CHECK(w.dtype() == kFloat64);  // the same handle sees the new data
  CHECK(b->fc->weight.is_same(w));
  CHECK(values(w) == before);
  CHECK((w.is_leaf() && w.requires_grad()));
  CHECK(b->bn->running_var.dtype() == kFloat64);
  CHECK(b->bn->num_batches_tracked.dtype() == kInt64);
  Tensor y = b->forward(randn({4, 3}, kFloat64));
  CHECK(y.dtype() == kFloat64);
  y.sum().backward();
  CHECK(w.grad().dtype() == kFloat64);
  b->to(Device(kCPU));
  CHECK(w.device() == Device(kCPU));
}

TEST_CASE("apply visits every module, self first", "[nn][module]") {
  auto b = std::make_shared<Block>();
  std::vector<std::string> seen;
  b->apply([&](const std::string& name, nn::Module&) { seen.push_back(name); });
  CHECK(seen == std::vector<std::string>{"", "fc", "bn"});
  int count = 0;
  b->apply([&](nn::Module& m) { count += int(m.parameters(false).size()); });
  CHECK(count == 5);
  b->apply([](const std::shared_ptr<nn::Module>& m) { m->eval(); });
  CHECK_FALSE(b->bn->is_training());
}

TEST_CASE("printing follows LibTorch's format", "[nn][module]") {
  auto seq = std::make_shared<nn::SequentialImpl>(std::make_shared<nn::LinearImpl>(3, 4), std::make_shared<nn::ReLUImpl>(),
                                              std::make_shared<nn::LinearImpl>(nn::LinearOptions(4, 2).bias(false)));
  CHECK(print(*seq) ==
        "convis::nn::Sequential(\n"
        "  (0): convis::nn::Linear(in_features=3, out_features=4, bias=true)\n"
        "  (1): convis::nn::ReLU()\n"
        "  (2): convis::nn::Linear(in_features=4, out_features=2, bias=false)\n"
        ")");
  auto outer = std::make_shared<nn::Module>("Net");
  outer->register_module("seq", std::make_shared<nn::SequentialImpl>(std::make_shared<nn::TanhImpl>()));
  outer->register_module("empty", std::make_shared<nn::SequentialImpl>());
  CHECK(print(*outer) ==
        "Net(\n"
        "  (seq): convis::nn::Sequential(\n"
        "    (0): convis::nn::Tanh()\n"
        "  )\n"
        "  (empty): convis::nn::Sequential\n"
        ")");
}

TEST_CASE("state_dict lists parameters then buffers per module, detached", "[nn][module]") {
  auto b = std::make_shared<Block>();
  auto sd = b->state_dict();
  CHECK(sd.keys() == std::vector<std::string>{"scale", "steps", "fc.weight", "fc.bias", "bn.weight", "bn.bias",
                                               "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"});
  CHECK_FALSE(sd["fc.weight"].requires_grad());
  CHECK(sd["fc.weight"].data_ptr() == b->fc->weight.data_ptr());  // shares storage
}

TEST_CASE("load_state_dict copies values and reports every problem", "[nn][module]") {
  auto a = std::make_shared<Block>();
  auto b = std::make_shared<Block>();
  {
    NoGradGuard g;
    a->bn->running_mean.fill_(0.5);
    a->fc->weight.fill_(2.0);
  }
  b->load_state_dict(a->state_dict());
  CHECK(values(b->bn->running_mean) == V{0.5, 0.5});
  CHECK(values(b->fc->weight) == V(6, 2.0));
  CHECK_FALSE(b->fc->weight.is_same(a->fc->weight));
  CHECK(b->fc->weight.is_leaf());

  auto sd = a->state_dict();
  sd.pop("fc.bias");
  sd.insert("extra", zeros({1}));
  sd["fc.weight"] = zeros({5, 3});
  try {
    b->load_state_dict(sd);
    FAIL("expected an Error");
  } catch (const Error& e) {
    std::string msg = e.what();
    CHECK_THAT(msg, Catch::StartsWith("[load_state_dict]"));
    CHECK_THAT(msg, Catch::Contains("missing key(s) in state_dict: \"fc.bias\""));
    CHECK_THAT(msg, Catch::Contains("unexpected key(s) in state_dict: \"extra\""));
    CHECK_THAT(msg, Catch::Contains("size mismatch for fc.weight: copying a tensor of shape [5, 3]"));
    CHECK_THAT(msg, Catch::Contains("the shape in the module is [2, 3]"));
  }
  CHECK(values(b->fc->weight) == V(6, 2.0));  // nothing copied
  // Non-strict: missing and unexpected keys are fine, shapes still must match.
  sd["fc.weight"] = full({2, 3}, 7.0);
  b->load_state_dict(sd, false);
  CHECK(values(b->fc->weight) == V(6, 7.0));
}
