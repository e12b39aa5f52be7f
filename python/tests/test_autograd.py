"""Autograd from Python: requires_grad, backward, grad, no_grad."""
import numpy as np
import pytest

import convis


def test_backward_gives_the_gradient():
    x = convis.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x * 3).sum()
    assert y.requires_grad and y.grad_fn is not None and x.is_leaf
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0, 18.0])
    x.grad = None
    assert x.grad is None


def test_gradient_of_a_convolution_matches_finite_differences():
    x = convis.randn(1, 1, 6, 7, 9, dtype=convis.float64)
    w = convis.randn(1, 1, 2, 3, 3, dtype=convis.float64, requires_grad=True)
    loss = convis.conv3d(x, w).square().sum()
    loss.backward()
    base = w.detach().clone().numpy()
    eps, numeric = 1e-6, np.zeros_like(base)
    for index in np.ndindex(base.shape):
        for sign in (1, -1):
            shifted = base.copy()
            shifted[index] += sign * eps
            value = convis.conv3d(x, convis.from_numpy(shifted)).square().sum().item()
            numeric[index] += sign * value / (2 * eps)
    np.testing.assert_allclose(w.grad.numpy(), numeric, rtol=1e-5, atol=1e-5)


def test_no_grad_and_enable_grad():
    x = convis.ones(2, requires_grad=True)
    with convis.no_grad():
        assert not (x * 2).requires_grad
        with convis.enable_grad():
            assert (x * 2).requires_grad
    assert (x * 2).requires_grad

    @convis.no_grad()
    def doubled(t):
        return t * 2

    assert not doubled(x).requires_grad
    assert convis.is_grad_enabled()


class Cube(convis.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.save_for_backward(x)
        ctx.scale = scale
        return x * x * x * scale

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x * ctx.scale, None


class SplitSign(convis.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.clamp(min=0.0), x.clamp(max=0.0)

    @staticmethod
    def backward(ctx, g_pos, g_neg):
        return g_pos + 2 * g_neg


def test_python_function_in_the_graph():
    x = convis.tensor([1.0, -2.0, 3.0], dtype=convis.float64, requires_grad=True)
    y = Cube.apply(x, 2.0)
    assert y.grad_fn == "CubeBackward"
    np.testing.assert_allclose(y.detach().numpy(), [2.0, -16.0, 54.0])
    (y.sum() * 1.0).backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 24.0, 54.0])
    x.grad = None
    pos, neg = SplitSign.apply(x)
    (pos.sum() + 3 * neg.sum()).backward()  # both gradients arrive, in order: 1 + 2 * 3
    np.testing.assert_allclose(x.grad.numpy(), [7.0, 7.0, 7.0])
    with convis.no_grad():
        assert not Cube.apply(x, 1.0).requires_grad


def test_python_function_errors_arrive_as_exceptions():
    class Broken(convis.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            raise ValueError("no gradient here")

    x = convis.ones(2, requires_grad=True)
    try:
        Broken.apply(x).sum().backward()
    except ValueError as e:
        assert "no gradient here" in str(e)
    else:
        raise AssertionError("backward's exception was lost")


def test_gradcheck_of_python_functions_and_ops_in_float64():
    x = convis.randn(5, dtype=convis.float64, requires_grad=True)
    assert convis.autograd.gradcheck(lambda t: Cube.apply(t, 0.5), [x])
    assert convis.autograd.gradgradcheck(lambda t: Cube.apply(t, 0.5), [x])
    w = convis.randn(1, 1, 2, 2, 3, dtype=convis.float64, requires_grad=True)
    v = convis.randn(1, 1, 4, 5, 6, dtype=convis.float64, requires_grad=True)
    assert convis.autograd.gradcheck(lambda a, b: convis.conv3d(a, b), [v, w])

    class WrongGradient(convis.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 3

    with pytest.raises(convis.Error, match=r"\[gradcheck\]"):
        convis.autograd.gradcheck(WrongGradient.apply, [x])
    assert not convis.autograd.gradcheck(WrongGradient.apply, [x], raise_exception=False)


def test_misuse_of_functions_is_a_convis_error():
    class NotATensor(convis.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            return 3

    with pytest.raises(convis.Error, match=r"\[Function\] expected forward's results to be tensors \(or None\), "
                                           r"got <class 'int'>"):
        NotATensor.apply(convis.ones(2, requires_grad=True))
