// nn/convis/convis.h: everything of the convis layer model in one include.
//
//   #include "convis/nn/convis/convis.h"
//   convis::models::Retina retina;
//   convis::Output spikes = retina->run(convis::samples::moving_bar(2000, 50, 50), 100);
#pragma once

#include "convis/nn/convis/filters/conv3d.h"
#include "convis/nn/convis/filters/conv_variants.h"
#include "convis/nn/convis/filters/delay.h"
#include "convis/nn/convis/filters/exponential_kernel.h"
#include "convis/nn/convis/filters/kernels.h"
#include "convis/nn/convis/filters/nonlinearities.h"
#include "convis/nn/convis/filters/recursive.h"
#include "convis/nn/convis/filters/resolution.h"
#include "convis/nn/convis/filters/smooth_conv.h"
#include "convis/nn/convis/filters/time_padding.h"
#include "convis/nn/convis/layer.h"
#include "convis/nn/convis/output.h"
#include "convis/nn/convis/samples.h"
#include "convis/nn/convis/image_sequence.h"
#include "convis/nn/convis/inr.h"
#include "convis/nn/convis/streams.h"
#include "convis/nn/convis/video.h"
#include "convis/nn/convis/models/containers.h"
#include "convis/nn/convis/models/ln.h"
#include "convis/nn/convis/models/lnfdlnf.h"
#include "convis/nn/convis/models/mcintosh.h"
#include "convis/nn/convis/models/sample_generator.h"
#include "convis/nn/convis/retina/bipolar.h"
#include "convis/nn/convis/retina/config.h"
#include "convis/nn/convis/retina/ganglion.h"
#include "convis/nn/convis/retina/opl.h"
#include "convis/nn/convis/retina/retina.h"
