// nn/convis/filters/nonlinearities.h: the static nonlinearities of the LN-type models, and
// filters::sum for combining parallel pathways.
//
//   auto nl = std::make_shared<convis::filters::NLRectifySquare>();
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
class NLRectify : public Layer {
 public:
  NLRectify();
  Tensor forward(const Tensor& input) override;
};

// The three below share `scale` (1) and `bias` (0), 0-dim Parameters.
class ScaledNonlinearity : public Layer {
 public:
  Tensor scale;
  Tensor bias;

 protected:
  ScaledNonlinearity();
  Tensor affine(const Tensor& input) const;  // bias + scale * input
};

// clamp(bias + scale x, 0, 1e6)
class NLRectifyScale : public ScaledNonlinearity {
 public:
  Tensor forward(const Tensor& input) override;
};

// (bias + scale x)^2
class NLSquare : public ScaledNonlinearity {
 public:
  Tensor forward(const Tensor& input) override;
};

// clamp(bias + scale x, 0, 1e6)^2
class NLRectifySquare : public ScaledNonlinearity {
 public:
  Tensor forward(const Tensor& input) override;
};

// Concatenates the tensors along `dim` and sums over it keeping a size-1 dim: for tensors with
// size 1 at `dim`, their element-wise sum.  Every tensor must match the others except at `dim`.
Tensor sum(const std::vector<Tensor>& tensors, int64_t dim = 0);

}  // namespace convis::filters
