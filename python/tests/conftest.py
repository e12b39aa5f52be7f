"""Shared fixtures of the Python package's tests (python/tests), run by CTest as python/pytest."""
import numpy as np
import pytest

import convis


@pytest.fixture(autouse=True)
def seeded():
    """Every test starts from the same random state and with gradients on."""
    convis.manual_seed(0)
    convis.set_grad_enabled(True)
    yield


def conv3d_reference(x, w):
    """A valid 3-D cross-correlation of x [N, C, T, H, W] with w [O, C, kt, kh, kw], in float64."""
    n, c, t, h, wd = x.shape
    o, _, kt, kh, kw = w.shape
    out = np.zeros((n, o, t - kt + 1, h - kh + 1, wd - kw + 1))
    for a in range(kt):
        for b in range(kh):
            for d in range(kw):
                patch = x[:, :, a:a + out.shape[2], b:b + out.shape[3], d:d + out.shape[4]]
                out += np.einsum("nczyx,oc->nozyx", patch, w[:, :, a, b, d])
    return out
