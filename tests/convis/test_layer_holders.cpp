// The convis layers as LibTorch-style holders (Note [Module holders]): filters::Conv3d and
// models::Retina hold a Conv3dImpl and a RetinaImpl, run as the modules do, keep the
// original toolbox's names, and convert to the shared_ptr<Layer> that containers take.
#include <sstream>

#include "helpers.h"

#include "convis/nn/convis/convis.h"

using namespace convis;
using convis_test::values;

TEST_CASE("convis layer holders run as their modules do", "[convis][holder]") {
  manual_seed(4);
  Tensor video = rand({1, 1, 30, 6, 5}) * 255.0;
  manual_seed(9);
  models::Retina retina;
  manual_seed(9);
  models::Retina module;
  NoGradGuard no_grad;
  Output a = retina->run(video, 10), b = module->run(video, 10);
  CHECK(equal(a[0], b[0]));
  CHECK(equal(a[1], b[1]));
  CHECK(equal(retina(video.narrow(2, 0, 5)), module->forward(video.narrow(2, 0, 5))));

  filters::Conv3d conv(1, 1, Shape{3, 3, 3});
  conv->set_weight(ones({3, 3, 3}), /*normalize=*/true);
  Tensor y = conv(video);
  CHECK(y.sizes() == video.sizes());
  CHECK(std::abs(y.mean().item<double>() - video.mean().item<double>()) < 0.2 * video.mean().item<double>());
}

TEST_CASE("convis layer holders keep the toolbox names and convert to shared_ptr<Layer>", "[convis][holder]") {
  filters::Delay delay(2);
  CHECK(delay->name() == "convis::filters::Delay");  // a Layer's default name drops Impl
  std::ostringstream printed;
  printed << *delay;
  CHECK(printed.str().find("Impl") == std::string::npos);
  models::List chain(std::vector<std::shared_ptr<Layer>>{filters::Delay(1), filters::NLRectify()});
  CHECK(chain->size() == 2);
  Tensor ramp = arange(-2.0, 3.0, kFloat64).reshape({1, 1, 5, 1, 1});
  // delayed by one frame (the first repeated), then rectified
  CHECK(values(chain(ramp)) == std::vector<double>{0, 0, 0, 0, 1});
  models::LNCascade cascade(1, Shape{1, 1, 1});
  cascade->add_layer(filters::Conv3d(1, 1, Shape{1, 1, 1}));
  CHECK(cascade->named_parameters().size() > 0);
  models::Retina empty{nullptr};
  CHECK_THROWS_WITH(empty->run(ramp), Catch::Contains("convis::models::RetinaImpl"));
}
