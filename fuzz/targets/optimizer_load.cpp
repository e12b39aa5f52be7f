// fuzz/targets/optimizer_load.cpp: Optimizer::load (a safetensors file of step counts, buffers
// and per-group numbers) into Adam and SGD over two parameters.
#include "../fuzz_target.h"

#include "convis/core/factory.h"
#include "convis/nn/optim/adam.h"
#include "convis/nn/optim/sgd.h"

CONVIS_FUZZ_TARGET(optimizer_load, data) {
  static std::vector<convis::Tensor> params{convis::zeros({3, 2}).requires_grad_(true),
                                            convis::zeros({4}).requires_grad_(true)};
  static convis::optim::Adam adam(params, convis::optim::AdamOptions(0.01).amsgrad(true));
  static convis::optim::SGD sgd(params, convis::optim::SGDOptions(0.1).momentum(0.9));
  const std::string path = fuzz::input_file(data, "safetensors");
  if (data.size() % 2 == 0) {
    adam.load(path);
  } else {
    sgd.load(path);
  }
}
