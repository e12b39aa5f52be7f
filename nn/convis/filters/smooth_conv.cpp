// nn/convis/filters/smooth_conv.cpp: SmoothConv.
#include "convis/nn/convis/filters/smooth_conv.h"

#include <string>

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/ops.h"

namespace convis::filters {

SmoothConvImpl::SmoothConvImpl(int64_t n, double tau, Shape spatial_filter) {
  CONVIS_CHECK(n >= 1, "SmoothConv", "expected at least one stage, got n={}", n);
  CONVIS_CHECK(tau > 0, "SmoothConv", "expected a positive time constant, got tau={}", tau);
  CONVIS_CHECK(spatial_filter.size() == 2 && spatial_filter[0] >= 1 && spatial_filter[1] >= 1, "SmoothConv",
               "expected a spatial_filter of two positive sizes (x, y), got {}", spatial_filter);
  for (int64_t i = 0; i < n; ++i) {
    auto lp = register_module("e_" + std::to_string(i), std::make_shared<TemporalLowPassFilterRecursiveImpl>());
    {
      NoGradGuard no_grad;
      lp->tau.fill_(tau);
    }
    lp->tau.requires_grad_(false);  // not trainable, as in the original
    e.push_back(lp);
    auto conv = register_module("g_" + std::to_string(i),
                                std::make_shared<Conv3dImpl>(1, 1, Shape{1, spatial_filter[0], spatial_filter[1]}));
    conv->set_weight(rand({spatial_filter[0], spatial_filter[1]}));
    g.push_back(conv);
  }
}

std::vector<Tensor> SmoothConvImpl::components(const Tensor& input) {
  std::vector<Tensor> out;
  Tensor y = input;
  for (size_t i = 0; i < e.size(); ++i) {
    y = e[i]->forward(y);
    out.push_back(g[i]->forward(y));
  }
  return out;
}

Tensor SmoothConvImpl::forward(const Tensor& input) {
  std::vector<Tensor> parts = components(input);
  Tensor total = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) total = total + parts[i];
  return total;
}

Tensor SmoothConvImpl::get_all_components(const Tensor& input) { return cat(components(prepare_input(input)), 1); }

}  // namespace convis::filters
