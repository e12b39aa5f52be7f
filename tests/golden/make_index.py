#!/usr/bin/python3
"""Golden values for the index family (index_select, gather, scatter, scatter_add, index_add,
Tensor::index and Tensor::index_put_).

Run with the system interpreter that has torch 1.13:
    /usr/bin/python3 tests/golden/make_index.py
Writes tests/golden/data/index/<case>_<name>.npy: the contiguous inputs of each case and its
output `out`.  tests/core/test_index_golden.cpp loads the inputs, makes the same views
(transposes, stepped slices, expansions: written next to each case here and there) and
compares with `out`.  Seeded, so every run writes the same files.
"""
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "index")
DTYPES = {"f32": torch.float32, "f64": torch.float64, "i64": torch.int64, "bool": torch.bool}


def save(case, name, t):
    np.save(os.path.join(OUT, f"{case}_{name}.npy"), t.contiguous().numpy())


def data(shape, dt):
    """Random values of dtype `dt`: normal floats, ints in [-20, 20), bools."""
    if dt == torch.bool:
        return torch.rand(shape) < 0.5
    if dt == torch.int64:
        return torch.randint(-20, 20, shape)
    return torch.randn(shape, dtype=dt)


def index_select_cases():
    for key, dt in DTYPES.items():
        x = data([5, 3, 7], dt)
        idx = torch.tensor([2, 0, 2, 1])
        save(f"index_select_{key}", "x", x)
        save(f"index_select_{key}", "idx", idx)
        save(f"index_select_{key}", "out", x.index_select(1, idx))
    # Non-contiguous: xv = x.permute(2, 0, 1) ([7, 5, 3]), idx = idx_base[::2], dim -1.
    x = data([5, 3, 7], torch.float32)
    idx_base = torch.tensor([2, 9, 0, 9, 0, 9, 1, 9, 2, 9])
    save("index_select_view", "x", x)
    save("index_select_view", "idx", idx_base)
    save("index_select_view", "out", x.permute(2, 0, 1).index_select(-1, idx_base[::2]))


def gather_cases():
    for key, dt in DTYPES.items():
        x = data([4, 5, 6], dt)
        idx = torch.randint(0, 6, [3, 5, 4])
        save(f"gather_{key}", "x", x)
        save(f"gather_{key}", "idx", idx)
        save(f"gather_{key}", "out", x.gather(-1, idx))
    # Non-contiguous: xv = x.transpose(0, 2) ([6, 5, 4]), iv = idx.transpose(0, 1), dim 0.
    x = data([4, 5, 6], torch.float64)
    idx = torch.randint(0, 6, [5, 3, 2])
    save("gather_view", "x", x)
    save("gather_view", "idx", idx)
    save("gather_view", "out", x.transpose(0, 2).gather(0, idx.transpose(0, 1)))


def unique_rows(n_rows, n_pick, n_cols):
    """An index [n_pick, n_cols] whose every column holds distinct values in [0, n_rows)."""
    return torch.stack([torch.randperm(n_rows)[:n_pick] for _ in range(n_cols)], 1)


def scatter_cases():
    for key, dt in DTYPES.items():
        self = data([6, 5], dt)
        idx = unique_rows(6, 4, 5)[:, :4]  # [4, 4]: smaller than self in dim 1
        src = data([5, 6], dt)
        save(f"scatter_{key}", "self", self)
        save(f"scatter_{key}", "idx", idx)
        save(f"scatter_{key}", "src", src)
        save(f"scatter_{key}", "out", self.scatter(0, idx, src))
        value = True if dt == torch.bool else (7 if dt == torch.int64 else 2.5)
        save(f"scatter_{key}", "out_value", self.scatter(0, idx, value))
    # Non-contiguous: sv = self.t() ([5, 6]), src_v = src[:, ::2] ([4, 3]), dim 1, idx [4, 3].
    self = data([6, 5], torch.float32)
    src = data([4, 6], torch.float32)
    idx = unique_rows(6, 3, 4).t().contiguous()  # [4, 3], distinct along dim 1
    save("scatter_view", "self", self)
    save("scatter_view", "idx", idx)
    save("scatter_view", "src", src)
    save("scatter_view", "out", self.t().scatter(1, idx, src[:, ::2]))


def scatter_add_cases():
    for key in ["f32", "f64", "i64"]:
        dt = DTYPES[key]
        self = data([4, 7], dt)
        idx = torch.randint(0, 4, [6, 5])  # duplicates accumulate
        src = data([6, 7], dt)
        save(f"scatter_add_{key}", "self", self)
        save(f"scatter_add_{key}", "idx", idx)
        save(f"scatter_add_{key}", "src", src)
        save(f"scatter_add_{key}", "out", self.scatter_add(0, idx, src))


def index_add_cases():
    for key in ["f32", "f64", "i64"]:
        dt = DTYPES[key]
        self = data([3, 5, 4], dt)
        idx = torch.randint(0, 5, [7])
        src = data([3, 7, 4], dt)
        alpha = 3 if dt == torch.int64 else 0.5
        save(f"index_add_{key}", "self", self)
        save(f"index_add_{key}", "idx", idx)
        save(f"index_add_{key}", "src", src)
        save(f"index_add_{key}", "out", self.index_add(1, idx, src, alpha=alpha))
    # Non-contiguous: sv = self.transpose(0, 2) ([4, 5, 3]), src_v = src.expand(4, 6, 3) from [1, 6, 3], dim -2.
    self = data([3, 5, 4], torch.float32)
    src = data([1, 6, 3], torch.float32)
    idx = torch.tensor([4, 0, 4, 2, 1, 0])
    save("index_add_view", "self", self)
    save("index_add_view", "idx", idx)
    save("index_add_view", "src", src)
    save("index_add_view", "out", self.transpose(0, 2).index_add(-2, idx, src.expand(4, 6, 3)))


def tensor_index_cases():
    x = data([3, 4, 5, 6], torch.float32)
    i = torch.randint(-3, 3, [2, 3])
    j = torch.randint(-6, 6, [3])
    k = torch.randint(0, 4, [4])
    mask = torch.rand(3, 4) < 0.5
    save("adv", "x", x)
    save("adv", "i", i)
    save("adv", "j", j)
    save("adv", "k", k)
    save("adv", "mask", mask)
    save("adv", "out_separated", x[i, :, 1:4, j])                 # B [2, 3] in front: [2, 3, 4, 3]
    save("adv", "out_adjacent", x[:, k, ::2])                      # [3, 4, 3, 6]
    save("adv", "out_pair", x[1, k[:, None], :, j])                # B [4, 3] in front: [4, 3, 5]
    save("adv", "out_mask", x[mask])                               # [n, 5, 6]
    save("adv", "out_mask_slice", x[mask, ..., 2])  # a mask advances one dim (LibTorch): x[:, :, 2, :][mask], [n, 6]
    save("adv", "out_view", x.permute(3, 1, 0, 2)[j, k[:3, None]])  # [3, 3, 3, 5]


def index_put_cases():
    for key, dt in DTYPES.items():
        x = data([4, 5, 6], dt)
        i = torch.tensor([3, 0, -1])  # -1 is 3 again: the later write wins
        j = torch.tensor([1, 4, 1])
        v = data([3, 5], dt)
        y = x.clone()
        y[i, :, j] = v
        save(f"put_{key}", "x", x)
        save(f"put_{key}", "v", v)
        save(f"put_{key}", "out", y)
        mask = torch.rand(4, 5) < 0.4
        vm = data([int(mask.sum()), 6], dt)
        y = x.clone()
        y[mask] = vm
        save(f"put_{key}", "mask", mask)
        save(f"put_{key}", "vm", vm)
        save(f"put_{key}", "out_mask", y)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    index_select_cases()
    gather_cases()
    scatter_cases()
    scatter_add_cases()
    index_add_cases()
    tensor_index_cases()
    index_put_cases()


if __name__ == "__main__":
    main()
