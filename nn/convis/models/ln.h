// nn/convis/models/ln.h: linear / linear-nonlinear models of the toolbox (docs/convis-toolbox.md
// 1.8): L, LN, RF, RFN, the stacked LNLN, LNLNLN, LNLNLNLN and the open LNCascade.
//
//   using namespace convis::models;
//   LN ln(Shape{5, 3, 3});   // Conv3d 1 -> 1, zero weight, no bias
//   ln->conv->set_weight(kernel);                      // kernel (5, 3, 3): its impulse response
//   Tensor y = (*ln)(video);                           // (20, 8, 8) -> [1, 1, 20, 8, 8], in [0, 1e6]
//   RFN rf(Shape{10, 1, 1}); // one time series: [1, 1, T, 1, 1]
//   LNCascade cascade(3, Shape{5, 1, 1});
//   cascade->add_layer(convis::filters::Conv3d(1, 1, Shape{1, 3, 3}));   // a holder converts
//   ln->get_parameters();                              // {"conv_weight": ...}
//
// Every model here is a Layer with dims 5: (T, X, Y) input becomes [1, 1, T, X, Y], chunked
// runs are exact (the convolutions keep their history, the nonlinearities are stateless).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "convis/nn/containers.h"
#include "convis/nn/convis/filters/conv3d.h"
#include "convis/nn/convis/layer.h"

namespace convis::models {

// The LN-family rectification: clamp to [0, 1e6] (docs/convis-toolbox.md section 2 item 25).
Tensor rectify(const Tensor& x);

// A stateless layer from a function (the original models use Python lambdas as stages).
//   Lambda square([](const Tensor& x) { return x * x; }, "square");
class LambdaImpl : public Layer {
 public:
  explicit LambdaImpl(std::function<Tensor(const Tensor&)> fn, std::string description = "lambda");
  Tensor forward(const Tensor& input) override;
  void pretty_print(std::ostream& stream) const override;

 private:
  std::function<Tensor(const Tensor&)> fn_;
  std::string description_;
};

// Lambda(rectify), the default nonlinearity of the cascades.
std::shared_ptr<Layer> make_rectification();

// The convolution of one L stage.  kernel_dim: (t, x, y) for 1 -> 1 channel, or 5 values
// (out, in, t, x, y).  population: a same-size Conv3d; otherwise an RF (one output pixel).
std::shared_ptr<filters::Conv3dImpl> make_linear_stage(const Shape& kernel_dim, bool bias, bool population,
                                                   bool autopad = true);

// One convolution, no nonlinearity.  population = false reads out one pixel (an RF).
class LImpl : public Layer {
 public:
  explicit LImpl(Shape kernel_dim = {1, 1, 1}, bool bias = false, bool population = true);
  Tensor forward(const Tensor& input) override;

  std::shared_ptr<filters::Conv3dImpl> conv;  // a filters::RF when population = false
};

// L followed by the rectification clamp(0, 1e6).
class LNImpl : public LImpl {
 public:
  explicit LNImpl(Shape kernel_dim = {1, 1, 1}, bool bias = false, bool population = true);
  Tensor forward(const Tensor& input) override;
};

// L and LN with population = false: a receptive field read out as one time series.
class RFImpl : public LImpl {
 public:
  explicit RFImpl(Shape kernel_dim = {1, 1, 1}, bool bias = false, bool population = false)
      : LImpl(std::move(kernel_dim), bias, population) {}
};
class RFNImpl : public LNImpl {
 public:
  explicit RFNImpl(Shape kernel_dim = {1, 1, 1}, bool bias = false, bool population = false)
      : LNImpl(std::move(kernel_dim), bias, population) {}
};

// n stages of (convolution, rectification), all with kernel_dim, registered as conv1 ... convN;
// with population = false the last convolution is an RF.
class LNStackImpl : public Layer {
 public:
  LNStackImpl(int stages, const Shape& kernel_dim, bool bias, bool population);
  Tensor forward(const Tensor& input) override;

  std::vector<std::shared_ptr<filters::Conv3dImpl>> convs;  // convs[0] is conv1
};

class LNLNImpl : public LNStackImpl {
 public:
  explicit LNLNImpl(const Shape& kernel_dim = {1, 1, 1}, bool bias = false, bool population = true)
      : LNStackImpl(2, kernel_dim, bias, population), conv1(convs[0]), conv2(convs[1]) {}
  std::shared_ptr<filters::Conv3dImpl> conv1, conv2;
};
using LNSNImpl = LNLNImpl;  // the original's alias

class LNLNLNImpl : public LNStackImpl {
 public:
  explicit LNLNLNImpl(const Shape& kernel_dim = {1, 1, 1}, bool bias = false, bool population = true)
      : LNStackImpl(3, kernel_dim, bias, population), conv1(convs[0]), conv2(convs[1]), conv3(convs[2]) {}
  std::shared_ptr<filters::Conv3dImpl> conv1, conv2, conv3;
};

class LNLNLNLNImpl : public LNStackImpl {
 public:
  explicit LNLNLNLNImpl(const Shape& kernel_dim = {1, 1, 1}, bool bias = false, bool population = true)
      : LNStackImpl(4, kernel_dim, bias, population),
        conv1(convs[0]), conv2(convs[1]), conv3(convs[2]), conv4(convs[3]) {}
  std::shared_ptr<filters::Conv3dImpl> conv1, conv2, conv3, conv4;
};

// Note [LNCascade stages]
// linearities[i] then nonlinearities[i], for every i.  The constructor adds n stages of a
// Conv3d(1, 1, kernel_dim, bias, time_pad, autopad) each, with `nonlinearity` (nullptr: the
// rectification).  add_layer(linear, nonlinear): a null linear stage is the identity, a null
// nonlinearity the rectification.  One nonlinearity object given to the constructor serves
// every stage (as in the original); give stateless nonlinearities only.  Parameters are named
// by position: linearities.0.weight (flat linearities_0_weight).
class LNCascadeImpl : public Layer {
 public:
  explicit LNCascadeImpl(int64_t n = 0, Shape kernel_dim = {1, 1, 1}, bool bias = false, bool autopad = true,
                     std::shared_ptr<Layer> nonlinearity = nullptr);
  Tensor forward(const Tensor& input) override;
  void add_layer(std::shared_ptr<Layer> linear = nullptr, std::shared_ptr<Layer> nonlinear = nullptr);
  size_t size() const { return linearities->size(); }

  std::shared_ptr<nn::ModuleListImpl> linearities;
  std::shared_ptr<nn::ModuleListImpl> nonlinearities;
};

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(RF);
CONVIS_MODULE(Lambda);
CONVIS_MODULE(L);
CONVIS_MODULE(LN);
CONVIS_MODULE(RFN);
CONVIS_MODULE(LNStack);
CONVIS_MODULE(LNLN);
using LNSN = LNLN;  // the original's name
CONVIS_MODULE(LNLNLN);
CONVIS_MODULE(LNLNLNLN);
CONVIS_MODULE(LNCascade);

}  // namespace convis::models
