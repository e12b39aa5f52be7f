// nn/convis/models/lnfdlnf.h: the LN - feedback - delay - LN - feedback model of the toolbox
// (docs/convis-toolbox.md 1.8, LNFDLNF, alias LNFDSNF).
//
//   using namespace convis::models;
//   LNFDLNF m(Shape{5, 3, 3});
//   m->conv1->set_weight(k1);  m->conv2->set_weight(k2);
//   m->feedback1->set_weight(convis::filters::exponential_filter_1d(0.01));   // 47 taps of 50
//   m->delay->delays = ...;                                                    // per pixel, frames
//   Tensor y = (*m)(video);                                                    // [1, 1, T, X, Y]
//
// Note [LNFDLNF feedback]
// x1 = rectify(conv1(x)); x2 = x1 - feedback1(x1); x3 = delay(x2); x4 = rectify(conv2(x3));
// output = x4 - feedback2(x4).  The "feedback" stages are causal temporal Conv3d's of
// feedback_length taps (zero weight at first, so the model starts as LN-delay-LN) applied to
// the signal they are subtracted from: feed-forward in the implementation, as in the original.
// Every stage keeps its history, so chunked runs are exact.  With population = false conv2 is
// an RF and the output a single time series [1, 1, T, 1, 1].
#pragma once

#include <cstdint>
#include <memory>

#include "convis/nn/convis/filters/conv3d.h"
#include "convis/nn/convis/filters/delay.h"
#include "convis/nn/convis/layer.h"

namespace convis::models {

class LNFDLNFImpl : public Layer {
 public:
  explicit LNFDLNFImpl(Shape kernel_dim = {1, 1, 1}, bool bias = false, int64_t feedback_length = 50,
                   bool population = true);
  Tensor forward(const Tensor& input) override;

  std::shared_ptr<filters::Conv3dImpl> conv1, feedback1;
  std::shared_ptr<filters::VariableDelayImpl> delay;
  std::shared_ptr<filters::Conv3dImpl> conv2, feedback2;
};
using LNFDSNFImpl = LNFDLNFImpl;  // the original's alias

// The holders (Note [Module holders] in nn/module_holder.h).
CONVIS_MODULE(LNFDLNF);
using LNFDSNF = LNFDLNF;  // the original's name

}  // namespace convis::models
