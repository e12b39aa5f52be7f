// convis.h: the whole public API in one include.
//
//   #include <convis/convis.h>
//   int main() {
//     auto a = convis::randn({10, 10, 10, 10}, convis::kFloat64);
//     auto b = convis::randn({10, 10, 10, 10}, convis::kFloat64);
//     std::cout << (a + b).mean() << "\n";
//     auto w = convis::randn({3}, convis::requires_grad());
//     (w * w).sum().backward();          // w.grad() == 2 * w
//   }
//
// Layers, bottom to top (docs/ARCHITECTURE.md): core/ (tensors), kernels/ (never included
// by users), autograd/, nn/.
#pragma once

#include "convis/core/allocator.h"
#include "convis/core/conv_algorithm.h"
#include "convis/core/cpu_capability.h"
#include "convis/core/cuda.h"
#include "convis/core/device.h"
#include "convis/core/dtype.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"
#include "convis/core/format.h"
#include "convis/core/generator.h"
#include "convis/core/indexing.h"
#include "convis/core/io.h"
#include "convis/core/ops.h"
#include "convis/core/scalar.h"
#include "convis/core/shape.h"
#include "convis/core/tensor.h"
#include "convis/core/tensor_options.h"
#include "convis/core/threading.h"

#include "convis/autograd/anomaly.h"
#include "convis/autograd/engine.h"
#include "convis/autograd/function.h"
#include "convis/autograd/grad_mode.h"
#include "convis/autograd/gradcheck.h"
#include "convis/autograd/graph_print.h"

#include "convis/nn/activation.h"
#include "convis/nn/containers.h"
#include "convis/nn/data/data.h"
#include "convis/nn/distributed/distributed.h"
#include "convis/nn/conv.h"
#include "convis/nn/dropout.h"
#include "convis/nn/functional.h"
#include "convis/nn/init.h"
#include "convis/nn/linear.h"
#include "convis/nn/loss.h"
#include "convis/nn/module.h"
#include "convis/nn/normalization.h"
#include "convis/nn/optim/adagrad.h"
#include "convis/nn/optim/adam.h"
#include "convis/nn/optim/adamw.h"
#include "convis/nn/optim/lbfgs.h"
#include "convis/nn/optim/optimizer.h"
#include "convis/nn/optim/rmsprop.h"
#include "convis/nn/optim/schedulers.h"
#include "convis/nn/optim/sgd.h"
#include "convis/nn/ordered_dict.h"
#include "convis/nn/pooling.h"
#include "convis/nn/safetensors.h"
#include "convis/nn/convis/convis.h"
