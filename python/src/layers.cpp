// python/src/layers.cpp: the convis layer model in Python, with the original toolbox's names:
// convis.filters.Conv3d, convis.models.LN / McIntosh / Retina, Layer.run(input, dt=...)
// returning an Output, convis.samples.moving_bar(...) (Note [Python bindings] in bindings.h).
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"

namespace convis::python {

namespace {

void bind_module(nb::module_& m) {
  nb::class_<nn::Module>(m, "Module")
      .def("parameters", [](const nn::Module& x) { return x.parameters(); })
      .def("named_parameters", [](const nn::Module& x) { return to_dict(x.named_parameters()); })
      .def("train", [](nn::Module& x, bool on) { x.train(on); }, nb::arg("mode") = true)
      .def("eval", &nn::Module::eval)
      .def_prop_ro("training", &nn::Module::is_training)
      .def("zero_grad", [](nn::Module& x) { x.zero_grad(); })
      // to("cuda") moves parameters, buffers and a Layer's states; to(dtype) converts floating ones
      .def("to", [](nn::Module& x, nb::handle target) {
        if (nb::isinstance<nb::str>(target)) x.to(Device(nb::cast<std::string>(target)));
        else x.to(to_dtype(target));
      })
      .def("cuda", [](nn::Module& x) { x.to(Device(kCUDA)); });
}

void bind_output(nb::module_& m) {
  nb::class_<Output>(m, "Output")
      .def("__len__", &Output::size)
      .def("__getitem__", [](const Output& o, int64_t i) {
        if (i < 0) i += int64_t(o.size());
        if (i < 0 || i >= int64_t(o.size())) throw nb::index_error("Output index out of range");
        return o[size_t(i)];
      })
      .def("__getitem__", [](const Output& o, const std::string& key) { return o[key]; })
      .def("__contains__", &Output::contains)
      .def("keys", &Output::keys)
      .def("__iter__", [](const Output& o) { return nb::iter(nb::cast(o.tensors())); })
      .def("__repr__", [](const Output& o) {
        std::string s = "Output(";
        for (size_t i = 0; i < o.size(); ++i) {
          s += (i ? ", " : "") + o.keys()[i] + ": [";
          for (int64_t d = 0; d < o[i].dim(); ++d) s += (d ? ", " : "") + std::to_string(o[i].size(d));
          s += "]";
        }
        return s + ")";
      });
}

void bind_layer(nb::module_& m) {
  using StageTime = Layer::StageTime;
  nb::class_<Layer, nn::Module>(m, "Layer")
      .def("__call__", [](Layer& l, const Tensor& x) { return l(x); }, nb::call_guard<nb::gil_scoped_release>())
      .def("forward", &Layer::forward, nb::call_guard<nb::gil_scoped_release>())
      .def("run", [](Layer& l, const Tensor& x, int64_t dt) { return l.run(x, dt); }, nb::arg("input"),
           nb::arg("dt") = 0, nb::call_guard<nb::gil_scoped_release>())
      .def("clear_state", &Layer::clear_state)
      .def("push_state", &Layer::push_state)
      .def("pop_state", &Layer::pop_state)
      .def("get_state", [](const Layer& l) { return to_dict(l.get_state()); })
      .def("set_state", [](Layer& l, const nb::dict& d) { l.set_state(from_dict(d)); })
      .def("get_parameters", [](const Layer& l) { return to_dict(l.get_parameters()); })
      .def("set_parameters", [](Layer& l, const nb::dict& d, bool strict) { return l.set_parameters(from_dict(d), strict); },
           nb::arg("values"), nb::arg("strict") = false)
      .def("set_parameter", [](Layer& l, const std::string& name, nb::handle v) {
        if (is_number(v)) l.set_parameter(name, to_scalar(v).to<double>());
        else l.set_parameter(name, to_tensor(v));
      })
      .def("save_parameters", &Layer::save_parameters)
      .def("load_parameters", &Layer::load_parameters, nb::arg("path"), nb::arg("strict") = false)
      .def("set_timing", &Layer::set_timing, nb::arg("on") = true)
      .def("clear_timings", &Layer::clear_timings)
      .def("timings", [](const Layer& l) {
        std::vector<std::tuple<std::string, double, int64_t>> out;
        for (const StageTime& s : l.timings()) out.emplace_back(s.stage, s.seconds, s.calls);
        return out;
      })
      .def("timings_table", &Layer::timings_table);
}

void bind_filters(nb::module_& filters) {
  nb::enum_<PadMode>(filters, "PadMode")
      .value("constant", PadMode::constant)
      .value("reflect", PadMode::reflect)
      .value("replicate", PadMode::replicate)
      .value("circular", PadMode::circular);
  nb::class_<filters::Conv3dImpl, Layer>(filters, "Conv3d")
      .def(nb::init<int64_t, int64_t, Shape, bool, bool, bool, PadMode>(), nb::arg("in_channels") = 1,
           nb::arg("out_channels") = 1, nb::arg("kernel_dim") = Shape{1, 1, 1}, nb::arg("bias") = true,
           nb::arg("time_pad") = true, nb::arg("autopad") = true, nb::arg("autopad_mode") = PadMode::replicate)
      .def("set_weight", [](filters::Conv3dImpl& c, nb::handle w, bool normalize, bool flip) {
        if (is_number(w)) c.set_weight(to_scalar(w).to<double>(), normalize);
        else c.set_weight(to_tensor(w), normalize, flip);
      }, nb::arg("w"), nb::arg("normalize") = false, nb::arg("flip") = true)
      .def_prop_ro("weight", [](const filters::Conv3dImpl& c) { return c.weight; })
      .def_prop_ro("bias", [](const filters::Conv3dImpl& c) { return c.bias; })
      .def("filter_length", &filters::Conv3dImpl::filter_length);
}

void bind_models(nb::module_& models) {
  nb::class_<models::LImpl, Layer>(models, "L")
      .def(nb::init<Shape, bool, bool>(), nb::arg("kernel_dim") = Shape{1, 1, 1}, nb::arg("bias") = false,
           nb::arg("population") = true)
      .def_prop_ro("conv", [](const models::LImpl& l) { return l.conv; });
  nb::class_<models::LNImpl, models::LImpl>(models, "LN")
      .def(nb::init<Shape, bool, bool>(), nb::arg("kernel_dim") = Shape{1, 1, 1}, nb::arg("bias") = false,
           nb::arg("population") = true);
  nb::class_<models::LNLNImpl, Layer>(models, "LNLN")
      .def(nb::init<Shape, bool, bool>(), nb::arg("kernel_dim") = Shape{1, 1, 1}, nb::arg("bias") = false,
           nb::arg("population") = true);
  nb::class_<models::McIntoshImpl, Layer>(models, "McIntosh")
      .def(nb::init<Shape, bool, int64_t, Shape, int64_t, int64_t>(), nb::arg("filter_size") = Shape{10, 5, 5},
           nb::arg("random_init") = true, nb::arg("out_channels") = 1, nb::arg("filter_2_size") = Shape{1, 1, 1},
           nb::arg("layer1_channels") = 8, nb::arg("layer2_channels") = 16);
  nb::class_<models::RetinaImpl, Layer>(models, "Retina")
      .def(nb::init<bool, bool, bool, bool>(), nb::arg("opl") = true, nb::arg("bipolar") = true,
           nb::arg("gang") = true, nb::arg("spikes") = true);
}

void bind_samples(nb::module_& samples) {
  using namespace convis::samples;
  samples.def("moving_bar", &moving_bar, nb::arg("t") = 2000, nb::arg("x") = 20, nb::arg("y") = 20,
              nb::arg("bar_pos") = -1.0, nb::arg("bar_direction") = 0.0, nb::arg("bar_width") = 1.0,
              nb::arg("bar_v") = 0.01, nb::arg("sharp") = false, nb::arg("temporal_smoothing") = 1.0);
  samples.def("moving_grating", &moving_grating, nb::arg("t") = 2000, nb::arg("x") = 20, nb::arg("y") = 20,
              nb::arg("vt") = 1.0 / 200.0, nb::arg("vx") = 3.0, nb::arg("vy") = 2.0);
  samples.def("random_checker_stimulus", &random_checker_stimulus, nb::arg("t") = 2000, nb::arg("x") = 20,
              nb::arg("y") = 20, nb::arg("checker_size") = 5, nb::arg("seed").none() = nb::none());
  samples.def("sparse_input",
              nb::overload_cast<int64_t, int64_t, int64_t, double, std::optional<uint64_t>>(&sparse_input),
              nb::arg("t") = 2000, nb::arg("x") = 20, nb::arg("y") = 20, nb::arg("p") = 0.01, nb::arg("seed").none() = nb::none());
  samples.def("pulse", &pulse, nb::arg("t") = 2000, nb::arg("x") = 20, nb::arg("y") = 20, nb::arg("pulse_length") = 100);
  samples.def("chirp", [](int64_t t, int64_t x, int64_t y) { return chirp(t, x, y); }, nb::arg("t") = 2000,
              nb::arg("x") = 20, nb::arg("y") = 20, "Full-field chirp: a step, an amplitude ramp, a frequency sweep");
  samples.def("gabor_kernel", &gabor_kernel, nb::arg("phi") = 2.0, nb::arg("size") = 16, nb::arg("resolution") = 2.0,
              nb::arg("f") = 10.0, nb::arg("phase") = 0.0, nb::arg("sigma_x") = 1.0, nb::arg("sigma_y") = 1.0);
  samples.def("mask_circle", &mask_circle, nb::arg("x"), nb::arg("y"), nb::arg("radius"), nb::arg("smooth") = 0.0);
  samples.def("mask_square", &mask_square, nb::arg("x"), nb::arg("y"), nb::arg("width"));
}

}  // namespace

void bind_layers(nb::module_& m) {
  bind_module(m);
  bind_output(m);
  bind_layer(m);
  nb::module_ filters = m.def_submodule("filters", "Filters of the convis layer model");
  bind_filters(filters);
  nb::module_ models = m.def_submodule("models", "Models of the convis layer model");
  bind_models(models);
  nb::module_ samples = m.def_submodule("samples", "Stimuli (float32 videos of shape (T, X, Y))");
  bind_samples(samples);
}

}  // namespace convis::python
