// nn/convis/convis.h: the convis layer model in one include (Layer, filters, models, samples).
//
//   #include "convis/nn/convis/convis.h"
//   auto conv = std::make_shared<convis::filters::Conv3d>(1, 1, Shape{10, 3, 3});
//   conv->set_weight(convis::filters::exponential_filter_1d(0.01));
#pragma once

#include "convis/nn/convis/filters/conv3d.h"
#include "convis/nn/convis/filters/conv_variants.h"
#include "convis/nn/convis/filters/kernels.h"
#include "convis/nn/convis/filters/resolution.h"
#include "convis/nn/convis/filters/time_padding.h"
