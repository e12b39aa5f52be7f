"""convis: a C++ tensor and autograd engine with the convis layer model, from Python.

    import convis, numpy as np
    a = np.arange(6.0).reshape(2, 3)
    t = convis.from_numpy(a)            # shares a's memory
    y = (t * 2).sum()
    retina = convis.models.Retina()
    o = retina.run(convis.samples.moving_bar(2000, 20, 20), dt=100)
    on_spikes = o[0].numpy()            # (1, 1, 2000, 20, 20), shares the tensor's memory

Everything computes in the C++ engine (python/src); this package adds what Python users
expect around it: convis.tensor from nested lists, the no_grad / enable_grad context managers,
tolist() on tensors.
"""
import functools as _functools
import sys as _sys

import numpy as _np

from . import _convis
from ._convis import *  # noqa: F401,F403  Tensor, dtypes, factories, ops, Error, ...
from ._convis import Tensor, Error, Layer, autograd, cuda, filters, models, nn, optim, samples, streams  # noqa: F401

# The extension's submodules, importable as convis.filters, convis.models, convis.nn, ...
for _name in ("autograd", "cuda", "filters", "models", "nn", "optim", "samples", "streams"):
    _sys.modules[__name__ + "." + _name] = getattr(_convis, _name)
_sys.modules[__name__ + ".nn.functional"] = nn.functional


class _Sequential:
    """convis.nn.Sequential(m1, m2, ...): calls the modules in turn (as torch.nn.Sequential);
    parameters() and state_dict() gather theirs, named by position ("0.weight", ...)."""

    def __init__(self, *modules):
        self.modules = list(modules)

    def __call__(self, x):
        for module in self.modules:
            x = module(x)
        return x

    forward = __call__

    def __getitem__(self, index):
        return self.modules[index]

    def __len__(self):
        return len(self.modules)

    def parameters(self):
        return [p for m in self.modules if hasattr(m, "parameters") for p in m.parameters()]

    def state_dict(self):
        return {f"{i}.{k}": v for i, m in enumerate(self.modules) if hasattr(m, "state_dict")
                for k, v in m.state_dict().items()}

    def load_state_dict(self, state, strict=True):
        for i, m in enumerate(self.modules):
            prefix = f"{i}."
            own = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
            if hasattr(m, "load_state_dict"):
                m.load_state_dict(own, strict)

    def __repr__(self):
        return "Sequential(" + ", ".join(repr(m) for m in self.modules) + ")"


nn.Sequential = _Sequential


class _Function:
    """Subclass with static forward(ctx, *args) and backward(ctx, *grads), call Cls.apply(*args)
    (as torch.autograd.Function; Note [Python functions in the graph] in python/src/function.cpp)."""

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("a convis.autograd.Function needs a static forward(ctx, ...)")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("a convis.autograd.Function needs a static backward(ctx, ...)")

    @classmethod
    def apply(cls, *args):
        return autograd._apply(cls, *args)


_Function.__name__ = _Function.__qualname__ = "Function"
autograd.Function = _Function

bool = _convis.bool  # noqa: A001  the dtype convis.bool, as torch.bool
float = _convis.float  # noqa: A001
long = _convis.long


def tensor(data, dtype=None, requires_grad=False):
    """A new tensor holding a copy of data (nested lists, a number, a NumPy array or a Tensor).

    As torch.tensor: Python floats become float32, ints int64, bools bool; a NumPy array keeps
    its dtype (float64 stays float64) unless dtype says otherwise."""
    if isinstance(data, Tensor):
        t = data.detach().clone()
    else:
        array = _np.asarray(data)
        if dtype is None and not isinstance(data, _np.ndarray) and array.dtype == _np.float64:
            array = array.astype(_np.float32)
        t = _convis.from_numpy(_np.array(array, order="C")).clone()  # (ascontiguousarray makes 0-d 1-d)
    if dtype is not None:
        t = t.to(dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


class _GradMode:
    """Sets grad mode inside a with block (and in a function it decorates), then restores it."""

    mode = None

    def __enter__(self):
        self._previous = _convis.is_grad_enabled()
        _convis.set_grad_enabled(self.mode)

    def __exit__(self, *exc):
        _convis.set_grad_enabled(self._previous)
        return False

    def __call__(self, function):
        @_functools.wraps(function)
        def wrapped(*args, **kwargs):
            with type(self)():
                return function(*args, **kwargs)
        return wrapped


class no_grad(_GradMode):
    """with convis.no_grad(): ops record no graph (as torch.no_grad)."""

    mode = False


class enable_grad(_GradMode):
    """with convis.enable_grad(): ops record again inside a no_grad block."""

    mode = True


def _tolist(self):
    """The values as nested Python lists (numbers for a 0-dim tensor)."""
    return self.detach().numpy().tolist()



Tensor.tolist = _tolist


class _OptimizerSetter:
    """layer.set_optimizer.Adam(lr=0.01) as in the original toolbox, or layer.set_optimizer(opt):
    the layer keeps the optimizer over its parameters for layer.optimize(input, target, dt)."""

    def __init__(self, layer):
        self._layer = layer

    def __call__(self, optimizer):
        self._layer._set_optimizer(optimizer)
        return optimizer

    def __getattr__(self, name):
        kind = getattr(optim, name)

        def make(*args, **kwargs):
            return self(kind(self._layer.parameters(), *args, **kwargs))
        return make

    def __dir__(self):
        return [name for name in dir(optim) if not name.startswith("_") and name != "Optimizer"]


Layer.set_optimizer = property(_OptimizerSetter, doc=_OptimizerSetter.__doc__)

dtype.__repr__ = lambda self: "convis." + self.name  # noqa: F405  as torch.float32 prints
