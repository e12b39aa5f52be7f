#!/usr/bin/python3
"""Golden values for the join family (cat, stack, split, chunk, flip, roll, pad).

Run with the system interpreter that has torch 1.13:
    /usr/bin/python3 tests/golden/make_join.py
Writes tests/golden/data/join/*.npy.  Every input is pattern(shape, dtype), which
tests/core/test_join_golden.cpp rebuilds exactly, so only the outputs are stored.
Inputs that are views (transposed, stepped, expanded) are made the same way on both sides.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "join")


def pattern(shape, dtype=torch.float32):
    """Element i (row-major) is i * 0.5 - 3 for floats, i - 5 for int64, i % 3 == 0 for bool."""
    n = int(np.prod(shape)) if len(shape) else 1
    i = torch.arange(n, dtype=torch.float64)
    if dtype == torch.bool:
        v = (torch.arange(n) % 3) == 0
    elif dtype == torch.int64:
        v = torch.arange(n) - 5
    else:
        v = (i * 0.5 - 3).to(dtype)
    return v.reshape(shape)


def save(name, t):
    np.save(os.path.join(OUT, name + ".npy"), t.contiguous().numpy())


def cat_cases():
    a = pattern([3, 2]).t()                       # [2, 3] transposed
    b = pattern([2, 8])[:, ::2]                   # [2, 4] stepped
    c = pattern([2, 1]).expand(2, 3)              # [2, 3] expanded
    save("cat_noncontig_dim_neg1", torch.cat([a, b, c], -1))
    save("cat_mixed_int_float", torch.cat([pattern([4], torch.int64), pattern([3])]))
    save("cat_bool_int", torch.cat([pattern([2, 2], torch.bool), pattern([1, 2], torch.int64)], 0))
    save("cat_legacy_empty_f64", torch.cat([pattern([2, 0, 3], torch.float64), pattern([2, 3, 3]),
                                            pattern([0], torch.int64)], 1))
    save("cat_odd_dim0", torch.cat([pattern([3, 5]), pattern([4, 5])], 0))


def stack_cases():
    save("stack_dim0", torch.stack([pattern([3, 2]).t(), pattern([2, 3])], 0))
    save("stack_neg_mixed", torch.stack([pattern([3], torch.int64), pattern([3]), pattern([3], torch.int64)], -1))
    save("stack_dim2", torch.stack([pattern([2, 3]), pattern([2, 6])[:, ::2]], 2))


def split_cases():
    for i, p in enumerate(torch.split(pattern([7, 3]), 3, 0)):
        save(f"split_{i}", p)
    for i, p in enumerate(torch.chunk(pattern([3, 6]).t(), 4, 0)):
        save(f"chunk_{i}", p)


def flip_cases():
    save("flip_3d_0_2", torch.flip(pattern([3, 4, 5]), [0, 2]))
    save("flip_transposed_int", torch.flip(pattern([4, 3], torch.int64).t(), [-1]))
    save("flip_expanded_bool", torch.flip(pattern([1, 5], torch.bool).expand(3, 5), [0, 1]))
    save("flip_stepped_f64", torch.flip(pattern([5, 6], torch.float64)[::2, 1::2], [0]))


def roll_cases():
    save("roll_flat", torch.roll(pattern([3, 4]), 5))
    save("roll_2d", torch.roll(pattern([3, 4]), (1, -2), (0, 1)))
    save("roll_big_neg_int", torch.roll(pattern([5], torch.int64), -13, 0))
    save("roll_transposed", torch.roll(pattern([4, 5]).t(), 7, 1))
    save("roll_dup_dims", torch.roll(pattern([3, 4]), (1, 2), (1, 1)))
    save("roll_flat_transposed", torch.roll(pattern([3, 4]).t(), 2))
    save("roll_3d_bool", torch.roll(pattern([2, 3, 4], torch.bool), (1, 1, 3), (0, 1, 2)))


def pad_via_double(x, pads, mode):
    """torch 1.13 has no int/bool reflect and replicate: pad in float64 and cast back."""
    return F.pad(x.to(torch.float64), pads, mode=mode).to(x.dtype)


def pad_cases():
    save("pad_const_1d", F.pad(pattern([5]), [2, 3], value=1.5))
    save("pad_const_2d_neg", F.pad(pattern([4, 5]), [-1, 2, 1, -2], value=-1))
    save("pad_const_3d_int", F.pad(pattern([2, 3, 4], torch.int64), [1, 0, 0, 2, 1, 1], value=7))
    save("pad_const_bool", F.pad(pattern([3, 2], torch.bool), [1, 1], value=1))
    save("pad_const_transposed_f64", F.pad(pattern([3, 4], torch.float64).t(), [1, 2, 3, 0], value=0))
    save("pad_const_4dims", F.pad(pattern([2, 1, 2, 3]), [1, 1, 0, 1, 1, 0, 2, 1], value=9))
    for mode in ["reflect", "replicate", "circular"]:
        save(f"pad_{mode}_1dim", F.pad(pattern([2, 3, 5]), [2, 3], mode=mode))
        save(f"pad_{mode}_2dims", F.pad(pattern([1, 2, 4, 5]), [1, 3, 2, 2], mode=mode))
        save(f"pad_{mode}_3dims", F.pad(pattern([1, 1, 3, 4, 5]), [2, 1, 1, 3, 2, 2], mode=mode))
        save(f"pad_{mode}_transposed", F.pad(pattern([2, 3, 5, 4]).transpose(2, 3), [1, 2, 3, 1], mode=mode))
        save(f"pad_{mode}_expanded", F.pad(pattern([1, 1, 4]).expand(2, 3, 4), [2, 2], mode=mode))
        save(f"pad_{mode}_stepped_f64", F.pad(pattern([2, 3, 9], torch.float64)[:, :, ::2], [2, 1], mode=mode))
    for mode in ["reflect", "replicate"]:  # LibTorch also takes the unbatched ranks here
        save(f"pad_{mode}_unbatched_2d", F.pad(pattern([3, 5]), [4, 1], mode=mode))
        save(f"pad_{mode}_unbatched_3d", F.pad(pattern([2, 4, 5]), [1, 2, 3, 1], mode=mode))
        save(f"pad_{mode}_int", pad_via_double(pattern([1, 2, 4], torch.int64), [1, 2], mode))
        save(f"pad_{mode}_bool", pad_via_double(pattern([2, 3, 4], torch.bool), [2, 1, 1, 2], mode))
    save("pad_circular_int", F.pad(pattern([1, 2, 4], torch.int64), [1, 2], mode="circular"))
    save("pad_circular_bool", F.pad(pattern([1, 2, 3, 4], torch.bool), [2, 1, 1, 2], mode="circular"))
    x = pattern([1, 1, 5])
    save("pad_reflect_neg", F.pad(x, [2, -3], mode="reflect"))
    save("pad_reflect_neg2", F.pad(x, [-1, 2], mode="reflect"))
    save("pad_replicate_neg", F.pad(x, [-1, 3], mode="replicate"))
    save("pad_replicate_neg_2d", F.pad(pattern([1, 3, 4]), [-2, 1, 2, -1], mode="replicate"))
    save("pad_circular_neg", F.pad(x, [3, -1], mode="circular"))
    save("pad_circular_neg2", F.pad(x, [-3, 2], mode="circular"))
    save("pad_circular_full", F.pad(pattern([1, 2, 4]), [4, 4], mode="circular"))


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    cat_cases()
    stack_cases()
    split_cases()
    flip_cases()
    roll_cases()
    pad_cases()


if __name__ == "__main__":
    main()
