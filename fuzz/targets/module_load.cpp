// fuzz/targets/module_load.cpp: Module::load (a safetensors file into load_state_dict) of a
// small network, strict and not: names, shapes and dtypes the module does not expect.
#include "../fuzz_target.h"

#include "convis/nn/containers.h"
#include "convis/nn/conv.h"
#include "convis/nn/linear.h"
#include "convis/nn/normalization.h"

CONVIS_FUZZ_TARGET(module_load, data) {
  static convis::nn::Sequential net(convis::nn::Conv1d(convis::nn::Conv1dOptions(2, 3, 3)),
                                    convis::nn::BatchNorm1d(3),
                                    convis::nn::Linear(3, 2));
  const std::string path = fuzz::input_file(data, "safetensors");
  net->load(path, /*strict=*/data.size() % 2 == 0);
}
