// python/src/streams.cpp: convis.streams (sources and sinks of frames, as the toolbox's
// convis.streams) and Layer.run over a stream.
//
//   src = convis.streams.SequenceStream(convis.samples.moving_bar(500, 20, 20))
//   out = convis.models.LN((5, 3, 3)).run(src, dt=100)          # 500 frames, 5 chunks
//   with convis.streams.NpyWriter("out.npy") as sink: sink.put(out[0].detach())
#include <nanobind/stl/array.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>

#include "bindings.h"

namespace convis::python {

void bind_streams(nb::module_& m) {
  namespace s = convis::streams;
  nb::module_ streams = m.def_submodule("streams", "Streams of frames (T, X, Y), read and written in chunks");
  nb::class_<s::Stream>(streams, "Stream")
      .def("get", &s::Stream::get, nb::arg("n"), "The next n frames as (n, X, Y); fewer only at the end")
      .def("remaining", &s::Stream::remaining, "Frames still to come, or None for an endless stream")
      .def("put", &s::Stream::put, nb::arg("frames"));
  nb::class_<s::SequenceStream, s::Stream>(streams, "SequenceStream")
      .def(nb::init<const Tensor&, int64_t>(), nb::arg("sequence"), nb::arg("max_frames") = 5000)
      .def_prop_ro("sequence", &s::SequenceStream::sequence);
  nb::class_<s::RepeatingStream, s::Stream>(streams, "RepeatingStream")
      .def(nb::init<const Tensor&>(), nb::arg("sequence"));
  nb::class_<s::RandomStream, s::Stream>(streams, "RandomStream")
      .def(nb::init<std::array<int64_t, 2>, double, double, std::optional<uint64_t>>(),
           nb::arg("size") = std::array<int64_t, 2>{50, 50}, nb::arg("level") = 1.0, nb::arg("mean") = 0.0,
           nb::arg("seed").none() = nb::none());
  nb::class_<s::NpyReader, s::Stream>(streams, "NpyReader").def(nb::init<const std::string&>(), nb::arg("path"));
  nb::class_<s::NpyWriter, s::Stream>(streams, "NpyWriter")
      .def(nb::init<std::string>(), nb::arg("path"))
      .def("close", &s::NpyWriter::close)
      .def("frames", &s::NpyWriter::frames)
      .def("__enter__", [](nb::handle self) { return nb::borrow(self); })
      .def("__exit__", [](s::NpyWriter& w, const nb::args&) { w.close(); });
  nb::class_<s::ProcessingStream, s::Stream>(streams, "ProcessingStream")
      .def("__init__", [](s::ProcessingStream* self, std::shared_ptr<s::Stream> input, std::shared_ptr<Layer> model) {
        new (self) s::ProcessingStream(std::move(input), std::move(model));
      }, nb::arg("input"), nb::arg("model"), "get(n) = model(input.get(n)), the model's state kept between calls");

  nb::class_<Layer, nn::Module> layer = nb::borrow<nb::class_<Layer, nn::Module>>(m.attr("Layer"));
  layer.def("run", [](Layer& l, s::Stream& stream, int64_t dt, std::optional<int64_t> max_t) {
    return l.run(stream, dt, max_t);
  }, nb::arg("input"), nb::arg("dt"), nb::arg("max_t").none() = nb::none(), nb::call_guard<nb::gil_scoped_release>());
}

}  // namespace convis::python
