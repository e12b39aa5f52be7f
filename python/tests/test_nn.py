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


def test_batch_norm_pooling_and_loss_modules():
    x = convis.randn(4, 3, 2, 5, 6)
    bn = convis.nn.BatchNorm3d(3)
    y = bn(x).detach().numpy()
    # training mode: each channel normalised by its batch statistics
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3, 4)), 0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3, 4)), 1, atol=1e-3)
    xn = x.numpy()
    np.testing.assert_allclose(bn.running_mean.numpy(), 0.1 * xn.mean(axis=(0, 2, 3, 4)), rtol=1e-4, atol=1e-6)
    bn.eval()
    assert convis.nn.BatchNorm1d(3, momentum=None)(convis.randn(8, 3)).shape == [8, 3]
    pooled = convis.nn.MaxPool3d(2)(x).numpy()
    assert pooled.shape == (4, 3, 1, 2, 3)
    np.testing.assert_allclose(pooled[0, 0, 0, 0, 0], xn[0, 0, :2, :2, :2].max())
    averaged = convis.nn.AvgPool3d((1, 2, 2), stride=1)(x).numpy()
    assert averaged.shape == (4, 3, 2, 4, 5)
    np.testing.assert_allclose(averaged[1, 2, 1, 3, 4], xn[1, 2, 1, 3:5, 4:6].mean(), rtol=1e-5)
    a, b = convis.tensor([0.2, 0.9]), convis.tensor([0.0, 1.0])
    assert convis.nn.MSELoss()(a, b).item() == pytest.approx((0.04 + 0.01) / 2)
    assert convis.nn.L1Loss(reduction="sum")(a, b).item() == pytest.approx(0.3)
    assert convis.nn.BCELoss()(a, b).item() == pytest.approx(-(np.log(0.8) + np.log(0.9)) / 2, rel=1e-5)
    assert F.binary_cross_entropy(a, b).item() == pytest.approx(-(np.log(0.8) + np.log(0.9)) / 2, rel=1e-5)
    logits = convis.tensor([[1.0, 2.0, 0.5]])
    target = convis.tensor([1], dtype=convis.int64)
    expected = -np.log(np.exp(2.0) / np.exp([1.0, 2.0, 0.5]).sum())
    assert convis.nn.CrossEntropyLoss()(logits, target).item() == pytest.approx(expected, rel=1e-5)
    assert F.nll_loss(F.log_softmax(logits, 1), target).item() == pytest.approx(expected, rel=1e-5)
    with pytest.raises(convis.Error, match="reduction"):
        convis.nn.MSELoss(reduction="average")


def test_optimizer_save_and_load_resume_a_run(tmp_path):
    def make():
        convis.manual_seed(3)
        return convis.nn.Linear(2, 1)

    def train(net, opt, steps, first):
        for i in range(first, first + steps):
            convis.manual_seed(50 + i)
            x, y = convis.randn(8, 2), convis.randn(8, 1)
            opt.zero_grad()
            F.mse_loss(net(x), y).backward()
            opt.step()

    whole = make()
    whole_opt = convis.optim.Adam(whole.parameters(), lr=0.05)
    train(whole, whole_opt, 6, 0)
    half = make()
    half_opt = convis.optim.Adam(half.parameters(), lr=0.05)
    train(half, half_opt, 3, 0)
    half.save(str(tmp_path / "model.safetensors"))
    half_opt.save(str(tmp_path / "opt.safetensors"))
    resumed = make()
    resumed_opt = convis.optim.Adam(resumed.parameters(), lr=0.05)
    resumed.load(str(tmp_path / "model.safetensors"))
    resumed_opt.load(str(tmp_path / "opt.safetensors"))
    train(resumed, resumed_opt, 3, 3)
    for a, b in zip(whole.parameters(), resumed.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.safetensors", "opt.safetensors"]
