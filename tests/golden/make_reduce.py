#!/usr/bin/env python3
"""Golden values for the reductions (tests/core/test_reduce_golden.cpp).

Run with the interpreter that has torch 1.13:  /usr/bin/python3 tests/golden/make_reduce.py
Writes tests/golden/data/reduce/: the inputs x_<dtype>.npy (shape [3, 5, 7]) and, per op
and input dtype, one group of cases in two files: <op>_<dtype>.npy holds every case's
result flattened and concatenated in the order the cases run, <op>_<dtype>_shapes.npy
(int64) every case's rank followed by its sizes.  Each op runs over three views of x:
  c  the input as is,
  t  x.permute(2, 0, 1)                 (transposed, shape [7, 3, 5]),
  s  x[:, ::2, 1::3]                    (stepped, shape [3, 3, 2]),
and over the dims lists in DIMS (keepdim too on view c) or the single dims in DIM.
The test walks the same cases in the same order; keep the two in step.
"""
import os

import numpy as np
import torch

torch.manual_seed(1234)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "reduce")
os.makedirs(OUT, exist_ok=True)

INPUTS = {
    "f32": torch.randn(3, 5, 7, dtype=torch.float32),
    "f64": torch.randn(3, 5, 7, dtype=torch.float64),
    "i64": torch.randint(-2, 3, (3, 5, 7), dtype=torch.int64),
}
INPUTS["bool"] = torch.randint(0, 4, (3, 5, 7)) > 0
VIEWS = {
    "c": lambda x: x,
    "t": lambda x: x.permute(2, 0, 1),
    "s": lambda x: x[:, ::2, 1::3],
}
DIMS = [(), (0,), (1,), (2,), (0, 2), (-1, -2)]
DIM = [0, 1, 2, -1]


def save(name, t):
    np.save(os.path.join(OUT, name + ".npy"), t.detach().numpy())


def save_group(name, results):
    save(name, torch.cat([r.reshape(-1) for r in results]))
    shapes = []
    for r in results:
        shapes += [r.dim()] + list(r.shape)
    save(name + "_shapes", torch.tensor(shapes, dtype=torch.int64))


def dims_cases(op, dtypes, fn):
    """fn(x, dims, keepdim) for every view, dims list, keepdim (keepdim only on view c)."""
    for dt in dtypes:
        results = []
        for view, make in VIEWS.items():
            for dims in DIMS:
                for keepdim in ([False, True] if view == "c" else [False]):
                    results.append(fn(make(INPUTS[dt]), dims, keepdim))
        save_group(f"{op}_{dt}", results)


def dim_cases(op, dtypes, fn):
    """fn(x, dim) for every view and every single dim in DIM."""
    for dt in dtypes:
        results = [fn(make(INPUTS[dt]), d) for make in VIEWS.values() for d in DIM]
        save_group(f"{op}_{dt}", results)


def main():
    for dt, x in INPUTS.items():
        save("x_" + dt, x)
    floats = ["f32", "f64"]
    everything = ["f32", "f64", "i64", "bool"]
    dims_cases("sum", everything, lambda x, d, k: x.sum(d, keepdim=k))
    dims_cases("mean", floats, lambda x, d, k: x.mean(d, keepdim=k))
    dims_cases("amax", everything, lambda x, d, k: x.amax(d, keepdim=k))
    dims_cases("amin", ["f32", "i64"], lambda x, d, k: x.amin(d, keepdim=k))
    dims_cases("var", floats, lambda x, d, k: x.var(d, unbiased=True, keepdim=k))
    dims_cases("std", ["f32"], lambda x, d, k: x.std(d, unbiased=False, keepdim=k))
    dims_cases("logsumexp", ["f32", "i64"], lambda x, d, k: x.logsumexp(d if d else (0, 1, 2), keepdim=k))
    dims_cases("norm", floats, lambda x, d, k: x.norm(2, d if d else None, keepdim=k))
    for p, pname in [(1, "p1"), (float("inf"), "pinf"), (float("-inf"), "pminf"), (0, "p0"), (3, "p3"),
                     (-1.5, "pm1.5")]:
        dims_cases("norm" + pname, ["f32"], lambda x, d, k, p=p: x.norm(p, d if d else None, keepdim=k))
    dim_cases("prod", everything, lambda x, d: x.prod(d))
    dim_cases("cumsum", everything, lambda x, d: x.cumsum(d))
    dim_cases("softmax", floats, lambda x, d: x.softmax(d))
    dim_cases("logsoftmax", floats, lambda x, d: x.log_softmax(d))
    dim_cases("all", everything, lambda x, d: x.all(d))
    dim_cases("any", everything, lambda x, d: x.any(d))
    dim_cases("argmax", ["f32", "i64"], lambda x, d: x.argmax(d))
    dim_cases("argmin", ["f64", "i64"], lambda x, d: x.argmin(d))
    dim_cases("maxvalues", ["f32", "i64", "bool"], lambda x, d: x.max(d).values)
    dim_cases("maxindices", ["f32", "i64", "bool"], lambda x, d: x.max(d).indices)
    dim_cases("minindices", ["f64", "i64"], lambda x, d: x.min(d).indices)
    for dt in everything:
        xs = [make(INPUTS[dt]) for make in VIEWS.values()]
        save_group(f"prodall_{dt}", [x.prod() for x in xs])
        if dt != "bool":
            save_group(f"argflat_{dt}", [r for x in xs for r in (x.argmax(), x.argmin())])


if __name__ == "__main__":
    main()
