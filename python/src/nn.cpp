// python/src/nn.cpp: convis.nn (Linear, Conv1d/2d/3d, activations, BatchNorm1d/2d/3d, MaxPool3d,
// AvgPool3d, loss modules and functions),
// Module.state_dict / load_state_dict / save / load (safetensors, readable by PyTorch's
// safetensors), and convis.save_safetensors / load_safetensors.  convis.nn.Sequential is
// plain Python (python/convis/__init__.py): it calls the modules in turn.
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <sstream>

#include "bindings.h"

namespace convis::python {

namespace {

nn::Reduction reduction(const std::string& name) {
  if (name == "mean") return nn::kMean;
  if (name == "sum") return nn::kSum;
  if (name == "none") return nn::kNone;
  throw Error("[loss] expected reduction 'mean', 'sum' or 'none', got '" + name + "'");
}

template <typename Conv, size_t D>
void def_conv(nb::module_& nn_module, const char* name) {
  nb::class_<Conv, nn::Module>(nn_module, name)
      .def("__init__", [](Conv* self, int64_t in, int64_t out, Shape kernel, Shape stride, Shape padding,
                          Shape dilation, int64_t groups, bool bias) {
        new (self) Conv(nn::ConvOptions<D>(in, out, kernel).stride(stride).padding(padding).dilation(dilation)
                            .groups(groups).bias(bias));
      }, nb::arg("in_channels"), nb::arg("out_channels"), nb::arg("kernel_size"), nb::arg("stride") = Shape{1},
         nb::arg("padding") = Shape{0}, nb::arg("dilation") = Shape{1}, nb::arg("groups") = 1, nb::arg("bias") = true)
      .def("forward", &Conv::forward, nb::call_guard<nb::gil_scoped_release>())
      .def("__call__", &Conv::forward, nb::call_guard<nb::gil_scoped_release>())
      .def_rw("weight", &Conv::weight)
      .def_rw("bias", &Conv::bias);
}

template <typename Activation>
void def_activation(nb::module_& nn_module, const char* name) {
  nb::class_<Activation, nn::Module>(nn_module, name)
      .def(nb::init<>())
      .def("forward", [](Activation& a, const Tensor& x) { return a.forward(x); })
      .def("__call__", [](Activation& a, const Tensor& x) { return a.forward(x); });
}

// A loss module: Loss(reduction="mean"), called as loss(input, target).
template <typename Loss>
void def_loss(nb::module_& nn_module, const char* name) {
  nb::class_<Loss, nn::Module>(nn_module, name)
      .def("__init__", [](Loss* self, const std::string& r) { new (self) Loss(reduction(r)); },
           nb::arg("reduction") = "mean")
      .def("forward", &Loss::forward, nb::call_guard<nb::gil_scoped_release>())
      .def("__call__", &Loss::forward, nb::call_guard<nb::gil_scoped_release>());
}

template <typename BatchNorm>
void def_batch_norm(nb::module_& nn_module, const char* name) {
  nb::class_<BatchNorm, nn::Module>(nn_module, name)
      .def("__init__", [](BatchNorm* self, int64_t features, double eps, std::optional<double> momentum, bool affine,
                          bool track) {
        new (self) BatchNorm(nn::BatchNormOptions(features).eps(eps).momentum(momentum).affine(affine)
                                 .track_running_stats(track));
      }, nb::arg("num_features"), nb::arg("eps") = 1e-5, nb::arg("momentum").none() = 0.1, nb::arg("affine") = true,
         nb::arg("track_running_stats") = true)
      .def("forward", &BatchNorm::forward, nb::call_guard<nb::gil_scoped_release>())
      .def("__call__", &BatchNorm::forward, nb::call_guard<nb::gil_scoped_release>())
      .def_rw("weight", &BatchNorm::weight)
      .def_rw("bias", &BatchNorm::bias)
      .def_rw("running_mean", &BatchNorm::running_mean)
      .def_rw("running_var", &BatchNorm::running_var);
}

// Pooling: kernel_size, stride (None: the kernel size), padding, as torch.nn.MaxPool3d / AvgPool3d.
void def_pooling(nb::module_& nn_module) {
  nb::class_<nn::MaxPool3dImpl, nn::Module>(nn_module, "MaxPool3d")
      .def("__init__", [](nn::MaxPool3dImpl* self, Shape kernel, std::optional<Shape> stride, Shape padding) {
        nn::MaxPool3dOptions o(kernel);
        new (self) nn::MaxPool3dImpl(o.stride(stride.value_or(o.kernel_size())).padding(padding));
      }, nb::arg("kernel_size"), nb::arg("stride").none() = nb::none(), nb::arg("padding") = Shape{0})
      .def("forward", &nn::MaxPool3dImpl::forward, nb::call_guard<nb::gil_scoped_release>())
      .def("__call__", &nn::MaxPool3dImpl::forward, nb::call_guard<nb::gil_scoped_release>());
  nb::class_<nn::AvgPool3dImpl, nn::Module>(nn_module, "AvgPool3d")
      .def("__init__", [](nn::AvgPool3dImpl* self, Shape kernel, std::optional<Shape> stride, Shape padding) {
        nn::AvgPool3dOptions o(kernel);
        new (self) nn::AvgPool3dImpl(o.stride(stride.value_or(o.kernel_size())).padding(padding));
      }, nb::arg("kernel_size"), nb::arg("stride").none() = nb::none(), nb::arg("padding") = Shape{0})
      .def("forward", &nn::AvgPool3dImpl::forward, nb::call_guard<nb::gil_scoped_release>())
      .def("__call__", &nn::AvgPool3dImpl::forward, nb::call_guard<nb::gil_scoped_release>());
}

}  // namespace

void bind_nn(nb::module_& m) {
  nb::class_<nn::Module> module = nb::borrow<nb::class_<nn::Module>>(m.attr("Module"));
  module.def("state_dict", [](const nn::Module& x) { return to_dict(x.state_dict()); })
      .def("load_state_dict", [](nn::Module& x, const nb::dict& d, bool strict) { x.load_state_dict(from_dict(d), strict); },
           nb::arg("state_dict"), nb::arg("strict") = true)
      .def("save", &nn::Module::save, nb::arg("path"))
      .def("load", &nn::Module::load, nb::arg("path"), nb::arg("strict") = true)
      .def("__repr__", [](const nn::Module& x) {
        std::ostringstream out;
        x.pretty_print(out);
        return out.str();
      });
  m.def("save_safetensors", [](const std::string& path, const nb::dict& tensors, std::map<std::string, std::string> meta) {
    save_safetensors(path, from_dict(tensors), meta);
  }, nb::arg("path"), nb::arg("tensors"), nb::arg("metadata") = std::map<std::string, std::string>());
  m.def("load_safetensors", [](const std::string& path) { return to_dict(load_safetensors(path)); }, nb::arg("path"));

  nb::module_ nn_module = m.def_submodule("nn", "Modules and losses (as torch.nn)");
  nb::class_<nn::LinearImpl, nn::Module>(nn_module, "Linear")
      .def(nb::init<int64_t, int64_t, bool>(), nb::arg("in_features"), nb::arg("out_features"), nb::arg("bias") = true)
      .def("forward", &nn::LinearImpl::forward, nb::call_guard<nb::gil_scoped_release>())
      .def("__call__", &nn::LinearImpl::forward, nb::call_guard<nb::gil_scoped_release>())
      .def_rw("weight", &nn::LinearImpl::weight)
      .def_rw("bias", &nn::LinearImpl::bias);
  def_conv<nn::Conv1dImpl, 1>(nn_module, "Conv1d");
  def_conv<nn::Conv2dImpl, 2>(nn_module, "Conv2d");
  def_conv<nn::Conv3dImpl, 3>(nn_module, "Conv3d");
  def_activation<nn::ReLUImpl>(nn_module, "ReLU");
  def_activation<nn::SigmoidImpl>(nn_module, "Sigmoid");
  def_activation<nn::TanhImpl>(nn_module, "Tanh");
  def_activation<nn::GELUImpl>(nn_module, "GELU");
  def_activation<nn::SoftplusImpl>(nn_module, "Softplus");
  def_activation<nn::FlattenImpl>(nn_module, "Flatten");
  def_activation<nn::IdentityImpl>(nn_module, "Identity");
  nb::class_<nn::LeakyReLUImpl, nn::Module>(nn_module, "LeakyReLU")
      .def("__init__", [](nn::LeakyReLUImpl* self, double slope) {
        new (self) nn::LeakyReLUImpl(nn::LeakyReLUOptions().negative_slope(slope));
      }, nb::arg("negative_slope") = 0.01)
      .def("forward", [](nn::LeakyReLUImpl& a, const Tensor& x) { return a.forward(x); })
      .def("__call__", [](nn::LeakyReLUImpl& a, const Tensor& x) { return a.forward(x); });
  nb::class_<nn::DropoutImpl, nn::Module>(nn_module, "Dropout")
      .def(nb::init<double>(), nb::arg("p") = 0.5)
      .def("forward", [](nn::DropoutImpl& d, const Tensor& x) { return d.forward(x); })
      .def("__call__", [](nn::DropoutImpl& d, const Tensor& x) { return d.forward(x); });
  nb::class_<nn::LayerNormImpl, nn::Module>(nn_module, "LayerNorm")
      .def("__init__", [](nn::LayerNormImpl* self, const Shape& shape) {
        new (self) nn::LayerNormImpl(std::vector<int64_t>(shape.begin(), shape.end()));
      }, nb::arg("normalized_shape"))
      .def("forward", &nn::LayerNormImpl::forward)
      .def("__call__", &nn::LayerNormImpl::forward)
      .def_rw("weight", &nn::LayerNormImpl::weight)
      .def_rw("bias", &nn::LayerNormImpl::bias);
  def_batch_norm<nn::BatchNorm1dImpl>(nn_module, "BatchNorm1d");
  def_batch_norm<nn::BatchNorm2dImpl>(nn_module, "BatchNorm2d");
  def_batch_norm<nn::BatchNorm3dImpl>(nn_module, "BatchNorm3d");
  def_pooling(nn_module);
  def_loss<nn::MSELossImpl>(nn_module, "MSELoss");
  def_loss<nn::L1LossImpl>(nn_module, "L1Loss");
  def_loss<nn::NLLLossImpl>(nn_module, "NLLLoss");
  def_loss<nn::CrossEntropyLossImpl>(nn_module, "CrossEntropyLoss");
  def_loss<nn::BCELossImpl>(nn_module, "BCELoss");
  def_loss<nn::BCEWithLogitsLossImpl>(nn_module, "BCEWithLogitsLoss");
  def_loss<nn::PoissonNLLLossImpl>(nn_module, "PoissonNLLLoss");
  nb::module_ functional = nn_module.def_submodule("functional", "Functions of convis.nn (as torch.nn.functional)");
  functional.def("mse_loss", [](const Tensor& a, const Tensor& b, const std::string& r) {
    return nn::functional::mse_loss(a, b, reduction(r));
  }, nb::arg("input"), nb::arg("target"), nb::arg("reduction") = "mean");
  functional.def("l1_loss", [](const Tensor& a, const Tensor& b, const std::string& r) {
    return nn::functional::l1_loss(a, b, reduction(r));
  }, nb::arg("input"), nb::arg("target"), nb::arg("reduction") = "mean");
  functional.def("cross_entropy", [](const Tensor& a, const Tensor& b, const std::string& r) {
    return nn::functional::cross_entropy(a, b, reduction(r));
  }, nb::arg("input"), nb::arg("target"), nb::arg("reduction") = "mean");
  functional.def("nll_loss", [](const Tensor& a, const Tensor& b, const std::string& r) {
    return nn::functional::nll_loss(a, b, reduction(r));
  }, nb::arg("input"), nb::arg("target"), nb::arg("reduction") = "mean");
  functional.def("binary_cross_entropy", [](const Tensor& a, const Tensor& b, const std::string& r) {
    return nn::functional::binary_cross_entropy(a, b, reduction(r));
  }, nb::arg("input"), nb::arg("target"), nb::arg("reduction") = "mean");
  functional.def("binary_cross_entropy_with_logits", [](const Tensor& a, const Tensor& b, const std::string& r) {
    return nn::functional::binary_cross_entropy_with_logits(a, b, reduction(r));
  }, nb::arg("input"), nb::arg("target"), nb::arg("reduction") = "mean");
  functional.def("smooth_l1_loss", [](const Tensor& a, const Tensor& b, const std::string& r, double beta) {
    return nn::functional::smooth_l1_loss(a, b, reduction(r), beta);
  }, nb::arg("input"), nb::arg("target"), nb::arg("reduction") = "mean", nb::arg("beta") = 1.0);
  functional.def("relu", [](const Tensor& x) { return nn::functional::relu(x); });
  functional.def("softmax", [](const Tensor& x, int64_t d) { return nn::functional::softmax(x, d); }, nb::arg("input"),
                 nb::arg("dim"));
  functional.def("log_softmax", [](const Tensor& x, int64_t d) { return nn::functional::log_softmax(x, d); },
                 nb::arg("input"), nb::arg("dim"));
}

}  // namespace convis::python
