// nn/convis/models/mcintosh.cpp: McIntosh (Note [McIntosh readout] in mcintosh.h).
#include "convis/nn/convis/models/mcintosh.h"

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"

namespace convis::models {

McIntoshImpl::McIntoshImpl(Shape filter_size, bool random_init, int64_t out_channels_, Shape filter_2_size,
                   int64_t layer1_channels, int64_t layer2_channels)
    : out_channels(out_channels_) {
  CONVIS_CHECK(out_channels >= 1 && layer1_channels >= 1 && layer2_channels >= 1, "McIntosh",
               "expected positive channel counts, got out_channels={}, layer1_channels={}, layer2_channels={}",
               out_channels, layer1_channels, layer2_channels);
  CONVIS_CHECK(filter_size.size() == 3 && filter_2_size.size() == 3, "McIntosh",
               "expected filter sizes of three values (t, x, y), got {} and {}", filter_size, filter_2_size);
  layer1 = register_module("layer1", std::make_shared<filters::Conv3dImpl>(1, layer1_channels, filter_size));
  layer2 = register_module("layer2", std::make_shared<filters::Conv3dImpl>(layer1_channels, layer2_channels, filter_2_size));
  if (random_init) {
    layer1->set_weight(rand({layer1_channels, 1, filter_size[0], filter_size[1], filter_size[2]}), /*normalize=*/true);
    layer2->set_weight(rand({layer2_channels, layer1_channels, filter_2_size[0], filter_2_size[1], filter_2_size[2]}),
                       /*normalize=*/true);
  }
  readout = register_module("readout", std::make_shared<nn::LinearImpl>(nn::LinearOptions(1, out_channels).bias(false)));
  document_readout();
}

void McIntoshImpl::document_readout() {
  readout->set_parameter_doc("weight", "readout weights, one per feature (channel, x, y) and output channel; "
                                       "re-created as ones when the frame size changes");
}

void McIntoshImpl::ensure_readout(int64_t features) {
  if (readout->weight.size(1) == features) return;
  auto fresh = std::make_shared<nn::LinearImpl>(nn::LinearOptions(features, out_channels).bias(false));
  fresh->to(layer2->weight.dtype());
  {
    NoGradGuard no_grad;
    fresh->weight.fill_(1.0);
  }
  readout = replace_module("readout", fresh);
  document_readout();
}

void McIntoshImpl::resize_readout(int64_t x, int64_t y) {
  CONVIS_CHECK(x >= 1 && y >= 1, "McIntosh::resize_readout", "expected a positive frame size, got {} x {}", x, y);
  ensure_readout(layer2->out_channels() * x * y);
}

Tensor McIntoshImpl::forward(const Tensor& input) {
  Tensor a = timed("layer1", [&] { return layer1->forward(input).relu(); });
  a = timed("layer2", [&] { return layer2->forward(a).relu(); });
  // [B, C, T, X, Y] -> [B, T, C, X, Y] -> [B, 1, T, 1, C*X*Y]: features ordered (channel, x, y)
  const int64_t B = a.size(0), C = a.size(1), T = a.size(2), X = a.size(3), Y = a.size(4);
  Tensor features = a.permute({0, 2, 1, 3, 4}).reshape({B, 1, T, 1, C * X * Y});
  ensure_readout(C * X * Y);
  return timed("readout", [&] { return readout->forward(features); });
}

}  // namespace convis::models
