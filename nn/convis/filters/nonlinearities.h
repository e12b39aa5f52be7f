// nn/convis/filters/nonlinearities.h: the static nonlinearities of the LN-type models, and
// filters::sum for combining parallel pathways.
//
//   convis::filters::NLRectifySquare nl;
//   {
//     convis::NoGradGuard no_grad;
//     nl->scale.fill_(2.0);               // Parameters, fitted like any other
//     nl->bias.fill_(-0.5);
//   }
//   Tensor r = nl->forward(x);           // clamp(-0.5 + 2 x, 0, 1e6)^2
//   Tensor both = convis::filters::sum({on, off}, 1);   // [B, 1, T, X, Y]: on + off summed over dim 1
#pragma once

#include <cstdint>
#include <vector>

#include "convis/nn/convis/layer.h"

namespace convis::filters {

// The upper bound of every rectification (the original's clamp(min = 0, max = 1e6)).
inline constexpr double kRectifyMax = 1e6;

// clamp(x, 0, 1e6).  No parameters.
class NLRectifyImpl : public Layer {
 public:
  NLRectifyImpl();
  Tensor forward(const Tensor& input) override;
};

// The three below share `scale` (1) and `bias` (0), 0-dim Parameters.
class ScaledNonlinearityImpl : public Layer {
 public:
  Tensor scale;
  Tensor bias;

 protected:
  ScaledNonlinearityImpl();
  Tensor affine(const Tensor& input) const;  // bias + scale * input
};

// clamp(bias + scale x, 0, 1e6)
class NLRectifyScaleImpl : public ScaledNonlinearityImpl {
 public:
  Tensor forward(const Tensor& input) override;
};

// (bias + scale x)^2
class NLSquareImpl : public ScaledNonlinearityImpl {
 public:
  Tensor forward(const Tensor& input) override;
};

// clamp(bias + scale x, 0, 1e6)^2
class NLRectifySquareImpl : public ScaledNonlinearityImpl {
 public:
  Tensor forward(const Tensor& input) override;
};

// Concatenates the tensors along `dim` and sums over it keeping a size-1 dim: for tensors with
// size 1 at `dim`, their element-wise sum.  Every tensor must match the others except at `dim`.
Tensor sum(const std::vector<Tensor>& tensors, int64_t dim = 0);

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(NLRectify);
CONVIS_MODULE(ScaledNonlinearity);
CONVIS_MODULE(NLRectifyScale);
CONVIS_MODULE(NLSquare);
CONVIS_MODULE(NLRectifySquare);

}  // namespace convis::filters
