// tests/convis/test_models.cpp: the LN family, McIntosh, the containers and SampleGenerator
// (docs/convis-toolbox.md 1.8; section 2 items 1, 16, 18, 24, 25).
#include <cstdio>

#include "helpers.h"

using namespace convis;
using namespace convis::models;
using convis_test::values;

namespace {

std::vector<std::string> keys_of(const nn::OrderedDict<std::string, Tensor>& d) {
  std::vector<std::string> out;
  for (const auto& item : d) out.push_back(item.key());
  return out;
}

// A chunked run (after clear_state) against the one-call output of a cleared model.
void check_chunk_equivalence(Layer& model, const Tensor& x, const std::vector<int64_t>& chunk_sizes, double atol) {
  model.clear_state();
  Tensor whole = model(x);
  for (int64_t dt : chunk_sizes) {
    INFO("dt = " << dt);
    model.clear_state();
    Tensor chunked = model.run(x, dt)[0];
    CHECK_ALLCLOSE_TOL(chunked, whole, 0.0, atol);
  }
  model.clear_state();
}

}  // namespace

TEST_CASE("LN: (T,X,Y) in, [1,1,T,X,Y] out, a Conv3d with zero weight and no bias as `conv`", "[convis][models]") {
  LN ln(Shape{5, 3, 3});
  CHECK(ln->dims() == 5);
  CHECK(ln->conv->kernel_size() == Shape{5, 3, 3});
  CHECK_FALSE(ln->conv->bias.defined());
  CHECK(ln->conv->weight.abs().sum().item<double>() == 0.0);
  CHECK((*ln)(rand({20, 8, 8})).sizes() == Shape{1, 1, 20, 8, 8});
  CHECK(ln->run(rand({20, 8, 8}), 7)[0].sizes() == Shape{1, 1, 20, 8, 8});
  CHECK(keys_of(ln->get_parameters()) == std::vector<std::string>{"conv_weight"});
  CHECK(keys_of(ln->named_parameters()) == std::vector<std::string>{"conv.weight"});
  CHECK(keys_of(std::make_shared<LNImpl>(Shape{5, 3, 3}, true)->get_parameters()) ==
        std::vector<std::string>{"conv_weight", "conv_bias"});
  // a 5-D kernel_dim gives (out, in) channels
  L multi(Shape{2, 3, 4, 1, 1});
  CHECK(multi->conv->weight.sizes() == Shape{2, 3, 4, 1, 1});
  CHECK(multi->forward(rand({1, 3, 6, 5, 5})).sizes() == Shape{1, 2, 6, 5, 5});
  CHECK_THROWS_WITH(LNImpl(Shape{5, 3}), Catch::Contains("[models::L] expected a kernel_dim of 3 values"));
}

TEST_CASE("LN rectifies to [0, 1e6]; L is the bare convolution", "[convis][models]") {
  manual_seed(3);
  Tensor kernel = randn({3, 3, 3});
  L l(Shape{3, 3, 3});
  LN ln(Shape{3, 3, 3});
  l->conv->set_weight(kernel);
  ln->conv->set_weight(kernel);
  Tensor x = randn({12, 6, 6});
  Tensor linear = (*l)(x);
  Tensor rectified = (*ln)(x);
  CHECK(linear.min().item<double>() < 0.0);
  CHECK(rectified.min().item<double>() == 0.0);
  CHECK_ALLCLOSE(rectified, linear.clamp(0.0, 1e6));
  // the upper bound: a huge input saturates at 1e6
  ln->clear_state();
  LN big;
  big->conv->set_weight(1.0);
  CHECK(values((*big)(full({2, 2, 2}, 1e9))) == std::vector<double>(8, 1e6));
  CHECK(values((*big)(full({1, 2, 2}, -5.0))) == std::vector<double>(4, 0.0));
}

TEST_CASE("RF and RFN read out one time series, sized to the input (item 16)", "[convis][models]") {
  manual_seed(4);
  Tensor x = rand({200, 20, 20});
  RF rf;
  Tensor out = (*rf)(x);
  CHECK(out.sizes() == Shape{1, 1, 200, 1, 1});
  CHECK(rf->conv->weight.sizes() == Shape{1, 1, 1, 20, 20});
  CHECK(rf->conv->weight.sum().item<double>() == Approx(1.0));
  CHECK_ALLCLOSE(out.reshape({200}), x.mean({1, 2}));
  RFN rfn(Shape{10, 1, 1});
  CHECK((*rfn)(x).sizes() == Shape{1, 1, 200, 1, 1});
  CHECK(dynamic_cast<filters::RFImpl*>(rfn->conv.get()) != nullptr);
  CHECK(dynamic_cast<filters::RFImpl*>(std::make_shared<LNImpl>()->conv.get()) == nullptr);
  // population = false on L / LN gives the same
  CHECK((*std::make_shared<LNImpl>(Shape{1, 1, 1}, false, false))(x).sizes() == Shape{1, 1, 200, 1, 1});
}

TEST_CASE("LNLN, LNLNLN, LNLNLNLN: stages conv1 ... convN, the last an RF without population",
          "[convis][models]") {
  LNLN lnln(Shape{3, 3, 3});
  CHECK(keys_of(lnln->get_parameters()) == std::vector<std::string>{"conv1_weight", "conv2_weight"});
  CHECK(lnln->conv1 == lnln->convs[0]);
  CHECK(lnln->forward(rand({1, 1, 9, 5, 5})).sizes() == Shape{1, 1, 9, 5, 5});
  LNLNLNLN four(Shape{2, 1, 1}, false, false);
  CHECK(four->convs.size() == 4);
  CHECK(dynamic_cast<filters::RFImpl*>(four->conv4.get()) != nullptr);
  CHECK(dynamic_cast<filters::RFImpl*>(four->conv3.get()) == nullptr);
  CHECK((*four)(rand({9, 5, 5})).sizes() == Shape{1, 1, 9, 1, 1});
  CHECK(std::make_shared<LNLNLNImpl>()->get_parameters().size() == 3);
  // two stages compose: LNLN = LN(LN(x)) with the same kernels
  manual_seed(5);
  Tensor k1 = randn({3, 3, 3}), k2 = randn({3, 3, 3}), x = randn({10, 6, 6});
  lnln->conv1->set_weight(k1);
  lnln->conv2->set_weight(k2);
  LN a(Shape{3, 3, 3});
  LN b(Shape{3, 3, 3});
  a->conv->set_weight(k1);
  b->conv->set_weight(k2);
  lnln->clear_state();
  CHECK_ALLCLOSE((*lnln)(x), b->forward(a->forward(x.reshape({1, 1, 10, 6, 6}))));
}

TEST_CASE("LNCascade: n stages, add_layer, identity and default rectification", "[convis][models]") {
  LNCascade cascade(2, Shape{3, 1, 1});
  CHECK(cascade->size() == 2);
  CHECK(keys_of(cascade->get_parameters()) ==
        std::vector<std::string>{"linearities_0_weight", "linearities_1_weight"});
  CHECK(cascade->parameter_doc("linearities.0.weight") != "");
  cascade->linearities->ptr<filters::Conv3dImpl>(0)->set_weight(1.0);
  cascade->linearities->ptr<filters::Conv3dImpl>(1)->set_weight(tensor({1.0, -2.0, 0.0}));
  // an identity stage with a custom nonlinearity
  cascade->add_layer(nullptr, std::make_shared<LambdaImpl>([](const Tensor& x) { return x * 2.0; }, "double"));
  CHECK(cascade->size() == 3);
  Tensor x = tensor({1.0, 2.0, 3.0, 0.5, 0.0});
  // stage 1: y[t] = x[t] + x[t-1] + x[t-2] (frame 0 repeated), rectified
  // stage 2: z[t] = y[t] - 2 y[t-1], rectified; stage 3: 2 z
  std::vector<double> y = {3, 4, 6, 5.5, 3.5};
  std::vector<double> expected;
  for (size_t t = 0; t < y.size(); ++t) expected.push_back(2.0 * std::max(0.0, y[t] - 2.0 * y[t == 0 ? 0 : t - 1]));
  auto got = values((*cascade)(x));
  REQUIRE(got.size() == expected.size());
  for (size_t t = 0; t < got.size(); ++t) CHECK(got[t] == Approx(expected[t]));
  CHECK(std::make_shared<LNCascadeImpl>()->forward(-ones({1, 1, 2, 1, 1})).sizes() == Shape{1, 1, 2, 1, 1});
  CHECK_THROWS_WITH(LNCascadeImpl(-1), Catch::Contains("[LNCascade] expected n >= 0"));
}

TEST_CASE("McIntosh: [1,1,T,1,out_channels] with a readout over 16*20*20 features (item 24)",
          "[convis][models]") {
  manual_seed(6);
  McIntosh m;
  CHECK(m->layer1->weight.sizes() == Shape{8, 1, 10, 5, 5});
  CHECK(m->layer2->weight.sizes() == Shape{16, 8, 1, 1, 1});
  CHECK(m->layer1->weight.sum().item<double>() == Approx(1.0));
  CHECK(m->layer2->weight.sum().item<double>() == Approx(1.0));
  CHECK(m->layer1->weight.min().item<double>() >= 0.0);
  Tensor x = rand({30, 20, 20});
  Tensor y = (*m)(x);
  CHECK(y.sizes() == Shape{1, 1, 30, 1, 1});
  CHECK(m->readout->weight.sizes() == Shape{1, 6400});
  CHECK(m->readout->weight.min().item<double>() == 1.0);
  // with a weight of ones the readout sums every rectified feature
  m->clear_state();
  Tensor a = m->layer2->forward(m->layer1->forward(x.reshape({1, 1, 30, 20, 20})).relu()).relu();
  CHECK_ALLCLOSE_TOL(y.reshape({30}), a.sum({0, 1, 3, 4}), 1e-5, 1e-4);
  CHECK(keys_of(m->get_parameters()) == std::vector<std::string>{"layer1_weight", "layer1_bias", "layer2_weight",
                                                                   "layer2_bias", "readout_weight"});
  // several output channels; another frame size re-creates the readout
  McIntosh m3(Shape{4, 3, 3}, true, 3);
  CHECK((*m3)(rand({5, 6, 7})).sizes() == Shape{1, 1, 5, 1, 3});
  CHECK(m3->readout->weight.sizes() == Shape{3, 16 * 6 * 7});
  m3->clear_state();
  CHECK((*m3)(rand({5, 4, 4})).sizes() == Shape{1, 1, 5, 1, 3});
  CHECK(m3->readout->weight.sizes() == Shape{3, 16 * 4 * 4});
  m3->resize_readout(2, 2);
  CHECK(m3->readout->weight.sizes() == Shape{3, 64});
  // every parameter has a doc string, the re-created readout too
  for (const auto& item : m3->named_parameters()) CHECK(m3->parameter_doc(item.key()) != "");
  CHECK_THROWS_WITH(m3->readout->set_parameter_doc("nope", "x"), Catch::Contains("[set_parameter_doc] expected a parameter"));
  // without random_init the kernels stay zero
  CHECK(std::make_shared<McIntoshImpl>(Shape{2, 1, 1}, false)->layer1->weight.abs().sum().item<double>() == 0.0);
}

TEST_CASE("Chunked runs equal one call for LN, LNLN, LNCascade and McIntosh", "[convis][models]") {
  manual_seed(7);
  const std::vector<int64_t> sizes = {1, 2, 3, 7, 10, 40};
  Tensor x = rand({40, 7, 6}, kFloat64);
  SECTION("LN") {
    LN ln(Shape{5, 3, 3}, true);
    ln->to(kFloat64);
    ln->conv->set_weight(randn({5, 3, 3}, kFloat64));
    check_chunk_equivalence(*ln, x, sizes, 1e-12);
  }
  SECTION("LNLN") {
    LNLN lnln(Shape{4, 3, 2});
    lnln->to(kFloat64);
    lnln->conv1->set_weight(randn({4, 3, 2}, kFloat64));
    lnln->conv2->set_weight(rand({4, 3, 2}, kFloat64));
    check_chunk_equivalence(*lnln, x, sizes, 1e-12);
  }
  SECTION("LNCascade") {
    LNCascade cascade(3, Shape{3, 2, 2});
    cascade->to(kFloat64);
    for (size_t i = 0; i < 3; ++i) cascade->linearities->ptr<filters::Conv3dImpl>(i)->set_weight(randn({3, 2, 2}, kFloat64));
    check_chunk_equivalence(*cascade, x, sizes, 1e-12);
  }
  SECTION("McIntosh") {
    McIntosh m(Shape{6, 3, 3}, true, 2, Shape{2, 1, 1});
    m->to(kFloat64);
    check_chunk_equivalence(*m, x, sizes, 1e-10);
  }
  SECTION("float32 LN, tolerance 1e-6") {
    LN ln(Shape{5, 3, 3});
    ln->conv->set_weight(rand({5, 3, 3}));
    check_chunk_equivalence(*ln, rand({40, 7, 6}), sizes, 1e-6);
  }
}

TEST_CASE("get_parameters / save_parameters / load_parameters reproduce outputs (item 18)", "[convis][models]") {
  manual_seed(8);
  const std::string path = "convis_test_models_params.npz";
  Tensor x = rand({12, 6, 6});
  LNLN lnln(Shape{3, 3, 3}, true);
  lnln->conv1->set_weight(randn({3, 3, 3}));
  lnln->conv2->set_weight(rand({3, 3, 3}));
  {
    NoGradGuard no_grad;
    lnln->conv1->bias.fill_(0.25);
  }
  Tensor before = (*lnln)(x);
  lnln->save_parameters(path);
  LNLN fresh(Shape{3, 3, 3}, true);
  CHECK(fresh->load_parameters(path).empty());
  CHECK_ALLCLOSE((*fresh)(x), before);
  // an LN takes what fits (conv_weight is not in the file) and reports the rest
  LN ln(Shape{3, 3, 3});
  CHECK(ln->load_parameters(path).size() == 4);
  CHECK_THROWS(ln->load_parameters(path, /*strict=*/true));
  // McIntosh: the readout round-trips once it has its size
  McIntosh m(Shape{3, 3, 3});
  Tensor mo = (*m)(x);
  m->save_parameters(path);
  McIntosh m2(Shape{3, 3, 3});
  m2->resize_readout(6, 6);
  CHECK(m2->load_parameters(path).empty());
  CHECK_ALLCLOSE((*m2)(x), mo);
  std::remove(path.c_str());
}

TEST_CASE("List and Parallel: sequential and combined parallel outputs", "[convis][models]") {
  manual_seed(9);
  LN a(Shape{2, 1, 1});
  L b(Shape{1, 3, 3});
  a->conv->set_weight(tensor({1.0, 0.5}));
  b->conv->set_weight(rand({1, 3, 3}));
  Tensor x = randn({1, 1, 8, 5, 5});
  Tensor ya = a->forward(x), yb = b->forward(x);
  a->clear_state();
  List seq(std::vector<std::shared_ptr<Layer>>{a, b});
  CHECK(keys_of(seq->get_parameters()) == std::vector<std::string>{"layer_0_conv_weight", "layer_1_conv_weight"});
  CHECK_ALLCLOSE((*seq)(x), b->forward(ya));
  const std::vector<std::shared_ptr<Layer>> both = {a, b};
  a->clear_state();
  CHECK_ALLCLOSE((*std::make_shared<ParallelImpl>(both, "cat"))(x), cat({ya, yb}, 0));
  a->clear_state();
  CHECK_ALLCLOSE((*std::make_shared<ParallelImpl>(both, "cat_1"))(x), cat({ya, yb}, 1));
  a->clear_state();
  CHECK_ALLCLOSE((*std::make_shared<ListImpl>(both, ListImpl::Mode::parallel, "sum"))(x), ya + yb);
  a->clear_state();
  Tensor s1 = (*std::make_shared<ParallelImpl>(both, "sum_1"))(x);
  CHECK(s1.sizes() == Shape{1, 1, 8, 5, 5});
  CHECK_ALLCLOSE(s1, ya + yb);
  a->clear_state();
  Parallel custom(both, [](const std::vector<Tensor>& o) { return o[0] - o[1]; });
  CHECK_ALLCLOSE((*custom)(x), ya - yb);
  // chunked runs through a container are exact
  check_chunk_equivalence(*custom, x, {1, 3, 8}, 1e-6);
  // alternating nests
  L c(Shape{1, 1, 1});
  c->conv->set_weight(3.0);
  Tensor yc = c->forward(x);
  a->clear_state();
  auto sp = make_sequential_parallel_model({{a}, {b, c}}, "cat_1");
  CHECK(keys_of(sp->get_parameters()) ==
        std::vector<std::string>{"layer_0_conv_weight", "layer_1_layer_0_conv_weight", "layer_1_layer_1_conv_weight"});
  CHECK_ALLCLOSE((*sp)(x), cat({b->forward(ya), c->forward(ya)}, 1));
  a->clear_state();
  CHECK_ALLCLOSE((*make_parallel_sequential_model({{a, b}, {c}}, "sum_1"))(x), b->forward(ya) + yc);
  CHECK_THROWS_WITH(make_parallel_sequential_model({{}}), Catch::Contains("expected a non-empty group"));
  CHECK_THROWS_WITH(ParallelImpl(both, "mean"), Catch::Contains("[List] expected a combination"));
  CHECK_THROWS_WITH(ParallelImpl()(x), Catch::Contains("[Parallel] expected at least one layer"));
  CHECK_THROWS_WITH((*seq)[2], Catch::Contains("[List] expected an index below the size 2, got 2"));
}

TEST_CASE("SampleGenerator: a fixed random LN teacher without gradients", "[convis][models]") {
  manual_seed(10);
  SampleGenerator gen(Shape{5, 3, 3}, 50);
  CHECK(gen.model->conv->kernel_size() == Shape{5, 3, 3});
  for (const Tensor& p : gen.model->parameters()) CHECK_FALSE(p.requires_grad());
  auto [x, y] = gen.generate(Shape{60, 6, 6});
  CHECK(x.sizes() == Shape{60, 6, 6});
  CHECK(y.sizes() == Shape{1, 1, 60, 6, 6});
  CHECK_FALSE(y.requires_grad());
  CHECK(x.min().item<double>() >= 0.0);
  CHECK(x.max().item<double>() < 1.0);
  CHECK(y.min().item<double>() >= 0.0);
  CHECK(y.max().item<double>() > 0.0);
  // the same input gives the same output (the state is cleared)
  CHECK_ALLCLOSE(gen.generate(x).second, y);
  // a given kernel is the impulse response
  SampleGenerator delta(tensor({0.0, 1.0, 0.0}).reshape({3, 1, 1}), 2);
  Tensor ramp = arange(6.0).reshape({6, 1, 1});
  CHECK(values(delta.generate(ramp).second) == std::vector<double>{0, 0, 1, 2, 3, 4});
  CHECK_THROWS_WITH(SampleGenerator(Shape{5, 3}), Catch::Contains("[SampleGenerator] expected a kernel"));
}

TEST_CASE("Gradients of LNLN and McIntosh parameters match finite differences (f64)", "[convis][models]") {
  manual_seed(12);
  LNLN lnln(Shape{2, 2, 2}, true);
  lnln->to(kFloat64);
  lnln->conv1->set_weight(randn({2, 2, 2}, kFloat64));
  lnln->conv2->set_weight(rand({2, 2, 2}, kFloat64));
  Tensor x = randn({1, 1, 6, 3, 3}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto lnln_fn = [&](const autograd::variable_list& in) -> Tensor {
    lnln->clear_state();
    return lnln->forward(in[2]);
  };
  auto r = autograd::gradcheck(lnln_fn, {lnln->conv1->weight, lnln->conv2->weight, x, lnln->conv1->bias});
  INFO(r.message);
  CHECK(r.ok);
  McIntosh m(Shape{2, 2, 2}, true, 2, Shape{1, 1, 1}, 3, 4);
  m->to(kFloat64);
  m->resize_readout(3, 3);
  {
    NoGradGuard no_grad;
    m->readout->weight.copy_(randn({2, 36}, kFloat64));
  }
  Tensor xm = rand({1, 1, 4, 3, 3}, TensorOptions().dtype(kFloat64).requires_grad(true));
  auto m_fn = [&](const autograd::variable_list& in) -> Tensor {
    m->clear_state();
    return m->forward(in[0]);
  };
  auto rm = autograd::gradcheck(m_fn, {xm, m->layer1->weight, m->layer2->weight, m->readout->weight});
  INFO(rm.message);
  CHECK(rm.ok);
}
