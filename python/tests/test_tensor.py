"""Tensor operations from Python give NumPy's values; errors are convis.Error with the C++ message."""
import numpy as np
import pytest

import convis


def test_arithmetic_and_promotion_match_numpy():
    a = np.linspace(-2, 2, 12).reshape(3, 4)
    b = np.linspace(1, 3, 4)
    ta, tb = convis.from_numpy(a), convis.from_numpy(b)
    np.testing.assert_allclose((ta + tb).numpy(), a + b)
    np.testing.assert_allclose((ta * 2 - 1).numpy(), a * 2 - 1)
    np.testing.assert_allclose((1 - ta).numpy(), 1 - a)
    np.testing.assert_allclose((2.5 / tb).numpy(), 2.5 / b)
    np.testing.assert_allclose((ta ** 2).numpy(), a ** 2)
    np.testing.assert_allclose((ta @ tb).numpy(), a @ b)
    np.testing.assert_allclose(ta.exp().sum(dim=1).numpy(), np.exp(a).sum(axis=1))
    np.testing.assert_allclose(ta.mean().item(), a.mean(), atol=1e-15)
    assert (convis.arange(4) + 1).dtype == convis.int64
    assert (convis.arange(4) + 0.5).dtype == convis.float32
    assert (convis.arange(4) / 2).dtype == convis.float32


def test_indexing_and_assignment():
    t = convis.arange(24).view(2, 3, 4)
    a = np.arange(24).reshape(2, 3, 4)
    for key in [1, (1, 2), (slice(None), 1), (Ellipsis, -1), (0, slice(1, None, 2)), (None, 1)]:
        np.testing.assert_array_equal(t[key].numpy(), a[key])
    np.testing.assert_array_equal(t[t > 20].numpy(), a[a > 20])
    t[0, :, 0] = -1
    assert t[0, 2, 0].item() == -1
    assert t.view(6, 4).shape == [6, 4] and t.reshape((4, 6)).shape == [4, 6]
    assert t.permute(2, 0, 1).shape == [4, 2, 3]


def test_factories_dtypes_and_values():
    assert convis.zeros(2, 3).dtype == convis.float32
    assert convis.zeros((2, 3), dtype=convis.float64).shape == [2, 3]
    assert convis.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert convis.tensor([[1.0, 2.0]]).dtype == convis.float32
    assert convis.tensor(np.array([1.0])).dtype == convis.float64
    assert convis.tensor([True]).dtype == convis.bool
    assert convis.full((2,), 3.5).tolist() == [3.5, 3.5]
    assert convis.ones(3, dtype="float64").dtype == convis.float64
    assert repr(convis.float32) == "convis.float32"
    convis.manual_seed(3)
    first = convis.rand(5).tolist()
    convis.manual_seed(3)
    assert convis.rand(5).tolist() == first


def test_conv3d_matches_a_numpy_reference(tmp_path):
    from conftest import conv3d_reference
    x = np.random.default_rng(1).standard_normal((1, 2, 9, 12, 21))
    w = np.random.default_rng(2).standard_normal((3, 2, 4, 3, 5))
    y = convis.conv3d(convis.from_numpy(x), convis.from_numpy(w))
    np.testing.assert_allclose(y.numpy(), conv3d_reference(x, w), rtol=1e-10, atol=1e-10)
    path = str(tmp_path / "y.npy")
    convis.save_npy(path, y)
    np.testing.assert_array_equal(np.load(path), y.numpy())


def test_errors_arrive_with_the_cpp_message():
    with pytest.raises(convis.Error, match=r"\[add\] shapes \[2, 3\] and \[4\] do not broadcast"):
        convis.zeros(2, 3) + convis.zeros(4)
    with pytest.raises(RuntimeError):  # convis.Error is a RuntimeError
        convis.conv3d(convis.zeros(1, 1, 2, 2, 2), convis.zeros(1, 1, 3, 3, 3))
    with pytest.raises(convis.Error, match=r"\[dtype\] expected convis.float32, float64, int64 or bool, got int32"):
        convis.zeros(2, dtype="int32")
    with pytest.raises(TypeError):
        iter(convis.tensor(1.0))


def test_printing():
    text = repr(convis.arange(3))
    assert "0" in text and "CPULongType{3}" in text


def test_none_is_accepted_where_it_is_the_default():
    t = convis.arange(6, dtype=convis.float32).view(2, 3)
    assert t.sum(dim=None).item() == 15.0
    assert t.clamp(None, 2.0).max().item() == 2.0
    assert convis.arange(3, None, None, dtype=None).tolist() == [0, 1, 2]
    assert np.asarray(t, dtype=None).shape == (2, 3)
    assert convis.conv1d(convis.ones(1, 1, 5), convis.ones(1, 1, 2), None).tolist() == [[[2.0, 2.0, 2.0, 2.0]]]
