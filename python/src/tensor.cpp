// python/src/tensor.cpp: convis.Tensor, the dtypes, and memory shared with NumPy and DLPack
// (Note [Python bindings] in bindings.h; Note [Sharing memory with NumPy] below).
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <sstream>
#include <variant>

#include "bindings.h"
#include "convis/core/cuda_memory.h"

namespace convis::python {

// Note [Sharing memory with NumPy]
// t.numpy() hands NumPy the tensor's own memory, with a capsule that holds a copy of the Tensor
// (a reference to its storage) as the array's owner: the memory lives as long as either does.
// from_numpy(a) wraps the array's memory with from_blob, whose deleter holds a reference to
// the array (nanobind's ndarray takes the GIL when it lets go).  Strides stay as they are; an
// array with a negative stride or read-only memory is copied instead (a convis tensor has
// neither), as are dtypes convis lacks.

namespace {

nb::dlpack::dtype dlpack_dtype(DType dtype) {
  switch (dtype) {
    case kFloat32: return nb::dtype<float>();
    case kFloat64: return nb::dtype<double>();
    case kInt64: return nb::dtype<int64_t>();
    case kBool: return nb::dtype<bool>();
  }
  throw Error("[numpy] unknown dtype");
}

std::optional<DType> convis_dtype(nb::dlpack::dtype d) {
  if (d == nb::dtype<float>()) return kFloat32;
  if (d == nb::dtype<double>()) return kFloat64;
  if (d == nb::dtype<int64_t>()) return kInt64;
  if (d == nb::dtype<bool>()) return kBool;
  return std::nullopt;
}

nb::ndarray<nb::numpy> to_numpy(const Tensor& t) {
  CONVIS_CHECK(t.is_cpu(), "numpy", "expected a CPU tensor, got one on {} (call .cpu() first)", t.device().str());
  CONVIS_CHECK(!t.requires_grad(), "numpy", "expected a tensor that does not require grad, got one that does "
               "(use t.detach().numpy())");
  std::vector<size_t> shape(t.sizes().begin(), t.sizes().end());
  std::vector<int64_t> strides(t.strides().begin(), t.strides().end());
  nb::capsule owner(new Tensor(t), [](void* p) noexcept { delete static_cast<Tensor*>(p); });
  return nb::ndarray<nb::numpy>(t.data_ptr(), size_t(t.dim()), shape.data(), owner, strides.data(),
                                dlpack_dtype(t.dtype()));
}

// A CUDA tensor as a DLPack capsule on its device (what nanobind makes of an ndarray without a
// framework), after the device's current stream has finished: a consumer on another stream or library then reads
// finished data.  It keeps the tensor alive.
nb::object cuda_array(const Tensor& t) {
  CONVIS_CHECK(!t.requires_grad(), "__dlpack__", "expected a tensor that does not require grad, got one that does "
               "(use t.detach())");
  cuda::getCurrentCUDAStream(t.device().index()).synchronize();
  std::vector<size_t> shape(t.sizes().begin(), t.sizes().end());
  std::vector<int64_t> strides(t.strides().begin(), t.strides().end());
  nb::capsule owner(new Tensor(t), [](void* p) noexcept { delete static_cast<Tensor*>(p); });
  return nb::cast(nb::ndarray<>(t.data_ptr(), size_t(t.dim()), shape.data(), owner, strides.data(),
                                dlpack_dtype(t.dtype()), nb::device::cuda::value, t.device().index()));
}

// The NumPy copy of an array-like (a list, a read-only or reversed array, another dtype).
nb::object numpy_copy(nb::handle h, const char* dtype = nullptr) {
  nb::module_ np = nb::module_::import_("numpy");
  return dtype ? np.attr("array")(h, nb::arg("dtype") = dtype) : np.attr("array")(h);
}

using Operand = std::variant<Tensor, Scalar>;

Operand operand(nb::handle h) {
  if (nb::isinstance<Tensor>(h)) return nb::cast<Tensor>(h);
  if (is_number(h)) return to_scalar(h);
  return to_tensor(h);
}

// a.op(b) for a Tensor or Scalar b; reflected (b op a) makes b a 0-dim tensor first.
template <typename F>
Tensor binary(const Tensor& a, nb::handle b, F&& op) {
  return std::visit([&](const auto& v) { return op(a, v); }, operand(b));
}
template <typename F>
Tensor reflected(const Tensor& a, nb::handle b, F&& op) {
  const Operand left = operand(b);
  const Tensor l = std::holds_alternative<Tensor>(left) ? std::get<Tensor>(left) : scalar_tensor(std::get<Scalar>(left));
  return op(l, a);
}

std::vector<indexing::TensorIndex> to_indices(nb::handle key) {
  std::vector<indexing::TensorIndex> out;
  auto one = [&](nb::handle k) {
    auto bound = [](nb::handle v) -> std::optional<int64_t> {
      if (v.is_none()) return std::nullopt;
      return nb::cast<int64_t>(v);
    };
    if (k.is_none()) {
      out.emplace_back(indexing::None);
    } else if (k.ptr() == Py_Ellipsis) {
      out.emplace_back(indexing::Ellipsis);
    } else if (PySlice_Check(k.ptr())) {
      out.emplace_back(indexing::Slice(bound(k.attr("start")), bound(k.attr("stop")), bound(k.attr("step"))));
    } else if (PyBool_Check(k.ptr())) {
      out.emplace_back(k.ptr() == Py_True);
    } else if (nb::isinstance<Tensor>(k)) {
      out.emplace_back(nb::cast<Tensor>(k));
    } else if (PyIndex_Check(k.ptr())) {
      out.emplace_back(nb::cast<int64_t>(k));
    } else {
      out.emplace_back(to_tensor(k));  // a list or array of indices, or a mask
    }
  };
  if (PyTuple_Check(key.ptr())) {
    for (nb::handle k : nb::borrow<nb::tuple>(key)) one(k);
  } else {
    one(key);
  }
  return out;
}

// t.view(2, 3) and t.view((2, 3)) alike.
Shape shape_args(const nb::args& args) {
  if (args.size() == 1 && !PyIndex_Check(args[0].ptr())) return to_shape(args[0]);
  return to_shape(args);
}

nb::object item(const Tensor& t) {
  const Scalar s = t.item();
  if (t.dtype() == kBool) return nb::bool_(s.to<bool>());
  if (t.dtype() == kInt64) return nb::int_(s.to<int64_t>());
  return nb::float_(s.to<double>());
}

nb::object optional_tensor(const Tensor& t) { return t.defined() ? nb::cast(t) : nb::none(); }

std::string tensor_repr(const Tensor& t) {
  std::ostringstream out;
  out << t;
  return out.str();
}

void bind_dtypes(nb::module_& m) {
  nb::enum_<DType>(m, "dtype")
      .value("bool", kBool)
      .value("int64", kInt64)
      .value("float32", kFloat32)
      .value("float64", kFloat64)
      .def("__repr__", [](DType d) { return "convis." + std::string(dtype_name(d)); })
      .def_prop_ro("is_floating_point", [](DType d) { return is_floating_point(d); })
      .def_prop_ro("itemsize", [](DType d) { return dtype_size(d); });
  m.attr("bool") = kBool;
  m.attr("int64") = kInt64, m.attr("long") = kInt64;
  m.attr("float32") = kFloat32, m.attr("float") = kFloat32;
  m.attr("float64") = kFloat64, m.attr("double") = kFloat64;
}

// The dtype a NumPy copy of an array of dtype d takes (float32 or int64), or an Error for the
// dtypes that have no such copy (complex).
const char* numeric_target(nb::dlpack::dtype d) {
  using Code = nb::dlpack::dtype_code;
  if (d.code == uint8_t(Code::Float) || d.code == uint8_t(Code::Bfloat)) return "float32";
  if (d.code == uint8_t(Code::Int) || d.code == uint8_t(Code::UInt)) return "int64";
  throw Error("[from_numpy] expected a bool, integer or floating array, got dtype code " + std::to_string(d.code) +
              " with " + std::to_string(d.bits) + " bits (complex?)");
}

}  // namespace

// A CUDA DLPack array (a torch.cuda tensor, CuPy, a convis CUDA tensor) as a tensor sharing its
// device memory; the array is kept alive by the tensor.
Tensor from_cuda_array(nb::handle array) {
  nb::ndarray<nb::device::cuda> a;
  CONVIS_CHECK(nb::try_cast(nb::borrow(array), a), "from_dlpack", "expected a DLPack array of a CUDA device, got {}",
               nb::cast<std::string>(nb::str(array.type())));
  const Device device(kCUDA, int(a.device_id()));
  cuda_memory::checked_index(device, "from_dlpack");
  const std::optional<DType> dtype = convis_dtype(a.dtype());
  CONVIS_CHECK(dtype.has_value(), "from_dlpack", "expected a bool, int64, float32 or float64 CUDA array, got dtype "
               "code {} with {} bits", int(a.dtype().code), int(a.dtype().bits));
  Shape sizes, strides;
  for (size_t d = 0; d < a.ndim(); ++d) sizes.push_back(int64_t(a.shape(d))), strides.push_back(a.stride(d));
  auto release = [a](void*) mutable { a = {}; };
  return from_blob(const_cast<void*>(a.data()), sizes, strides, release, TensorOptions(*dtype).device(device));
}

Tensor from_dlpack(nb::handle array) {
  if (nb::hasattr(array, "__dlpack_device__")) {
    const auto where = nb::cast<std::tuple<int, int>>(array.attr("__dlpack_device__")());
    if (std::get<0>(where) == 2) return from_cuda_array(array);  // kDLCUDA
  }
  return from_array(array);
}

Tensor from_array(nb::handle array) {
  nb::ndarray<nb::ro, nb::device::cpu> a;
  nb::object keep = nb::borrow(array);
  const bool read_only = nb::hasattr(array, "flags") && !nb::cast<bool>(array.attr("flags").attr("writeable"));
  if (read_only || !nb::try_cast(keep, a)) {
    keep = numpy_copy(array);
    if (!nb::try_cast(keep, a))
      throw Error("[from_numpy] expected an array on the CPU (NumPy, DLPack or the buffer protocol), got " +
                  nb::cast<std::string>(nb::str(array.type())));
  }
  bool negative = false;
  for (size_t d = 0; d < a.ndim(); ++d) negative |= a.stride(d) < 0;
  std::optional<DType> dtype = convis_dtype(a.dtype());
  if (negative || !dtype) {  // copy, converting a dtype convis lacks (float16, int32, uint8, ...)
    const char* target = nullptr;
    if (!dtype) target = numeric_target(a.dtype());
    keep = numpy_copy(keep, target);
    a = nb::cast<nb::ndarray<nb::ro, nb::device::cpu>>(keep);
    dtype = convis_dtype(a.dtype());
  }
  Shape sizes, strides;
  for (size_t d = 0; d < a.ndim(); ++d) sizes.push_back(int64_t(a.shape(d))), strides.push_back(a.stride(d));
  auto release = [a](void*) mutable { a = {}; };  // nanobind takes the GIL to let go
  return from_blob(const_cast<void*>(a.data()), sizes, strides, release, TensorOptions(*dtype));
}

void bind_tensor(nb::module_& m) {
  bind_dtypes(m);
  nb::class_<Tensor> t(m, "Tensor");
  t.def_prop_ro("shape", [](const Tensor& x) { return std::vector<int64_t>(x.sizes().begin(), x.sizes().end()); })
      .def("size", [](const Tensor& x) { return std::vector<int64_t>(x.sizes().begin(), x.sizes().end()); })
      .def("size", [](const Tensor& x, int64_t d) { return x.size(d); })
      .def("stride", [](const Tensor& x) { return std::vector<int64_t>(x.strides().begin(), x.strides().end()); })
      .def("stride", [](const Tensor& x, int64_t d) { return x.stride(d); })
      .def_prop_ro("dtype", [](const Tensor& x) { return x.scalar_type(); })
      .def_prop_ro("ndim", &Tensor::dim)
      .def("dim", &Tensor::dim)
      .def("numel", &Tensor::numel)
      .def("element_size", &Tensor::element_size)
      .def("is_contiguous", &Tensor::is_contiguous)
      .def("is_floating_point", &Tensor::is_floating_point)
      .def("storage_offset", &Tensor::storage_offset)
      .def("data_ptr", [](const Tensor& x) { return uintptr_t(x.data_ptr()); })
      .def("item", &item)
      .def("__len__", [](const Tensor& x) { return x.size(0); })
      .def("__iter__", [](const Tensor& x) {
        if (x.dim() == 0) throw nb::type_error("iteration over a 0-d tensor");
        std::vector<Tensor> rows;
        for (int64_t i = 0; i < x.size(0); ++i) rows.push_back(x.select(0, i));
        return nb::iter(nb::cast(rows));
      })
      .def("__repr__", &tensor_repr)
      .def("__hash__", [](nb::handle self) { return nb::hash(nb::int_(uintptr_t(self.ptr()))); })
      .def("numpy", &to_numpy)
      .def("__array__", [](const Tensor& x, nb::handle, nb::handle) { return to_numpy(x); },
           nb::arg("dtype").none() = nb::none(), nb::arg("copy").none() = nb::none())
      .def("__dlpack__", [](const Tensor& x, nb::kwargs kw) {
        return x.is_cuda() ? cuda_array(x) : nb::cast(to_numpy(x)).attr("__dlpack__")(**kw);
      })
      .def("__dlpack_device__", [](const Tensor& x) {  // kDLCPU (1) or kDLCUDA (2), and the index
        return x.is_cuda() ? std::make_tuple(2, int(x.device().index())) : std::make_tuple(1, 0);
      })
      .def("__getitem__", [](const Tensor& x, nb::handle key) { return x.index(to_indices(key)); })
      .def("__setitem__", [](const Tensor& x, nb::handle key, nb::handle value) {
        const std::vector<indexing::TensorIndex> indices = to_indices(key);
        if (is_number(value)) x.index_put_(indices, to_scalar(value));
        else x.index_put_(indices, to_tensor(value));
      });
  // ---- autograd ----
  t.def_prop_rw("requires_grad", &Tensor::requires_grad, [](Tensor& x, bool r) { x.requires_grad_(r); })
      .def("requires_grad_", [](const Tensor& x, bool r) { return x.requires_grad_(r); }, nb::arg("requires_grad") = true)
      .def_prop_rw("grad", [](const Tensor& x) { return optional_tensor(x.grad()); },
                   [](Tensor& x, std::optional<Tensor> g) { x.mutable_grad() = g.value_or(Tensor()); }, nb::arg().none())
      .def_prop_ro("is_leaf", &Tensor::is_leaf)
      .def_prop_ro("grad_fn", [](const Tensor& x) -> nb::object {
        auto fn = x.grad_fn();
        if (!fn) return nb::none();
        return nb::str(fn->name().c_str());
      })
      .def("retain_grad", &Tensor::retain_grad)
      .def("detach", &Tensor::detach)
      .def("detach_", [](const Tensor& x) { return x.detach_(); })
      .def("backward", [](const Tensor& x, std::optional<Tensor> gradient, std::optional<bool> retain, bool create) {
        x.backward(gradient.value_or(Tensor()), retain, create);
      }, nb::arg("gradient").none() = nb::none(), nb::arg("retain_graph").none() = nb::none(), nb::arg("create_graph") = false,
         nb::call_guard<nb::gil_scoped_release>());
  // ---- conversions, copies, views ----
  // to("cuda"), to("cpu:0") or to(dtype), as torch
  t.def("to", [](const Tensor& x, nb::handle target, bool non_blocking) {
        if (nb::isinstance<nb::str>(target)) return x.to(Device(nb::cast<std::string>(target)), non_blocking);
        return x.to(to_dtype(target), non_blocking);
      }, nb::arg("target"), nb::arg("non_blocking") = false)
      .def("cuda", &Tensor::cuda)
      .def("pin_memory", &Tensor::pin_memory)
      .def("is_pinned", &Tensor::is_pinned)
      .def_prop_ro("device", [](const Tensor& x) { return x.device().str(); })
      .def_prop_ro("is_cuda", &Tensor::is_cuda)
      .def("float", [](const Tensor& x) { return x.to(kFloat32); })
      .def("double", [](const Tensor& x) { return x.to(kFloat64); })
      .def("long", [](const Tensor& x) { return x.to(kInt64); })
      .def("bool", [](const Tensor& x) { return x.to(kBool); })
      .def("cpu", &Tensor::cpu)
      .def("contiguous", &Tensor::contiguous)
      .def("clone", &Tensor::clone)
      .def("copy_", [](const Tensor& x, const Tensor& src) { return x.copy_(src); })
      .def("fill_", [](const Tensor& x, nb::handle v) { return x.fill_(to_scalar(v)); })
      .def("zero_", [](const Tensor& x) { return x.zero_(); })
      .def("view", [](const Tensor& x, nb::args s) { return x.view(shape_args(s)); })
      .def("reshape", [](const Tensor& x, nb::args s) { return x.reshape(shape_args(s)); })
      .def("expand", [](const Tensor& x, nb::args s) { return x.expand(shape_args(s)); })
      .def("permute", [](const Tensor& x, nb::args s) { return x.permute(shape_args(s)); })
      .def("flip", [](const Tensor& x, nb::args s) { return x.flip(shape_args(s)); })
      .def("transpose", &Tensor::transpose)
      .def("t", &Tensor::t)
      .def_prop_ro("T", [](const Tensor& x) {
        Shape reversed;
        for (int64_t d = x.dim() - 1; d >= 0; --d) reversed.push_back(d);
        return x.permute(reversed);
      })
      .def("squeeze", [](const Tensor& x, std::optional<int64_t> d) { return d ? x.squeeze(*d) : x.squeeze(); },
           nb::arg("dim").none() = nb::none())
      .def("unsqueeze", &Tensor::unsqueeze)
      .def("flatten", &Tensor::flatten, nb::arg("start_dim") = 0, nb::arg("end_dim") = -1)
      .def("narrow", &Tensor::narrow)
      .def("select", &Tensor::select)
      .def("unfold", &Tensor::unfold)
      .def("split", &Tensor::split, nb::arg("split_size"), nb::arg("dim") = 0)
      .def("chunk", &Tensor::chunk, nb::arg("chunks"), nb::arg("dim") = 0);
  // ---- elementwise ----
#define CONVIS_UNARY(name) \
  t.def(#name, [](const Tensor& x) { return x.name(); }).def(#name "_", [](const Tensor& x) { return x.name##_(); });
  CONVIS_UNARY(abs) CONVIS_UNARY(neg) CONVIS_UNARY(sign) CONVIS_UNARY(exp) CONVIS_UNARY(log) CONVIS_UNARY(log1p)
  CONVIS_UNARY(expm1) CONVIS_UNARY(sqrt) CONVIS_UNARY(rsqrt) CONVIS_UNARY(reciprocal) CONVIS_UNARY(square)
  CONVIS_UNARY(sin) CONVIS_UNARY(cos) CONVIS_UNARY(tanh) CONVIS_UNARY(sigmoid) CONVIS_UNARY(relu)
  CONVIS_UNARY(floor) CONVIS_UNARY(ceil) CONVIS_UNARY(round)
#undef CONVIS_UNARY
  t.def("logical_not", &Tensor::logical_not)
      .def("isnan", &Tensor::isnan)
      .def("isinf", &Tensor::isinf)
      .def("isfinite", &Tensor::isfinite)
      .def("clamp", [](const Tensor& x, nb::handle lo, nb::handle hi) {
        auto bound = [](nb::handle b) { return b.is_none() ? std::optional<Scalar>() : to_scalar(b); };
        return x.clamp(bound(lo), bound(hi));
      }, nb::arg("min").none() = nb::none(), nb::arg("max").none() = nb::none())
      .def("where", [](const Tensor& x, const Tensor& c, nb::handle o) { return x.where(c, to_tensor(o)); })
      .def("masked_fill", [](const Tensor& x, const Tensor& mask, nb::handle v) { return x.masked_fill(mask, to_scalar(v)); });
#define CONVIS_BINARY(py, method)                                                                           \
  t.def(py, [](const Tensor& a, nb::handle b) { return binary(a, b, [](const Tensor& l, const auto& r) { return l.method(r); }); });
  CONVIS_BINARY("__add__", add) CONVIS_BINARY("__sub__", sub) CONVIS_BINARY("__mul__", mul)
  CONVIS_BINARY("__truediv__", div) CONVIS_BINARY("__pow__", pow) CONVIS_BINARY("__mod__", remainder)
  CONVIS_BINARY("__eq__", eq) CONVIS_BINARY("__ne__", ne) CONVIS_BINARY("__lt__", lt) CONVIS_BINARY("__le__", le)
  CONVIS_BINARY("__gt__", gt) CONVIS_BINARY("__ge__", ge)
  CONVIS_BINARY("add", add) CONVIS_BINARY("sub", sub) CONVIS_BINARY("mul", mul) CONVIS_BINARY("div", div)
  CONVIS_BINARY("pow", pow) CONVIS_BINARY("remainder", remainder) CONVIS_BINARY("eq", eq) CONVIS_BINARY("ne", ne)
  CONVIS_BINARY("lt", lt) CONVIS_BINARY("le", le) CONVIS_BINARY("gt", gt) CONVIS_BINARY("ge", ge)
  CONVIS_BINARY("__iadd__", add_) CONVIS_BINARY("__isub__", sub_) CONVIS_BINARY("__imul__", mul_)
  CONVIS_BINARY("__itruediv__", div_) CONVIS_BINARY("add_", add_) CONVIS_BINARY("sub_", sub_)
  CONVIS_BINARY("mul_", mul_) CONVIS_BINARY("div_", div_) CONVIS_BINARY("pow_", pow_)
#undef CONVIS_BINARY
#define CONVIS_REFLECTED(py, method) \
  t.def(py, [](const Tensor& a, nb::handle b) { return reflected(a, b, [](const Tensor& l, const Tensor& r) { return l.method(r); }); });
  CONVIS_REFLECTED("__radd__", add) CONVIS_REFLECTED("__rsub__", sub) CONVIS_REFLECTED("__rmul__", mul)
  CONVIS_REFLECTED("__rtruediv__", div) CONVIS_REFLECTED("__rpow__", pow) CONVIS_REFLECTED("__rmatmul__", matmul)
#undef CONVIS_REFLECTED
  t.def("__neg__", &Tensor::neg)
      .def("__abs__", &Tensor::abs)
      .def("__invert__", &Tensor::logical_not)
      .def("__and__", &Tensor::logical_and)
      .def("__or__", &Tensor::logical_or)
      .def("__xor__", &Tensor::logical_xor)
      .def("__bool__", [](const Tensor& x) { return x.numel() == 1 ? x.item().to<bool>() : throw Error(
          "[__bool__] expected a tensor of one element, got " + std::to_string(x.numel())); })
      .def("__float__", [](const Tensor& x) { return x.item().to<double>(); })
      .def("__int__", [](const Tensor& x) { return x.item().to<int64_t>(); })
      .def("__matmul__", &Tensor::matmul, nb::call_guard<nb::gil_scoped_release>())
      .def("matmul", &Tensor::matmul, nb::call_guard<nb::gil_scoped_release>())
      .def("mm", &Tensor::mm, nb::call_guard<nb::gil_scoped_release>())
      .def("bmm", &Tensor::bmm, nb::call_guard<nb::gil_scoped_release>())
      .def("dot", &Tensor::dot)
      .def("maximum", &Tensor::maximum)
      .def("minimum", &Tensor::minimum);
  // ---- reductions ----
  auto dims = [](nb::handle d) { return d.is_none() ? std::optional<Shape>() : to_shape(d); };
#define CONVIS_REDUCTION(name)                                                                   \
  t.def(#name, [dims](const Tensor& x, nb::handle dim, bool keepdim) {                           \
    const std::optional<Shape> d = dims(dim);                                                    \
    return d ? x.name(*d, keepdim) : x.name();                                                   \
  }, nb::arg("dim").none() = nb::none(), nb::arg("keepdim") = false);
  CONVIS_REDUCTION(sum) CONVIS_REDUCTION(mean)
#undef CONVIS_REDUCTION
  t.def("amax", [dims](const Tensor& x, nb::handle d, bool k) { return x.amax(dims(d).value_or(Shape{}), k); },
        nb::arg("dim").none() = nb::none(), nb::arg("keepdim") = false)
      .def("amin", [dims](const Tensor& x, nb::handle d, bool k) { return x.amin(dims(d).value_or(Shape{}), k); },
           nb::arg("dim").none() = nb::none(), nb::arg("keepdim") = false)
      .def("max", [](const Tensor& x) { return x.max(); })
      .def("min", [](const Tensor& x) { return x.min(); })
      .def("argmax", &Tensor::argmax, nb::arg("dim").none() = nb::none(), nb::arg("keepdim") = false)
      .def("argmin", &Tensor::argmin, nb::arg("dim").none() = nb::none(), nb::arg("keepdim") = false)
      .def("prod", [](const Tensor& x) { return x.prod(); })
      .def("var", [](const Tensor& x, bool unbiased) { return x.var(unbiased); }, nb::arg("unbiased") = true)
      .def("std", [](const Tensor& x, bool unbiased) { return x.std(unbiased); }, nb::arg("unbiased") = true)
      .def("norm", [](const Tensor& x, double p) { return x.norm(p); }, nb::arg("p") = 2.0)
      .def("all", [](const Tensor& x) { return x.all(); })
      .def("any", [](const Tensor& x) { return x.any(); })
      .def("softmax", [](const Tensor& x, int64_t d) { return x.softmax(d); })
      .def("log_softmax", [](const Tensor& x, int64_t d) { return x.log_softmax(d); })
      .def("cumsum", [](const Tensor& x, int64_t d) { return x.cumsum(d); });
}

}  // namespace convis::python
