// python/src/module.cpp: the extension module convis._convis (Note [Python bindings] in
// bindings.h); python/convis/__init__.py re-exports it as the package convis.
#include "bindings.h"

NB_MODULE(_convis, m) {
  m.doc() = "convis: tensors, autograd and the convis layer model (C++ engine)";
  nanobind::exception<convis::Error>(m, "Error", PyExc_RuntimeError);
  convis::python::bind_tensor(m);
  convis::python::bind_functions(m);
  convis::python::bind_layers(m);
  convis::python::bind_optim(m);
  convis::python::bind_nn(m);
  convis::python::bind_streams(m);
  convis::python::bind_function(m);
  // convis.cuda, as torch.cuda (core/cuda.h); CONVIS_CUDA_EMULATOR=1 gives an emulated device
  nanobind::module_ cuda = m.def_submodule("cuda", "CUDA devices (as torch.cuda)");
  cuda.def("is_available", &convis::cuda::is_available)
      .def("device_count", &convis::cuda::device_count)
      .def("is_built", &convis::cuda::is_built)
      .def("is_emulated", &convis::cuda::is_emulated)
      .def("synchronize", &convis::cuda::synchronize, nanobind::arg("device") = -1)
      .def("empty_cache", &convis::cuda::empty_cache)
      .def("memory_allocated", [](int64_t device) { return convis::cuda::memory_stats(device).live_bytes; },
           nanobind::arg("device") = 0);
  convis::python::bind_cuda_streams(cuda);
}
