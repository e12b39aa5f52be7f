"""Autograd from Python: requires_grad, backward, grad, no_grad."""
import numpy as np

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
