#!/usr/bin/env python3
"""Golden trajectories for the optimizers and lr sequences for the schedulers
(tests/nn/test_optim.cpp).

Run with the interpreter that has torch 1.13:  /usr/bin/python3 tests/golden/make_optim.py
Writes tests/golden/data/optim/:
  problem_{A,b,w0,c0}.npy   the least-squares problem (float64): loss(w, c) =
                            mean((A w + c - b)^2) + 0.05 sum(w^4)
  <config>.npy              [10, 4]: w and c (concatenated) after each of 10 steps
  lbfgs_<config>.npy        [10, 2] (Rosenbrock from (-1.5, 2)) or [10, 4] (least squares)
  lbfgs_<config>_loss.npy   [10]: the loss each step(closure) returned
  sched_<name>.npy          [steps, 2]: get_last_lr() after each step, two param groups
The configs and their options are listed in CONFIGS / LBFGS below; the test repeats them.
"""
import os

import numpy as np
import torch

torch.manual_seed(7)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "optim")
os.makedirs(OUT, exist_ok=True)
D = torch.float64
A = torch.randn(6, 3, dtype=D)
B = torch.randn(6, dtype=D)
W0 = torch.randn(3, dtype=D)
C0 = torch.randn(1, dtype=D)


def save(name, a):
    np.save(os.path.join(OUT, name + ".npy"), np.asarray(a))


for n, t in [("A", A), ("b", B), ("w0", W0), ("c0", C0)]:
    save("problem_" + n, t.numpy())


def lsq(w, c):
    return ((A @ w + c - B) ** 2).mean() + 0.05 * (w ** 4).sum()


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


O = torch.optim
CONFIGS = {
    "sgd": lambda p: O.SGD(p, lr=0.1),
    "sgd_momentum": lambda p: O.SGD(p, lr=0.05, momentum=0.9, dampening=0.1),
    "sgd_nesterov": lambda p: O.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "sgd_groups": lambda p: O.SGD([{"params": [p[0]]}, {"params": [p[1]], "lr": 0.01, "momentum": 0.5}], lr=0.1),
    "adam": lambda p: O.Adam(p, lr=0.1),
    "adam_wd": lambda p: O.Adam(p, lr=0.1, betas=(0.8, 0.9), weight_decay=0.1),
    "adam_amsgrad": lambda p: O.Adam(p, lr=0.1, amsgrad=True, weight_decay=0.05),
    "adamw": lambda p: O.AdamW(p, lr=0.1),
    "adamw_amsgrad": lambda p: O.AdamW(p, lr=0.1, weight_decay=0.1, amsgrad=True),
    "rmsprop": lambda p: O.RMSprop(p, lr=0.01),
    "rmsprop_centered": lambda p: O.RMSprop(p, lr=0.01, momentum=0.9, centered=True, weight_decay=0.01),
    "adagrad": lambda p: O.Adagrad(p, lr=0.1),
    "adagrad_options": lambda p: O.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.1,
                                           initial_accumulator_value=0.1),
}

for name, make in CONFIGS.items():
    w = W0.clone().requires_grad_(True)
    c = C0.clone().requires_grad_(True)
    opt = make([w, c])
    rows = []
    for _ in range(10):
        opt.zero_grad()
        lsq(w, c).backward()
        opt.step()
        rows.append(torch.cat([w, c]).detach().numpy().copy())
    save(name, np.stack(rows))

LBFGS = {
    "rosen_plain": ("rosen", dict(lr=0.05, max_iter=5, history_size=3)),
    "rosen_wolfe": ("rosen", dict(lr=1, max_iter=5, history_size=3, line_search_fn="strong_wolfe")),
    "lsq_plain": ("lsq", dict(lr=1, max_iter=4, history_size=2)),
    "lsq_wolfe": ("lsq", dict(lr=1, max_iter=2, history_size=2, line_search_fn="strong_wolfe")),
}
for name, (problem, kw) in LBFGS.items():
    params = [torch.tensor([-1.5, 2.0], dtype=D, requires_grad=True)] if problem == "rosen" else \
        [W0.clone().requires_grad_(True), C0.clone().requires_grad_(True)]
    opt = O.LBFGS(params, **kw)

    def closure():
        opt.zero_grad()
        loss = rosenbrock(params[0]) if problem == "rosen" else lsq(*params)
        loss.backward()
        return loss
    rows, losses = [], []
    for _ in range(10):
        losses.append(float(opt.step(closure)))
        rows.append(torch.cat([p.detach().reshape(-1) for p in params]).numpy().copy())
    save("lbfgs_" + name, np.stack(rows))
    save("lbfgs_" + name + "_loss", np.array(losses))


def sched_opt():
    p, q = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    return O.SGD([{"params": [p]}, {"params": [q], "lr": 0.05}], lr=0.1)


S = O.lr_scheduler
SCHEDULERS = {
    "step": lambda o: S.StepLR(o, step_size=3, gamma=0.5),
    "exponential": lambda o: S.ExponentialLR(o, gamma=0.9),
    "cosine": lambda o: S.CosineAnnealingLR(o, T_max=5, eta_min=0.01),
}
for name, make in SCHEDULERS.items():
    o = sched_opt()
    s = make(o)
    rows = []
    for _ in range(15):
        o.step()
        s.step()
        rows.append(s.get_last_lr())
    save("sched_" + name, np.array(rows))

METRICS = [1.0, 0.9, 0.95, 0.91, 0.92, 0.89, 0.9, 0.9, 0.9, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85]
save("plateau_metrics", np.array(METRICS))
PLATEAU = {
    "plateau_min": dict(mode="min", factor=0.5, patience=2, cooldown=1, min_lr=[0.02, 0.01]),
    "plateau_max_abs": dict(mode="max", factor=0.5, patience=1, threshold=0.05, threshold_mode="abs"),
}
for name, kw in PLATEAU.items():
    o = sched_opt()
    s = S.ReduceLROnPlateau(o, **kw)
    rows = []
    for m in METRICS:
        s.step(m)
        rows.append([g["lr"] for g in o.param_groups])
    save("sched_" + name, np.array(rows))
print("wrote", OUT)
