// nn/convis/models/ln.cpp: the L / LN family (ln.h).
#include "convis/nn/convis/models/ln.h"

#include <ostream>

#include "convis/core/error.h"
#include "convis/nn/convis/filters/conv_variants.h"

namespace convis::models {

Tensor rectify(const Tensor& x) { return x.clamp(0.0, 1e6); }

LambdaImpl::LambdaImpl(std::function<Tensor(const Tensor&)> fn, std::string description)
    : Layer("Lambda"), fn_(std::move(fn)), description_(std::move(description)) {
  CONVIS_CHECK(fn_ != nullptr, "Lambda", "expected a function, got an empty one");
}

Tensor LambdaImpl::forward(const Tensor& input) { return fn_(input); }

void LambdaImpl::pretty_print(std::ostream& stream) const { stream << "convis::models::Lambda(" << description_ << ")"; }

std::shared_ptr<Layer> make_rectification() { return std::make_shared<LambdaImpl>(rectify, "clamp(0, 1e6)"); }

std::shared_ptr<filters::Conv3dImpl> make_linear_stage(const Shape& kernel_dim, bool bias, bool population, bool autopad) {
  CONVIS_CHECK(kernel_dim.size() == 3 || kernel_dim.size() == 5, "models::L",
               "expected a kernel_dim of 3 values (t, x, y) or 5 values (out, in, t, x, y), got {}", kernel_dim);
  int64_t out = 1, in = 1;
  Shape k = kernel_dim;
  if (k.size() == 5) {
    out = k[0];
    in = k[1];
    k = Shape{k[2], k[3], k[4]};
  }
  if (!population) return std::make_shared<filters::RFImpl>(in, out, k, bias);
  return std::make_shared<filters::Conv3dImpl>(in, out, k, bias, /*time_pad=*/true, autopad);
}

// ---------------------------------------------------------------------------------------

LImpl::LImpl(Shape kernel_dim, bool bias, bool population) {
  conv = register_module("conv", make_linear_stage(kernel_dim, bias, population));
}

Tensor LImpl::forward(const Tensor& input) { return conv->forward(input); }

LNImpl::LNImpl(Shape kernel_dim, bool bias, bool population) : LImpl(std::move(kernel_dim), bias, population) {}

Tensor LNImpl::forward(const Tensor& input) {
  Tensor y = timed("linear", [&] { return LImpl::forward(input); });
  return timed("rectify", [&] { return rectify(y); });
}

// ---------------------------------------------------------------------------------------

LNStackImpl::LNStackImpl(int stages, const Shape& kernel_dim, bool bias, bool population) {
  CONVIS_CHECK(stages >= 1, "models::LNStack", "expected at least one stage, got {}", stages);
  for (int i = 0; i < stages; ++i) {
    const bool last = i == stages - 1;
    convs.push_back(register_module("conv" + std::to_string(i + 1),
                                    make_linear_stage(kernel_dim, bias, population || !last)));
  }
}

Tensor LNStackImpl::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& conv : convs) x = rectify(conv->forward(x));
  return x;
}

// ---------------------------------------------------------------------------------------

LNCascadeImpl::LNCascadeImpl(int64_t n, Shape kernel_dim, bool bias, bool autopad, std::shared_ptr<Layer> nonlinearity) {
  CONVIS_CHECK(n >= 0, "LNCascade", "expected n >= 0 stages, got {}", n);
  CONVIS_CHECK(kernel_dim.size() == 3, "LNCascade", "expected a kernel_dim of 3 values (t, x, y), got {}", kernel_dim);
  linearities = register_module("linearities", std::make_shared<nn::ModuleListImpl>());
  nonlinearities = register_module("nonlinearities", std::make_shared<nn::ModuleListImpl>());
  for (int64_t i = 0; i < n; ++i) add_layer(make_linear_stage(kernel_dim, bias, true, autopad), nonlinearity);
}

void LNCascadeImpl::add_layer(std::shared_ptr<Layer> linear, std::shared_ptr<Layer> nonlinear) {
  if (!linear) linear = std::make_shared<LambdaImpl>([](const Tensor& x) { return x; }, "identity");
  if (!nonlinear) nonlinear = make_rectification();
  linearities->push_back(std::move(linear));
  nonlinearities->push_back(std::move(nonlinear));
}

Tensor LNCascadeImpl::forward(const Tensor& input) {
  Tensor x = input;
  for (size_t i = 0; i < linearities->size(); ++i) {
    x = linearities->ptr<Layer>(i)->forward(x);
    x = nonlinearities->ptr<Layer>(i)->forward(x);
  }
  return x;
}

}  // namespace convis::models
