// Layers against PyTorch: Linear, Conv3d in every padding mode, Conv1d, pooling; default
// initialisation; options and printing; containers.
#include <cmath>
#include <sstream>

#include "helpers.h"

using namespace convis;
using convis_test::golden;
using convis_test::set_no_grad;
using convis_test::values;
using V = std::vector<double>;

namespace {

Tensor g(const std::string& name) { return golden("module/" + name + ".npy"); }

std::string print(const nn::Module& m) {
  std::ostringstream ss;
  ss << m;
  return ss.str();
}

}  // namespace

TEST_CASE("Linear matches torch for 2-D and 3-D inputs", "[nn][layers]") {
  nn::Linear lin(3, 4);
  CHECK(lin->weight.sizes() == Shape{4, 3});
  set_no_grad(lin->weight, g("linear_w"));
  set_no_grad(lin->bias, g("linear_b"));
  CHECK_ALLCLOSE(lin->forward(g("linear_x")), g("linear_out"));
  CHECK_ALLCLOSE((*lin)(g("linear_x3")), g("linear_out3"));
  CHECK_THROWS_WITH(lin->forward(ones({2, 5})), Catch::Contains("[Linear] expected an input whose last dim is in_features=3"));
  nn::Linear nobias(nn::LinearOptions(3, 4).bias(false));
  CHECK_FALSE(nobias->bias.defined());
  CHECK(nobias->parameters().size() == 1);
}

TEST_CASE("default initialisation is uniform in +-1/sqrt(fan_in)", "[nn][layers]") {
  manual_seed(1);
  nn::Linear lin(25, 400);
  double bound = 1.0 / 5.0;
  CHECK(lin->weight.abs().max().item<float>() <= bound);
  CHECK(lin->weight.abs().max().item<float>() > 0.95 * bound);
  // uniform on [-b, b]: variance b^2 / 3
  CHECK(std::abs(lin->weight.var().item<float>() - bound * bound / 3) < 0.05 * bound * bound);
  CHECK(lin->bias.abs().max().item<float>() <= bound);
  nn::Conv3d conv(nn::Conv3dOptions(4, 8, {1, 2, 2}).groups(2));
  CHECK(conv->weight.sizes() == Shape{8, 2, 1, 2, 2});
  double cbound = 1.0 / std::sqrt(8.0);  // fan_in = 2 * 1 * 2 * 2
  CHECK(conv->weight.abs().max().item<float>() <= cbound);
  CHECK(conv->bias.abs().max().item<float>() <= cbound);
}

TEST_CASE("Conv3d matches torch in every padding mode", "[nn][layers]") {
  Tensor x = g("conv3d_x");
  for (auto [name, mode] : {std::pair{"zeros", kZeros}, std::pair{"reflect", kReflect},
                            std::pair{"replicate", kReplicate}, std::pair{"circular", kCircular}}) {
    INFO(name);
    auto conv = std::make_shared<nn::Conv3dImpl>(
        nn::Conv3dOptions(2, 4, {3, 2, 3}).stride({1, 2, 1}).padding({1, 1, 2}).groups(2).padding_mode(mode));
    set_no_grad(conv->weight, g(std::string("conv3d_") + name + "_w"));
    set_no_grad(conv->bias, g(std::string("conv3d_") + name + "_b"));
    CHECK_ALLCLOSE(conv->forward(x), g(std::string("conv3d_") + name + "_out"));
  }
}

TEST_CASE("Conv1d with dilation and no bias matches torch", "[nn][layers]") {
  nn::Conv1d conv(nn::Conv1dOptions(2, 3, 3).padding(1).dilation(2).bias(false));
  set_no_grad(conv->weight, g("conv1d_w"));
  CHECK_ALLCLOSE(conv->forward(g("conv1d_x")), g("conv1d_out"));
  CHECK_THROWS_WITH(std::make_shared<nn::Conv2dImpl>(nn::Conv2dOptions(3, 4, 3).groups(2)),
                    Catch::Contains("divisible by groups"));
}

TEST_CASE("MaxPool3d and AvgPool3d match torch", "[nn][layers]") {
  nn::MaxPool3d maxp(nn::MaxPool3dOptions({2, 2, 3}).stride({1, 2, 2}).padding({1, 0, 1}));
  CHECK_ALLCLOSE(maxp->forward(g("pool_x")), g("maxpool_out"));
  nn::AvgPool3d avgp(nn::AvgPool3dOptions(2).stride(1).padding(1).count_include_pad(false));
  CHECK_ALLCLOSE(avgp->forward(g("pool_x")), g("avgpool_out"));
  CHECK(maxp->options.dilation() == Shape{1, 1, 1});
}

TEST_CASE("layers print as LibTorch's", "[nn][layers]") {
  CHECK(print(nn::Conv3dImpl(nn::Conv3dOptions(2, 4, 3))) ==
        "convis::nn::Conv3d(2, 4, kernel_size=[3, 3, 3], stride=[1, 1, 1])");
  CHECK(print(nn::Conv3dImpl(nn::Conv3dOptions(2, 4, {3, 1, 2})
                             .stride(2)
                             .padding(1)
                             .dilation(2)
                             .groups(2)
                             .bias(false)
                             .padding_mode(kReflect))) ==
        "convis::nn::Conv3d(2, 4, kernel_size=[3, 1, 2], stride=[2, 2, 2], padding=[1, 1, 1], dilation=[2, 2, 2], "
        "groups=2, bias=false, padding_mode=kReflect)");
  CHECK(print(nn::Conv1dImpl(nn::Conv1dOptions(2, 4, 3).padding_mode(kCircular).padding(1))) ==
        "convis::nn::Conv1d(2, 4, kernel_size=3, stride=1, padding=1, padding_mode=kCircular)");
  CHECK(print(nn::MaxPool3dImpl(2)) ==
        "convis::nn::MaxPool3d(kernel_size=[2, 2, 2], stride=[2, 2, 2], padding=[0, 0, 0], dilation=[1, 1, 1], "
        "ceil_mode=false)");
  CHECK(print(nn::AvgPool3dImpl(nn::AvgPool3dOptions(2).stride(1).padding(1))) ==
        "convis::nn::AvgPool3d(kernel_size=[2, 2, 2], stride=[1, 1, 1], padding=[1, 1, 1])");
  CHECK(print(nn::BatchNorm1dImpl(3)) ==
        "convis::nn::BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
  CHECK(print(nn::BatchNorm2dImpl(
            nn::BatchNorm2dOptions(3).eps(1e-3).momentum(0.2).affine(false).track_running_stats(false))) ==
        "convis::nn::BatchNorm2d(3, eps=0.001, momentum=0.2, affine=false, track_running_stats=false)");
  CHECK(print(nn::LayerNormImpl(nn::LayerNormOptions({4, 5}))) ==
        "convis::nn::LayerNorm([4, 5], eps=1e-05, elementwise_affine=true)");
  CHECK(print(nn::DropoutImpl(0.3)) == "convis::nn::Dropout(p=0.3, inplace=false)");
  CHECK(print(nn::ReLUImpl(true)) == "convis::nn::ReLU(inplace=true)");
  CHECK(print(nn::LeakyReLUImpl()) == "convis::nn::LeakyReLU(negative_slope=0.01)");
  CHECK(print(nn::SoftplusImpl(nn::SoftplusOptions().beta(2).threshold(10))) ==
        "convis::nn::Softplus(beta=2, threshold=10)");
  CHECK(print(nn::GELUImpl(nn::GELUOptions().approximate("tanh"))) == "convis::nn::GELU()");
  CHECK(print(nn::FlattenImpl()) == "convis::nn::Flatten(start_dim=1, end_dim=-1)");
  CHECK(print(nn::IdentityImpl()) == "convis::nn::Identity()");
  CHECK(print(nn::SigmoidImpl()) == "convis::nn::Sigmoid()");
}

TEST_CASE("Sequential chains forwards; ModuleList and ModuleDict register children", "[nn][layers]") {
  auto seq = std::make_shared<nn::SequentialImpl>(std::make_shared<nn::LinearImpl>(3, 4), std::make_shared<nn::ReLUImpl>(),
                                              std::make_shared<nn::FlattenImpl>(nn::FlattenOptions().start_dim(0)));
  Tensor x = randn({2, 3});
  Tensor expected = seq->ptr<nn::LinearImpl>(0)->forward(x).relu().flatten();
  CHECK(values((*seq)(x)) == values(expected));
  CHECK(seq->size() == 3);
  CHECK_THROWS_WITH(seq->ptr<nn::LinearImpl>(1), Catch::Contains("convis::nn::ReLU"));
  CHECK_THROWS_WITH(seq->ptr(7), Catch::Contains("below the size 3"));
  auto named = std::make_shared<nn::SequentialImpl>(
      std::initializer_list<std::pair<std::string, nn::AnyModule>>{{"fc", std::make_shared<nn::LinearImpl>(2, 2)},
                                                                   {"act", std::make_shared<nn::TanhImpl>()}});
  CHECK(named->named_parameters().keys() == std::vector<std::string>{"fc.weight", "fc.bias"});
  named->push_back(std::make_shared<nn::ModuleListImpl>());
  CHECK_THROWS_WITH(named->forward(ones({1, 2})), Catch::Contains("module 2 (convis::nn::ModuleListImpl)"));

  nn::ModuleList list(std::make_shared<nn::LinearImpl>(1, 2), std::make_shared<nn::ReLUImpl>());
  list->push_back(std::make_shared<nn::LinearImpl>(2, 1));
  CHECK(list->named_parameters().keys() == std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"});
  CHECK(list->at<nn::LinearImpl>(2).options.in_features() == 2);

  auto dict = std::make_shared<nn::ModuleDictImpl>(std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>>{
      {"lin", std::make_shared<nn::LinearImpl>(1, 2)}, {"act", std::make_shared<nn::ReLUImpl>()}});
  CHECK(dict->keys() == std::vector<std::string>{"lin", "act"});
  CHECK(print(*dict) ==
        "convis::nn::ModuleDict(\n  (lin): convis::nn::Linear(in_features=1, out_features=2, bias=true)\n"
        "  (act): convis::nn::ReLU()\n)");
  dict->insert("lin", std::make_shared<nn::LinearImpl>(1, 3));
  CHECK(dict->ptr<nn::LinearImpl>("lin")->options.out_features() == 3);
  CHECK(dict->named_parameters()["lin.weight"].sizes() == Shape{3, 1});
  dict->pop("lin");
  CHECK(dict->named_children().keys() == std::vector<std::string>{"act"});
  CHECK(dict->parameters().empty());
  dict->clear();
  CHECK((dict->empty() && dict->children().empty()));
}
