// fuzz/targets/layer_parameters.cpp: Layer::load_parameters (an .npz by flat parameter names)
// into an LN model.
#include "../fuzz_target.h"

#include "convis/nn/convis/models/ln.h"

CONVIS_FUZZ_TARGET(layer_parameters, data) {
  static convis::models::LN ln(convis::Shape{3, 3, 3}, /*bias=*/true);
  ln->load_parameters(fuzz::input_file(data, "npz"), /*strict=*/data.size() % 2 == 0);
}
