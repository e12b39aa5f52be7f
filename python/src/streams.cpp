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
#include "convis/nn/convis/video.h"

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
  nb::class_<s::VideoReader, s::Stream>(streams, "VideoReader")
      .def("__init__", [](s::VideoReader* self, const std::string& path, std::optional<std::array<int64_t, 2>> size,
                          bool rgb, int64_t start_frame, std::optional<int64_t> max_frames, double value_max) {
        new (self) s::VideoReader(path, s::VideoReaderOptions{size, rgb, start_frame, max_frames, value_max});
      }, nb::arg("path"), nb::arg("size").none() = nb::none(), nb::arg("rgb") = false, nb::arg("start_frame") = 0,
         nb::arg("max_frames").none() = nb::none(), nb::arg("value_max") = 1.0,
         "A movie through FFmpeg, decoded on demand: get(n) gives (n, X, Y) grey or (n, 3, X, Y) RGB frames")
      .def("get", &s::VideoReader::get, nb::arg("n"), nb::call_guard<nb::gil_scoped_release>())
      .def("frame_size", &s::VideoReader::frame_size)
      .def("fps", &s::VideoReader::fps);
  nb::class_<s::VideoWriter, s::Stream>(streams, "VideoWriter")
      .def("__init__", [](s::VideoWriter* self, std::string path, double fps, std::string codec, double value_max) {
        new (self) s::VideoWriter(std::move(path), s::VideoWriterOptions{fps, std::move(codec), value_max});
      }, nb::arg("path"), nb::arg("fps") = 25.0, nb::arg("codec") = "", nb::arg("value_max") = 1.0,
         "put() encodes (n, X, Y) or (n, 3, X, Y) frames; close() completes the file (H.264, MPEG-4, or FFV1 in .mkv)")
      .def("put", &s::VideoWriter::put, nb::arg("frames"), nb::call_guard<nb::gil_scoped_release>())
      .def("close", &s::VideoWriter::close)
      .def("frames", &s::VideoWriter::frames)
      .def("__enter__", [](nb::handle self) { return nb::borrow(self); })
      .def("__exit__", [](s::VideoWriter& w, const nb::args&) { w.close(); });
  m.def("video_available", &s::video_available, "Whether this build reads and writes movies (FFmpeg)");
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
