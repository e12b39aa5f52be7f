// python/src/bindings.h: the parts of the extension module convis._convis (built by
// python/CMakeLists.txt with nanobind), and the conversions they share.
//
//   import convis, numpy as np
//   a = np.arange(6.0).reshape(2, 3)
//   t = convis.from_numpy(a)        # no copy: t and a share memory
//   t[0, 1] = 10.0                  # a[0, 1] is 10.0 too
//   r = convis.models.Retina().run(convis.samples.moving_bar(200, 20, 20), dt=100)
//
// Note [Python bindings]
// The extension is a thin skin: every method calls the C++ function of the same name, and
// the Python package (python/convis/*.py) adds only what Python users expect on top (the
// no_grad context manager, convis.tensor from nested lists).  A convis::Error becomes a
// convis.Error (a RuntimeError) with the same message.  Calls that compute (ops, layers,
// backward) release the GIL, so two Python threads run two convolutions at once; a tensor
// made from a NumPy array keeps the array alive and its deleter takes the GIL to let go of it.
#pragma once

#include <nanobind/nanobind.h>

#include "convis/convis.h"

namespace convis::python {

namespace nb = nanobind;

void bind_tensor(nb::module_& m);     // tensor.cpp: Tensor, dtypes, NumPy and DLPack
void bind_functions(nb::module_& m);  // functions.cpp: factories, free ops, autograd, settings
void bind_layers(nb::module_& m);     // layers.cpp: Layer, Output, filters, models, samples
void bind_optim(nb::module_& m);      // optim.cpp: convis.optim, Layer.optimize (after bind_layers)
void bind_nn(nb::module_& m);         // nn.cpp: convis.nn, state_dict, safetensors (after bind_layers)
void bind_streams(nb::module_& m);    // streams.cpp: convis.streams, Layer.run(stream) (after bind_layers)
void bind_function(nb::module_& m);   // function.cpp: convis.autograd.Function written in Python
void bind_cuda_streams(nb::module_& cuda);  // cuda.cpp: convis.cuda.Stream, current_stream, stream(s)

// An int or a sequence of ints.
Shape to_shape(nb::handle h);
// A Python bool, int or float (or a NumPy scalar of one) as a Scalar; is_number says whether h is one.
bool is_number(nb::handle h);
Scalar to_scalar(nb::handle h);
// A Tensor as it is, a number as a 0-dim tensor, anything NumPy can read as a copied tensor.
Tensor to_tensor(nb::handle h);
// A tensor sharing the memory of a CPU array that exposes DLPack or the buffer protocol.
Tensor from_array(nb::handle array);
Tensor from_dlpack(nb::handle array);  // a CUDA DLPack array on its device, else from_array
// The dtype for a convis.* dtype object, or a NumPy dtype / string NumPy understands.
DType to_dtype(nb::handle h);
// Named tensors (state_dict, get_state, parameters by name) to a dict and back, in order.
nb::dict to_dict(const nn::OrderedDict<std::string, Tensor>& d);
nn::OrderedDict<std::string, Tensor> from_dict(const nb::dict& d);

}  // namespace convis::python

// convis::Shape from an int or a sequence of ints, to a tuple.
namespace nanobind::detail {
template <>
struct type_caster<convis::Shape> {
  NB_TYPE_CASTER(convis::Shape, const_name("Sequence[int]"))

  bool from_python(handle src, uint8_t, cleanup_list*) noexcept {
    try {
      value = convis::python::to_shape(src);
      return true;
    } catch (...) {
      PyErr_Clear();
      return false;
    }
  }
  static handle from_cpp(const convis::Shape& shape, rv_policy, cleanup_list*) noexcept {
    PyObject* tuple = PyTuple_New(Py_ssize_t(shape.size()));
    for (size_t i = 0; i < shape.size(); ++i) PyTuple_SET_ITEM(tuple, Py_ssize_t(i), PyLong_FromLongLong(shape[i]));
    return tuple;
  }
};
}  // namespace nanobind::detail
