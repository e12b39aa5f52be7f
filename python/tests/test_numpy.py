"""Tensors and NumPy arrays share memory both ways, and each keeps the other's memory alive."""
import gc
import sys

import numpy as np
import pytest

import convis


def test_from_numpy_shares_memory_both_ways():
    a = np.arange(12.0).reshape(3, 4)
    t = convis.from_numpy(a)
    assert t.dtype == convis.float64 and t.shape == [3, 4]
    t[1, 2] = -5.0                       # write through the tensor ...
    assert a[1, 2] == -5.0               # ... read through the array
    a[0, 0] = 42.0                       # and the other way
    assert t[0, 0].item() == 42.0
    t.mul_(2)
    np.testing.assert_array_equal(a[0], [84.0, 2.0, 4.0, 6.0])


def test_numpy_of_a_tensor_shares_memory():
    t = convis.arange(6, dtype=convis.float32).view(2, 3)
    n = t.numpy()
    assert n.dtype == np.float32 and n.shape == (2, 3)
    n[1, 1] = 100.0
    assert t[1, 1].item() == 100.0
    t.add_(1)
    assert n[0, 0] == 1.0
    assert np.asarray(t).ctypes.data == t.data_ptr()


def test_strided_views_keep_their_strides():
    a = np.arange(24, dtype=np.int64).reshape(4, 6)[:, ::2]   # a non-contiguous view
    t = convis.from_numpy(a)
    assert t.stride() == [6, 2] and not t.is_contiguous()
    np.testing.assert_array_equal(t.numpy(), a)
    tt = convis.arange(24).view(4, 6).t()
    assert tt.numpy().strides == (8, 48)


def test_copies_where_memory_cannot_be_shared():
    reversed_ = np.arange(5.0)[::-1]            # negative stride
    np.testing.assert_array_equal(convis.from_numpy(reversed_).numpy(), reversed_)
    frozen = np.arange(3.0)
    frozen.flags.writeable = False
    t = convis.from_numpy(frozen)
    t[0] = 7.0
    assert frozen[0] == 0.0
    assert convis.from_numpy(np.ones(3, dtype=np.float16)).dtype == convis.float32
    assert convis.from_numpy(np.ones(3, dtype=np.int32)).dtype == convis.int64


def test_a_tensor_outlives_its_array_and_an_array_its_tensor():
    a = np.arange(1000.0)
    before = sys.getrefcount(a)
    t = convis.from_numpy(a)
    assert sys.getrefcount(a) > before          # the tensor holds the array
    del a
    gc.collect()
    assert t[999].item() == 999.0               # still readable
    del t
    gc.collect()
    t = convis.arange(100, dtype=convis.float64)
    n = t.numpy()
    del t
    gc.collect()
    assert n[99] == 99.0                        # the array holds the tensor's memory
    b = np.zeros(4)
    alone = sys.getrefcount(b)
    t2 = convis.from_numpy(b)
    assert sys.getrefcount(b) > alone
    del t2
    gc.collect()
    assert sys.getrefcount(b) == alone          # released when the tensor goes


def test_dlpack_both_ways():
    t = convis.arange(6, dtype=convis.float64)
    n = np.from_dlpack(t)
    n[0] = 9.0
    assert t[0].item() == 9.0
    back = convis.from_dlpack(n)
    back[1] = -1.0
    assert t[1].item() == -1.0
    assert t.__dlpack_device__() == (1, 0)


def test_numpy_of_a_tensor_that_requires_grad_is_an_error():
    x = convis.ones(2, requires_grad=True)
    with pytest.raises(convis.Error, match=r"\[numpy\] expected a tensor that does not require grad"):
        x.numpy()
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 1.0])


def test_bool_and_int64_round_trip():
    mask = np.array([True, False, True])
    t = convis.from_numpy(mask)
    assert t.dtype == convis.bool
    assert t.sum().item() == 2
    idx = convis.from_numpy(np.array([2, 0], dtype=np.int64))
    np.testing.assert_array_equal(convis.arange(5)[idx].numpy(), [2, 0])


def test_arrays_convis_cannot_hold_are_a_convis_error():
    with pytest.raises(convis.Error, match=r"\[from_numpy\] expected a bool, integer or floating array, got dtype "
                                           r"code 5 with 128 bits"):
        convis.from_numpy(np.ones(2, dtype=np.complex128))
    with pytest.raises(convis.Error, match=r"\[from_numpy\] expected an array on the CPU .*got <class 'str'>"):
        convis.from_numpy("frames")
    assert convis.from_numpy(np.arange(3, dtype=np.uint8)).tolist() == [0, 1, 2]
