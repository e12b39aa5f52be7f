// python/src/optim.cpp: convis.optim (SGD, Adam, AdamW, Adagrad, RMSprop over a list of tensors)
// and fitting a layer: Layer.set_optimizer / optimize / compute_loss, with the original
// toolbox's spelling layer.set_optimizer.Adam(lr=0.01) added in python/convis/__init__.py.
#include <nanobind/stl/function.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"

namespace convis::python {

namespace {

// An optimizer class whose constructor takes (params, lr=..., **its options).
template <typename Opt, typename Options, typename... Extra, typename... Args>
void def_optimizer(nb::module_& m, const char* name, double lr, Options (*make)(double lr, Extra...),
                   const char* doc, const Args&... extra) {
  nb::class_<Opt, optim::Optimizer>(m, name, doc)
      .def("__init__", [make](Opt* self, nb::handle params, double lr, Extra... e) {
        std::vector<Tensor> list;
        for (nb::handle p : params) list.push_back(nb::cast<Tensor>(p));
        new (self) Opt(std::move(list), make(lr, e...));
      }, nb::arg("params"), nb::arg("lr") = lr, extra...);
}

}  // namespace

void bind_optim(nb::module_& m) {
  nb::module_ optim = m.def_submodule("optim", "Optimizers over a list of tensors (as torch.optim)");
  nb::class_<optim::Optimizer>(optim, "Optimizer")
      .def("step", [](optim::Optimizer& o) { o.step(); }, nb::call_guard<nb::gil_scoped_release>())
      .def("zero_grad", [](optim::Optimizer& o) { o.zero_grad(); })
      .def("save", &optim::Optimizer::save, nb::arg("path"),
           "Writes the state (step counts, buffers, each group's lr) to a safetensors file, atomically")
      .def("load", &optim::Optimizer::load, nb::arg("path"),
           "Reads what save() wrote, into an optimizer of the same type over the same parameters");
  def_optimizer<optim::SGD>(
      optim, "SGD", 0.01,
      +[](double lr, double momentum, double dampening, double weight_decay, bool nesterov) {
        return optim::SGDOptions(lr).momentum(momentum).dampening(dampening).weight_decay(weight_decay).nesterov(nesterov);
      },
      "Stochastic gradient descent (momentum, dampening, weight_decay, nesterov)", nb::arg("momentum") = 0.0,
      nb::arg("dampening") = 0.0, nb::arg("weight_decay") = 0.0, nb::arg("nesterov") = false);
  def_optimizer<optim::Adam>(
      optim, "Adam", 1e-3,
      +[](double lr, std::tuple<double, double> betas, double eps, double weight_decay, bool amsgrad) {
        return optim::AdamOptions(lr).betas(betas).eps(eps).weight_decay(weight_decay).amsgrad(amsgrad);
      },
      "Adam (betas, eps, weight_decay, amsgrad)", nb::arg("betas") = std::make_tuple(0.9, 0.999),
      nb::arg("eps") = 1e-8, nb::arg("weight_decay") = 0.0, nb::arg("amsgrad") = false);
  def_optimizer<optim::AdamW>(
      optim, "AdamW", 1e-3,
      +[](double lr, std::tuple<double, double> betas, double eps, double weight_decay, bool amsgrad) {
        return optim::AdamWOptions(lr).betas(betas).eps(eps).weight_decay(weight_decay).amsgrad(amsgrad);
      },
      "AdamW: Adam with decoupled weight decay", nb::arg("betas") = std::make_tuple(0.9, 0.999),
      nb::arg("eps") = 1e-8, nb::arg("weight_decay") = 1e-2, nb::arg("amsgrad") = false);
  def_optimizer<optim::RMSprop>(
      optim, "RMSprop", 1e-2,
      +[](double lr, double alpha, double eps, double weight_decay, double momentum, bool centered) {
        return optim::RMSpropOptions(lr).alpha(alpha).eps(eps).weight_decay(weight_decay).momentum(momentum)
            .centered(centered);
      },
      "RMSprop (alpha, eps, weight_decay, momentum, centered)", nb::arg("alpha") = 0.99, nb::arg("eps") = 1e-8,
      nb::arg("weight_decay") = 0.0, nb::arg("momentum") = 0.0, nb::arg("centered") = false);
  def_optimizer<optim::Adagrad>(
      optim, "Adagrad", 1e-2,
      +[](double lr, double lr_decay, double weight_decay, double initial_accumulator_value, double eps) {
        return optim::AdagradOptions(lr).lr_decay(lr_decay).weight_decay(weight_decay)
            .initial_accumulator_value(initial_accumulator_value).eps(eps);
      },
      "Adagrad (lr_decay, weight_decay, initial_accumulator_value, eps)", nb::arg("lr_decay") = 0.0,
      nb::arg("weight_decay") = 0.0, nb::arg("initial_accumulator_value") = 0.0, nb::arg("eps") = 1e-10);

  nb::class_<Layer, nn::Module> layer = nb::borrow<nb::class_<Layer, nn::Module>>(m.attr("Layer"));
  layer.def("_set_optimizer", [](Layer& l, std::shared_ptr<optim::Optimizer> o) { l.set_optimizer(std::move(o)); })
      .def_prop_ro("optimizer", &Layer::optimizer)
      .def("optimize", [](Layer& l, const Tensor& input, const Tensor& target, int64_t dt, int64_t t_skip) {
        return l.optimize(input, target, dt, {}, t_skip);
      }, nb::arg("input"), nb::arg("target"), nb::arg("dt") = 0, nb::arg("t_skip") = 0,
         nb::call_guard<nb::gil_scoped_release>())
      .def("compute_loss", [](Layer& l, const Tensor& input, const Tensor& target, int64_t dt) {
        return l.compute_loss(input, target, dt);
      }, nb::arg("input"), nb::arg("target"), nb::arg("dt") = 0, nb::call_guard<nb::gil_scoped_release>());
}

}  // namespace convis::python
