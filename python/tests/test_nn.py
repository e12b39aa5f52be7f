"""convis.nn from Python: modules, losses, training with an optimizer, state_dict, safetensors."""
import numpy as np
import pytest

import convis
import convis.nn.functional as F


def test_linear_matches_numpy():
    fc = convis.nn.Linear(4, 3)
    x = convis.randn(5, 4)
    with convis.no_grad():
        y = fc(x)
    w, b = fc.weight.detach().numpy(), fc.bias.detach().numpy()
    np.testing.assert_allclose(y.numpy(), x.numpy() @ w.T + b, rtol=1e-5, atol=1e-6)
    assert "Linear" in repr(fc)


def test_training_a_small_network_fits_a_line():
    net = convis.nn.Sequential(convis.nn.Linear(1, 8), convis.nn.Tanh(), convis.nn.Linear(8, 1))
    x = convis.linspace(-1, 1, 32).view(32, 1)
    target = 3 * x + 0.5
    opt = convis.optim.Adam(net.parameters(), lr=0.05)
    first = None
    for _ in range(200):
        opt.zero_grad()
        loss = F.mse_loss(net(x), target)
        loss.backward()
        opt.step()
        first = first if first is not None else loss.item()
    assert loss.item() < 0.01 * first


def test_conv_modules_and_losses():
    conv = convis.nn.Conv3d(2, 3, 3, padding=1)
    assert conv.weight.shape == [3, 2, 3, 3, 3]
    assert conv(convis.randn(1, 2, 4, 5, 6)).shape == [1, 3, 4, 5, 6]
    assert convis.nn.Conv2d(1, 2, (3, 5))(convis.randn(1, 1, 8, 8)).shape == [1, 2, 6, 4]
    a, b = convis.tensor([1.0, 2.0]), convis.tensor([2.0, 4.0])
    assert F.mse_loss(a, b).item() == pytest.approx(2.5)
    assert F.l1_loss(a, b, reduction="sum").item() == pytest.approx(3.0)
    with pytest.raises(convis.Error, match="expected reduction 'mean', 'sum' or 'none', got 'max'"):
        F.mse_loss(a, b, reduction="max")


def test_state_dict_and_safetensors_round_trip(tmp_path):
    net = convis.nn.Linear(3, 2)
    path = str(tmp_path / "net.safetensors")
    net.save(path)
    other = convis.nn.Linear(3, 2)
    other.load(path)
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(value.detach().numpy(), other.state_dict()[name].detach().numpy())
    tensors = convis.load_safetensors(path)
    assert sorted(tensors) == ["bias", "weight"]
    convis.save_safetensors(str(tmp_path / "t.safetensors"), {"x": convis.arange(4)}, {"format": "pt"})
    assert convis.load_safetensors(str(tmp_path / "t.safetensors"))["x"].tolist() == [0, 1, 2, 3]
    seq = convis.nn.Sequential(convis.nn.Linear(2, 2), convis.nn.ReLU())
    state = seq.state_dict()
    assert sorted(state) == ["0.bias", "0.weight"]
    seq.load_state_dict(state)


def test_more_modules_and_optimizers():
    x = convis.linspace(-2, 2, 9).view(1, 9)
    assert convis.nn.LeakyReLU(0.1)(x).min().item() == pytest.approx(-0.2)
    assert convis.nn.Identity()(x).tolist() == x.tolist()
    assert convis.nn.Flatten()(convis.ones(2, 3, 4)).shape == [2, 12]
    assert convis.nn.GELU()(convis.zeros(3)).tolist() == [0.0, 0.0, 0.0]
    assert convis.nn.Softplus()(convis.zeros(1)).item() == pytest.approx(np.log(2.0), rel=1e-6)
    norm = convis.nn.LayerNorm([9])
    with convis.no_grad():
        y = norm(x)
    assert abs(y.mean().item()) < 1e-6 and y.var(unbiased=False).item() == pytest.approx(1.0, rel=1e-3)
    drop = convis.nn.Dropout(0.5)
    drop.eval()
    assert drop(x).tolist() == x.tolist()
    for make in (lambda p: convis.optim.AdamW(p, lr=0.05), lambda p: convis.optim.RMSprop(p, lr=0.05),
                 lambda p: convis.optim.Adagrad(p, lr=0.3)):
        w = convis.tensor([3.0, -2.0], requires_grad=True)
        opt = make([w])
        for _ in range(100):
            opt.zero_grad()
            loss = (w * w).sum()
            loss.backward()
            opt.step()
        assert (w * w).sum().item() < 1.0
