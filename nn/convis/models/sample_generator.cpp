// nn/convis/models/sample_generator.cpp: SampleGenerator (sample_generator.h).
#include "convis/nn/convis/models/sample_generator.h"

#include "convis/autograd/grad_mode.h"
#include "convis/core/error.h"
#include "convis/core/factory.h"

namespace convis::models {

SampleGenerator::SampleGenerator(Shape kernel_size, int64_t dt_)
    : SampleGenerator(kernel_size.size() == 3 ? randn(kernel_size) : Tensor(), dt_) {}

SampleGenerator::SampleGenerator(const Tensor& kernel, int64_t dt_) : dt(dt_) {
  CONVIS_CHECK(kernel.defined() && kernel.dim() == 3, "SampleGenerator",
               "expected a kernel (or kernel_size) of three dims (t, x, y), got {}",
               kernel.defined() ? kernel.sizes() : Shape{});
  CONVIS_CHECK(dt >= 0, "SampleGenerator", "expected dt >= 0, got {}", dt);
  model = std::make_shared<LNImpl>(kernel.sizes());
  model->conv->set_weight(kernel);
  for (Tensor& p : model->parameters()) p.requires_grad_(false);
}

std::pair<Tensor, Tensor> SampleGenerator::generate(const Shape& size) {
  CONVIS_CHECK(size.size() == 3, "SampleGenerator::generate", "expected a size (t, x, y), got {}", size);
  return generate(rand(size));
}

std::pair<Tensor, Tensor> SampleGenerator::generate(const Tensor& input) {
  NoGradGuard no_grad;
  model->clear_state();
  Tensor y = model->run(input, dt)[0];
  model->clear_state();
  return {input, y};
}

}  // namespace convis::models
