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
}
