// python/src/functions.cpp: the module's functions: conversions from Python values, factories,
// free ops, autograd switches and settings (Note [Python bindings] in bindings.h).
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.h"

namespace convis::python {

Shape to_shape(nb::handle h) {
  if (PyIndex_Check(h.ptr())) return Shape{nb::cast<int64_t>(h)};
  Shape shape;
  for (nb::handle d : h) shape.push_back(nb::cast<int64_t>(d));
  return shape;
}

bool is_number(nb::handle h) {
  if (PyBool_Check(h.ptr()) || PyLong_Check(h.ptr()) || PyFloat_Check(h.ptr())) return true;
  // NumPy scalars (np.float32(1), np.int64(2), np.bool_(True)) are numbers too.
  return nb::isinstance(h, nb::module_::import_("numpy").attr("generic"));
}

Scalar to_scalar(nb::handle h) {
  if (PyBool_Check(h.ptr())) return Scalar(h.ptr() == Py_True);
  if (PyLong_Check(h.ptr())) return Scalar(nb::cast<int64_t>(h));
  if (PyFloat_Check(h.ptr())) return Scalar(nb::cast<double>(h));
  if (nb::isinstance<Tensor>(h)) return nb::cast<Tensor>(h).item();
  if (nb::hasattr(h, "item")) return to_scalar(h.attr("item")());  // a NumPy scalar
  throw Error("[convis] expected a number (bool, int or float), got " + nb::cast<std::string>(nb::str(h.type())));
}

Tensor to_tensor(nb::handle h) {
  if (nb::isinstance<Tensor>(h)) return nb::cast<Tensor>(h);
  if (PyBool_Check(h.ptr()) || PyLong_Check(h.ptr()) || PyFloat_Check(h.ptr())) return scalar_tensor(to_scalar(h));
  return from_array(nb::module_::import_("numpy").attr("asarray")(h)).clone();
}

DType to_dtype(nb::handle h) {
  if (nb::isinstance<DType>(h)) return nb::cast<DType>(h);
  const std::string name = nb::cast<std::string>(nb::str(nb::module_::import_("numpy").attr("dtype")(h)));
  if (name == "float32") return kFloat32;
  if (name == "float64") return kFloat64;
  if (name == "int64") return kInt64;
  if (name == "bool") return kBool;
  throw Error("[dtype] expected convis.float32, float64, int64 or bool, got " + name);
}

nb::dict to_dict(const nn::OrderedDict<std::string, Tensor>& d) {
  nb::dict out;
  for (const auto& item : d) out[item.key().c_str()] = item.value();
  return out;
}

nn::OrderedDict<std::string, Tensor> from_dict(const nb::dict& d) {
  nn::OrderedDict<std::string, Tensor> out;
  for (auto [key, value] : d) out.insert(nb::cast<std::string>(key), to_tensor(value));
  return out;
}

namespace {

TensorOptions options(nb::handle dtype, bool requires_grad) {
  TensorOptions o;
  if (!dtype.is_none()) o = o.dtype(to_dtype(dtype));
  return o.requires_grad(requires_grad);
}

// f(*size) and f(size) alike, with dtype= and requires_grad=.
template <typename F>
void def_factory(nb::module_& m, const char* name, F f) {
  m.def(name, [f](nb::args size, nb::handle dtype, bool requires_grad) {
    const Shape s = size.size() == 1 && !PyIndex_Check(size[0].ptr()) ? to_shape(size[0]) : to_shape(size);
    return f(s, options(dtype, requires_grad));
  }, nb::arg("size"), nb::kw_only(), nb::arg("dtype").none() = nb::none(), nb::arg("requires_grad") = false);
}

std::vector<Tensor> tensors(nb::handle sequence) {
  std::vector<Tensor> out;
  for (nb::handle h : sequence) out.push_back(to_tensor(h));
  return out;
}

void bind_factories(nb::module_& m) {
  def_factory(m, "zeros", [](const Shape& s, const TensorOptions& o) { return zeros(s, o); });
  def_factory(m, "ones", [](const Shape& s, const TensorOptions& o) { return ones(s, o); });
  def_factory(m, "empty", [](const Shape& s, const TensorOptions& o) { return empty(s, o); });
  def_factory(m, "rand", [](const Shape& s, const TensorOptions& o) { return rand(s, o); });
  def_factory(m, "randn", [](const Shape& s, const TensorOptions& o) { return randn(s, o); });
  m.def("full", [](nb::handle size, nb::handle value, nb::handle dtype, bool rg) {
    return full(to_shape(size), to_scalar(value), options(dtype, rg));
  }, nb::arg("size"), nb::arg("fill_value"), nb::kw_only(), nb::arg("dtype").none() = nb::none(), nb::arg("requires_grad") = false);
  m.def("arange", [](nb::handle a, nb::handle b, nb::handle step, nb::handle dtype, bool rg) {
    const TensorOptions o = options(dtype, rg);
    if (b.is_none()) return arange(to_scalar(a), o);
    return arange(to_scalar(a), to_scalar(b), step.is_none() ? Scalar(int64_t(1)) : to_scalar(step), o);
  }, nb::arg("start"), nb::arg("end").none() = nb::none(), nb::arg("step").none() = nb::none(), nb::kw_only(),
     nb::arg("dtype").none() = nb::none(), nb::arg("requires_grad") = false);
  m.def("linspace", [](double a, double b, int64_t n, nb::handle dtype) { return linspace(a, b, n, options(dtype, false)); },
        nb::arg("start"), nb::arg("end"), nb::arg("steps"), nb::kw_only(), nb::arg("dtype").none() = nb::none());
  m.def("eye", [](int64_t n, std::optional<int64_t> k, nb::handle dtype) { return eye(n, k.value_or(n), options(dtype, false)); },
        nb::arg("n"), nb::arg("m").none() = nb::none(), nb::kw_only(), nb::arg("dtype").none() = nb::none());
  m.def("zeros_like", [](const Tensor& x) { return zeros_like(x); });
  m.def("ones_like", [](const Tensor& x) { return ones_like(x); });
  m.def("rand_like", [](const Tensor& x) { return rand_like(x); });
  m.def("randn_like", [](const Tensor& x) { return randn_like(x); });
  m.def("scalar_tensor", [](nb::handle v, nb::handle dtype) { return scalar_tensor(to_scalar(v), options(dtype, false)); },
        nb::arg("value"), nb::kw_only(), nb::arg("dtype").none() = nb::none());
  m.def("from_numpy", &from_array, nb::arg("array"), "A tensor sharing the array's memory (Note [Sharing memory with NumPy]).");
  m.def("from_dlpack", &from_dlpack, nb::arg("array"),
        "A tensor sharing the memory of a DLPack array, on the CPU or a CUDA device.");
  m.def("as_tensor", &to_tensor, nb::arg("data"));
}

void bind_ops(nb::module_& m) {
  m.def("cat", [](nb::handle ts, int64_t dim) { return cat(tensors(ts), dim); }, nb::arg("tensors"), nb::arg("dim") = 0);
  m.def("stack", [](nb::handle ts, int64_t dim) { return stack(tensors(ts), dim); }, nb::arg("tensors"), nb::arg("dim") = 0);
  m.def("matmul", [](const Tensor& a, const Tensor& b) { return matmul(a, b); }, nb::call_guard<nb::gil_scoped_release>());
  m.def("where", [](const Tensor& c, nb::handle a, nb::handle b) { return where(c, to_tensor(a), to_tensor(b)); });
  m.def("allclose", [](const Tensor& a, const Tensor& b, double rtol, double atol) { return allclose(a, b, rtol, atol); },
        nb::arg("a"), nb::arg("b"), nb::arg("rtol") = 1e-5, nb::arg("atol") = 1e-8);
  auto conv = [&](const char* name, auto fn) {
    m.def(name, [fn](const Tensor& x, const Tensor& w, std::optional<Tensor> b, nb::handle stride, nb::handle padding,
                     nb::handle dilation, int64_t groups) {
      const Shape s = to_shape(stride), p = to_shape(padding), d = to_shape(dilation);
      nb::gil_scoped_release release;
      return fn(x, w, b.value_or(Tensor()), s, p, d, groups);
    }, nb::arg("input"), nb::arg("weight"), nb::arg("bias").none() = nb::none(), nb::arg("stride") = 1, nb::arg("padding") = 0,
       nb::arg("dilation") = 1, nb::arg("groups") = 1);
  };
  conv("conv1d", [](auto&&... a) { return conv1d(a...); });
  conv("conv2d", [](auto&&... a) { return conv2d(a...); });
  conv("conv3d", [](auto&&... a) { return conv3d(a...); });
#define CONVIS_FREE_UNARY(name) m.def(#name, [](const Tensor& x) { return x.name(); });
  CONVIS_FREE_UNARY(abs) CONVIS_FREE_UNARY(exp) CONVIS_FREE_UNARY(log) CONVIS_FREE_UNARY(sqrt)
  CONVIS_FREE_UNARY(sin) CONVIS_FREE_UNARY(cos) CONVIS_FREE_UNARY(tanh) CONVIS_FREE_UNARY(sigmoid)
  CONVIS_FREE_UNARY(relu) CONVIS_FREE_UNARY(square) CONVIS_FREE_UNARY(isnan) CONVIS_FREE_UNARY(isfinite)
#undef CONVIS_FREE_UNARY
}

void bind_settings(nb::module_& m) {
  m.def("is_grad_enabled", &GradMode::is_enabled);
  m.def("set_grad_enabled", &GradMode::set_enabled, nb::arg("mode"));
  m.def("manual_seed", [](uint64_t seed) { manual_seed(seed); }, nb::arg("seed"));
  m.def("set_num_threads", &set_num_threads, nb::arg("n"));
  m.def("get_num_threads", &get_num_threads);
  m.def("cpu_capability", [] { return std::string(cpu_capability()); });
  m.def("save_npy", [](const std::string& path, const Tensor& t) { save_npy(path, t); });
  m.def("load_npy", [](const std::string& path) { return load_npy(path); });
  m.def("save_npz", [](const std::string& path, const std::map<std::string, Tensor>& t) { save_npz(path, t); });
  m.def("load_npz", [](const std::string& path) { return load_npz(path); });
}

}  // namespace

void bind_functions(nb::module_& m) {
  bind_factories(m);
  bind_ops(m);
  bind_settings(m);
}

}  // namespace convis::python
