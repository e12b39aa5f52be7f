#!/usr/bin/env python3
"""Golden values and gradients for nn::functional (tests/nn/test_functional.cpp).

Run with the interpreter that has torch 1.13:  /usr/bin/python3 tests/golden/make_functional.py
Writes tests/golden/data/functional/ (all float64):
  x.npy, gy.npy                  the input [4, 5] (values in (-4, 4) and a few large ones) and
                                 the output gradient used for every activation
  act_<name>.npy, act_<name>_grad.npy   f(x) and d/dx sum(f(x) * gy)
  loss_<name>_<reduction>.npy, loss_<name>_<reduction>_grad.npy
                                 the loss and d/dinput of sum(loss * g), g = gl[:loss.numel()]
                                 reshaped (gl[0] for mean and sum)
  inputs for the losses: logits [4, 5] (= x), prob [4, 5], target_reg [4, 5], target_bin [4, 5],
  classes [4] (int64), classes_ignored [4] (one -100), weight [5], pos_weight [5],
  logits3 [2, 5, 3] and classes3 [2, 3] (class dim 1 with an extra dim), counts [4, 5] for Poisson.
The test repeats each case by name; keep the two in step.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(11)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "functional")
os.makedirs(OUT, exist_ok=True)
D = torch.float64


def save(name, t):
    np.save(os.path.join(OUT, name + ".npy"), t.detach().numpy() if torch.is_tensor(t) else np.asarray(t))


x = torch.rand(4, 5, dtype=D) * 8 - 4
x[0, 0], x[0, 1], x[1, 0] = 25.0, -30.0, 0.25
gy = torch.randn(4, 5, dtype=D)
save("x", x)
save("gy", gy)

ACTS = {
    "relu": F.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.2),
    "elu": lambda t: F.elu(t, 1.5),
    "gelu": F.gelu,
    "gelu_tanh": lambda t: F.gelu(t, approximate="tanh"),
    "softplus": F.softplus,
    "softplus_beta": lambda t: F.softplus(t, beta=2, threshold=5),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "softmax": lambda t: F.softmax(t, 1),
    "log_softmax": lambda t: F.log_softmax(t, 0),
}
for name, f in ACTS.items():
    xi = x.clone().requires_grad_(True)
    y = f(xi)
    (y * gy).sum().backward()
    save("act_" + name, y)
    save("act_" + name + "_grad", xi.grad)

prob = torch.rand(4, 5, dtype=D) * 0.98 + 0.01
prob[0, 0] = 1.0  # log(1 - p) clamps at -100
target_reg = torch.randn(4, 5, dtype=D)
target_bin = (torch.rand(4, 5) > 0.5).to(D)
target_bin[1, 1] = 0.3
classes = torch.tensor([1, 0, 4, 2])
classes_ignored = torch.tensor([1, -100, 4, 2])
weight = torch.rand(5, dtype=D) + 0.5
pos_weight = torch.rand(5, dtype=D) * 2 + 0.5
logits3 = torch.randn(2, 5, 3, dtype=D)
classes3 = torch.tensor([[0, 4, 2], [1, 1, 3]])
counts = torch.poisson(torch.rand(4, 5, dtype=D) * 4)
rates = torch.rand(4, 5, dtype=D) * 3 + 0.1
probs_target = torch.softmax(torch.randn(4, 5, dtype=D), 1)
gl = torch.randn(20, dtype=D)
for n, t in [("prob", prob), ("target_reg", target_reg), ("target_bin", target_bin), ("classes", classes),
             ("classes_ignored", classes_ignored), ("weight", weight), ("pos_weight", pos_weight),
             ("logits3", logits3), ("classes3", classes3), ("counts", counts), ("rates", rates),
             ("probs_target", probs_target), ("gl", gl)]:
    save(n, t)

LOSSES = {  # name: (input, function of (input, reduction))
    "mse": (x, lambda i, r: F.mse_loss(i, target_reg, reduction=r)),
    "l1": (x, lambda i, r: F.l1_loss(i, target_reg, reduction=r)),
    "smooth_l1": (x, lambda i, r: F.smooth_l1_loss(i, target_reg, reduction=r)),
    "smooth_l1_beta": (x, lambda i, r: F.smooth_l1_loss(i, target_reg, reduction=r, beta=0.5)),
    "nll": (x, lambda i, r: F.nll_loss(i, classes, reduction=r)),
    "nll_weight_ignore": (x, lambda i, r: F.nll_loss(i, classes_ignored, weight=weight, reduction=r)),
    "cross_entropy": (x, lambda i, r: F.cross_entropy(i, classes, reduction=r)),
    "cross_entropy_weight": (x, lambda i, r: F.cross_entropy(i, classes_ignored, weight=weight, reduction=r)),
    "cross_entropy_smooth": (x, lambda i, r: F.cross_entropy(i, classes_ignored, reduction=r, label_smoothing=0.2)),
    "cross_entropy_smooth_weight": (x, lambda i, r: F.cross_entropy(i, classes_ignored, weight=weight, reduction=r,
                                                                    label_smoothing=0.1)),
    "cross_entropy_3d": (logits3, lambda i, r: F.cross_entropy(i, classes3, reduction=r)),
    "cross_entropy_probs": (x, lambda i, r: F.cross_entropy(i, probs_target, reduction=r, label_smoothing=0.1)),
    "bce": (prob, lambda i, r: F.binary_cross_entropy(i, target_bin, reduction=r)),
    "bce_weight": (prob, lambda i, r: F.binary_cross_entropy(i, target_bin, weight=weight, reduction=r)),
    "bce_logits": (x, lambda i, r: F.binary_cross_entropy_with_logits(i, target_bin, reduction=r)),
    "bce_logits_pos": (x, lambda i, r: F.binary_cross_entropy_with_logits(i, target_bin, weight=weight,
                                                                          pos_weight=pos_weight, reduction=r)),
    "poisson": (x, lambda i, r: F.poisson_nll_loss(i, counts, reduction=r)),
    "poisson_rate_full": (rates, lambda i, r: F.poisson_nll_loss(i, counts, log_input=False, full=True,
                                                                 reduction=r)),
}
for name, (inp, f) in LOSSES.items():
    for r in ["mean", "sum", "none"]:
        i = inp.clone().requires_grad_(True)
        loss = f(i, r)
        g = gl[:loss.numel()].reshape(loss.shape)
        (loss * g).sum().backward()
        save(f"loss_{name}_{r}", loss)
        save(f"loss_{name}_{r}_grad", i.grad)
print("wrote", OUT)
