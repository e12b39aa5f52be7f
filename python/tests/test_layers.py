"""The convis layer model from Python: filters, models, run in chunks, Output, timings, threads."""
import threading
import time

import numpy as np

import convis


def test_conv3d_filter_computes_the_convolution():
    from conftest import conv3d_reference
    x = np.random.default_rng(4).standard_normal((1, 1, 12, 10, 11))
    w = np.random.default_rng(5).standard_normal((1, 1, 3, 3, 3))
    c = convis.filters.Conv3d(1, 1, (3, 3, 3), bias=False, time_pad=False, autopad=False)
    c.set_weight(convis.from_numpy(w), flip=False)
    with convis.no_grad():
        y = c(convis.from_numpy(x).float())
    np.testing.assert_allclose(y.numpy(), conv3d_reference(x, w), rtol=1e-4, atol=1e-4)


def test_run_in_chunks_gives_the_bits_of_one_call():
    video = convis.samples.moving_bar(120, 16, 16)
    assert video.shape == [120, 16, 16] and video.dtype == convis.float32
    ln = convis.models.LN((8, 5, 5))
    whole = ln.run(video, dt=0)
    ln.clear_state()
    chunked = ln.run(video, dt=7)
    assert len(whole) == 1 and whole[0].shape == [1, 1, 120, 16, 16]
    np.testing.assert_array_equal(whole[0].detach().numpy(), chunked[0].detach().numpy())


def test_retina_output_and_parameters():
    retina = convis.models.Retina()
    retina.set_timing(True)
    with convis.no_grad():
        out = retina.run(convis.samples.moving_bar(300, 20, 20), dt=100)
    assert out.keys() == ["ganglion_spikes_ON", "ganglion_spikes_OFF"]
    on, off = out
    assert on.shape == [1, 1, 300, 20, 20]
    assert 0 < on.sum().item() and 0 < off.sum().item()
    assert set(np.unique(on.numpy())) <= {0.0, 1.0}
    stages = {name for name, seconds, calls in retina.timings()}
    assert {"opl", "bipolar", "spikes_on"} <= stages
    assert "total" in retina.timings_table()
    params = retina.get_parameters()
    assert all(isinstance(v, convis.Tensor) for v in params.values()) and len(params) > 5


def test_models_construct_with_the_toolbox_names():
    x = convis.samples.moving_grating(40, 12, 12)
    assert convis.models.McIntosh((5, 3, 3), layer1_channels=2, layer2_channels=3)(x).dim() >= 1
    assert convis.models.LNLN((3, 3, 3)).run(x, dt=10)[0].shape[2] == 40
    from convis.filters import Conv3d, PadMode
    assert Conv3d(1, 1, (2, 3, 3), autopad_mode=PadMode.reflect).filter_length() == 1


def test_long_calls_release_the_gil():
    """While one thread convolves in C++, another thread's Python code keeps running."""
    convis.set_num_threads(1)
    x = convis.rand(1, 1, 400, 128, 128)
    w = convis.rand(1, 1, 9, 9, 9)
    convis.conv3d(x, w)  # warm up
    window = {}
    ticks = []
    done = threading.Event()

    def convolve():
        window["start"] = time.perf_counter()
        convis.conv3d(x, w)
        window["end"] = time.perf_counter()
        done.set()

    def tick():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    threads = [threading.Thread(target=convolve), threading.Thread(target=tick)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    convis.set_num_threads(2)
    assert window["end"] - window["start"] > 0.02
    inside = [t for t in ticks if window["start"] + 0.005 < t < window["end"] - 0.005]
    assert inside, "no Python ran while the convolution ran: the GIL was held"


def test_fitting_a_layer_lowers_its_loss():
    """layer.set_optimizer.Adam(...) then layer.optimize(input, target, dt), as in the toolbox."""
    video = convis.samples.moving_grating(60, 10, 10)
    teacher = convis.models.LN((4, 3, 3))
    teacher.set_parameter("conv_weight", convis.rand(1, 1, 4, 3, 3))
    with convis.no_grad():
        target = teacher.run(video, dt=20)[0]
    student = convis.models.LN((4, 3, 3))
    optimizer = student.set_optimizer.Adam(lr=0.05)
    assert isinstance(optimizer, convis.optim.Adam) and student.optimizer is not None
    before = sum(student.compute_loss(video, target, dt=20))
    for _ in range(15):
        losses = student.optimize(video, target, dt=20)
    assert len(losses) == 3
    assert sum(student.compute_loss(video, target, dt=20)) < 0.5 * before
    sgd = convis.optim.SGD(student.parameters(), lr=0.1, momentum=0.9)
    assert student.set_optimizer(sgd) is sgd


def test_streams_run_in_chunks_and_write_npy(tmp_path):
    video = convis.samples.moving_bar(50, 12, 12)
    source = convis.streams.SequenceStream(video)
    assert source.remaining() == 50
    ln = convis.models.LN((3, 3, 3))
    with convis.no_grad():
        from_stream = ln.run(source, dt=20)[0]
        ln.clear_state()
        direct = ln.run(video, dt=20)[0]
    np.testing.assert_array_equal(from_stream.numpy(), direct.numpy())
    assert convis.streams.RandomStream((4, 5), seed=1).get(3).shape == [3, 4, 5]
    assert convis.streams.RandomStream((4, 5)).remaining() is None
    path = str(tmp_path / "out.npy")
    with convis.streams.NpyWriter(path) as sink:
        sink.put(direct)
    np.testing.assert_array_equal(np.load(path), direct.numpy()[0, 0])
    back = convis.streams.NpyReader(path)
    assert back.get(7).shape == [7, 12, 12] and back.remaining() == 43
    processed = convis.streams.ProcessingStream(convis.streams.SequenceStream(video), convis.models.LN((3, 3, 3)))
    assert processed.get(10).shape[-2:] == [12, 12]
