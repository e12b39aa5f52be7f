// python/src/cuda.cpp: CUDA streams in convis.cuda, as torch.cuda's (core/cuda_stream.h):
//
//   s = convis.cuda.Stream()                 # one of the device's pool streams
//   with convis.cuda.stream(s):              # this thread's kernels and copies go to s
//       y = x.cuda() * 2
//   s.synchronize()
#include <memory>
#include <optional>

#include <nanobind/stl/string.h>

#include "bindings.h"

namespace convis::python {

namespace {

// with convis.cuda.stream(s): a CUDAStreamGuard for the block.
struct StreamContext {
  cuda::CUDAStream stream;
  std::unique_ptr<cuda::CUDAStreamGuard> guard;
};

}  // namespace

void bind_cuda_streams(nb::module_& m) {
  nb::class_<cuda::CUDAStream>(m, "Stream", "A CUDA stream (as torch.cuda.Stream); Stream() takes one from the pool")
      .def("__init__", [](cuda::CUDAStream* self, int64_t device) { new (self) cuda::CUDAStream(cuda::getStreamFromPool(false, device)); },
           nb::arg("device") = -1)
      .def("synchronize", &cuda::CUDAStream::synchronize, nb::call_guard<nb::gil_scoped_release>())
      .def("query", &cuda::CUDAStream::query)
      .def_prop_ro("id", &cuda::CUDAStream::id)
      .def_prop_ro("device", [](const cuda::CUDAStream& s) { return s.device().str(); })
      .def("__eq__", [](const cuda::CUDAStream& a, const cuda::CUDAStream& b) { return a == b; })
      .def("__repr__", [](const cuda::CUDAStream& s) { return fmt::format("<convis.cuda.Stream {} on {}>", s.id(), s.device().str()); });
  m.def("current_stream", [](int64_t device) { return cuda::getCurrentCUDAStream(device); }, nb::arg("device") = -1)
      .def("default_stream", [](int64_t device) { return cuda::getDefaultCUDAStream(device); }, nb::arg("device") = -1)
      .def("set_stream", &cuda::setCurrentCUDAStream);
  nb::class_<StreamContext>(m, "StreamContext", "with convis.cuda.stream(s): s is the current stream in the block")
      .def("__enter__", [](StreamContext& c) {
        c.guard = std::make_unique<cuda::CUDAStreamGuard>(c.stream);
        return c.stream;
      })
      .def("__exit__", [](StreamContext& c, nb::args) { c.guard.reset(); });
  m.def("stream", [](const cuda::CUDAStream& s) { return StreamContext{s, nullptr}; });
}

}  // namespace convis::python
