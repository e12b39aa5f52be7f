"""The CUDA device from Python (convis.cuda, Tensor.cuda/to/device, Module.to): without a device
the errors, and in a child process with CONVIS_CUDA_EMULATOR=1 (the choice is made once per
process) the emulated device running tensors, autograd and the Retina."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import convis


def test_without_a_device_cuda_requests_are_errors():
    if convis.cuda.is_available():
        pytest.skip("a CUDA device is present")
    assert convis.cuda.device_count() == 0
    assert not convis.cuda.is_emulated()
    x = convis.ones(2, 3)
    assert x.device == "cpu" and not x.is_cuda
    with pytest.raises(convis.Error, match=r"\[to\] expected a CUDA device"):
        x.cuda()
    with pytest.raises(convis.Error, match=r"\[to\] expected a CUDA device"):
        x.to("cuda")


def test_from_dlpack_names_what_it_expected():
    class ClaimsCuda:  # says kDLCUDA but hands over host memory
        def __dlpack_device__(self):
            return (2, 0)

        def __dlpack__(self, **kwargs):
            return np.arange(3.0).__dlpack__()

    with pytest.raises(convis.Error, match=r"\[from_dlpack\] expected a DLPack array of a CUDA device"):
        convis.from_dlpack(ClaimsCuda())


def test_the_emulated_device_from_python():
    script = textwrap.dedent("""
        import numpy as np
        import convis
        assert convis.cuda.is_available() and convis.cuda.is_emulated()
        a = np.linspace(-2, 2, 12).reshape(3, 4)
        x = convis.from_numpy(a).cuda()
        assert x.device == "cuda:0" and x.is_cuda
        y = (x * 2 + 1).exp().sum(dim=1)
        np.testing.assert_allclose(y.cpu().numpy(), np.exp(a * 2 + 1).sum(axis=1), rtol=1e-12)
        try:
            x.numpy()
            raise AssertionError("numpy() of a device tensor must fail")
        except convis.Error as e:
            assert ".cpu()" in str(e)
        w = convis.from_numpy(a).to("cuda").requires_grad_()
        (w * w).sum().backward()
        np.testing.assert_allclose(w.grad.cpu().numpy(), 2 * a)
        retina = convis.models.Retina()
        retina.to("cuda")
        video = convis.from_numpy(np.random.default_rng(0).random((1, 1, 20, 12, 12)).astype(np.float32) * 255)
        spikes = retina(video.cuda())
        assert spikes.device == "cuda:0" and spikes.shape == [1, 1, 20, 12, 12]
        assert convis.cuda.memory_allocated() > 0
        s = convis.cuda.Stream()
        assert s != convis.cuda.default_stream() and s.id >= 1 and s.device == "cuda:0"
        with convis.cuda.stream(s):
            assert convis.cuda.current_stream() == s
            pinned = convis.from_numpy(a).pin_memory()
            assert pinned.is_pinned() and not convis.from_numpy(a).is_pinned()
            z = pinned.to("cuda", non_blocking=True) * 3
        assert convis.cuda.current_stream() == convis.cuda.default_stream()
        s.synchronize()
        assert s.query()
        np.testing.assert_allclose(z.cpu().numpy(), a * 3)
        d = convis.from_numpy(a).cuda().t()
        assert d.__dlpack_device__() == (2, 0)
        e = convis.from_dlpack(d)       # through a DLPack capsule: the same device memory
        assert e.is_cuda and e.data_ptr() == d.data_ptr() and e.stride() == d.stride()
        np.testing.assert_allclose(e.cpu().numpy(), a.T)
        assert convis.from_dlpack(convis.from_numpy(a)).device == "cpu"
        print("ok")
    """)
    env = dict(os.environ, CONVIS_CUDA_EMULATOR="1")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("ok")
