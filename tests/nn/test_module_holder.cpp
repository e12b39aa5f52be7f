// nn/module_holder.h (Note [Module holders]): LibTorch's holder semantics for every nn layer and
// for a user's module declared with CONVIS_MODULE.
#include "helpers.h"

using namespace convis;
using namespace convis_test;
using Catch::Contains;

namespace {

struct TwoLayerImpl : nn::Module {
  explicit TwoLayerImpl(int64_t n)
      : fc1(register_module("fc1", nn::Linear(n, 3))), fc2(register_module("fc2", nn::Linear(3, 1))) {
    scale = register_parameter("scale", ones({1}));
  }
  Tensor forward(const Tensor& x) { return fc2(fc1(x).relu()) * scale; }
  nn::Linear fc1, fc2;
  Tensor scale;
};
CONVIS_MODULE(TwoLayer);

struct LaterImpl : nn::Module {
  LaterImpl() { body = register_module("body", nn::Sequential(nn::Linear(2, 2), nn::Tanh())); }
  nn::Sequential body{nullptr};  // set in the constructor, as LibTorch members often are
};
CONVIS_MODULE(Later);

}  // namespace

TEST_CASE("module holders: value syntax, shared modules, calls forward", "[nn][holder]") {
  manual_seed(3);
  nn::Linear fc(3, 4);
  CHECK(fc->weight.sizes() == Shape{4, 3});
  CHECK((*fc).options.out_features() == 4);
  Tensor x = randn({2, 3});
  CHECK(equal(fc(x), fc->forward(x)));
  nn::Linear shared = fc;  // a copy holds the same module
  CHECK(shared.get() == fc.get());
  CHECK(shared.ptr() == fc.ptr());
  nn::Linear from_options(nn::LinearOptions(3, 2).bias(false));
  CHECK(!from_options->bias.defined());
  std::shared_ptr<nn::LinearImpl> impl = std::make_shared<nn::LinearImpl>(5, 1);
  nn::Linear wrapped = impl;  // from a shared_ptr, implicitly
  CHECK(wrapped->weight.sizes() == Shape{1, 5});
  nn::ReLU relu;  // default-constructible modules hold one
  CHECK(values(relu(tensor({-1.0, 2.0}))) == std::vector<double>{0, 2});
  nn::Conv2d conv(nn::Conv2dOptions(1, 2, 3).padding(1));
  CHECK(conv(randn({1, 1, 5, 5})).sizes() == Shape{1, 2, 5, 5});
}

TEST_CASE("module holders: empty holders are errors, not null dereferences", "[nn][holder]") {
  nn::Linear empty{nullptr};
  CHECK(empty.is_empty());
  CHECK(!empty);
  CHECK_THROWS_WITH(empty->weight, Contains("[ModuleHolder]") && Contains("convis::nn::LinearImpl") &&
                                       Contains("got an empty one"));
  CHECK_THROWS_WITH(empty(ones({1, 1})), Contains("empty"));
  nn::Module parent;
  CHECK_THROWS_WITH(parent.register_module("fc", empty), Contains("[register_module]") && Contains("empty holder"));
  empty = nn::Linear(1, 1);
  CHECK(!empty.is_empty());
}

TEST_CASE("CONVIS_MODULE: a LibTorch-style user module with holder members", "[nn][holder]") {
  manual_seed(5);
  TwoLayer net(4);
  CHECK(net->named_parameters().keys() == std::vector<std::string>{"scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"});
  Tensor x = randn({6, 4});
  Tensor want = net->fc2->forward(net->fc1->forward(x).relu()) * net->scale;
  CHECK(equal(net(x), want));
  // the registered child and the member are the same module
  CHECK(net->named_children()["fc1"].get() == static_cast<nn::Module*>(net->fc1.get()));
  net(x).sum().backward();
  CHECK(net->fc1->weight.grad().defined());
  Later later;
  CHECK(later->body->size() == 2);
  CHECK(later->named_parameters().keys() == std::vector<std::string>{"body.0.weight", "body.0.bias"});
  CHECK(later->name() == "(anonymous namespace)::LaterImpl");
}

TEST_CASE("Sequential and ModuleList take holders", "[nn][holder]") {
  manual_seed(7);
  nn::Sequential seq(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 1));
  CHECK(seq->size() == 3);
  Tensor x = randn({5, 3});
  auto first = seq->ptr<nn::LinearImpl>(0), last = seq->ptr<nn::LinearImpl>(2);
  CHECK(equal(seq(x), last->forward(first->forward(x).relu())));
  CHECK(seq[1]->name() == "convis::nn::ReLUImpl");
  seq->push_back(nn::Sigmoid());
  CHECK(seq->size() == 4);
  CHECK(seq(x).min().item<double>() > 0);
  nn::ModuleList list(nn::Linear(2, 2), nn::Tanh());
  list->push_back(nn::Dropout(0.5));
  CHECK(list->size() == 3);
  CHECK(list->named_parameters().keys() == std::vector<std::string>{"0.weight", "0.bias"});
  nn::Sequential empty_seq;  // holds an empty Sequential, as LibTorch
  CHECK(empty_seq->is_empty());
}
