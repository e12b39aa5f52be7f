#!/usr/bin/python3
"""Golden values for the linalg, conv and pool tests (tests/core/test_*_golden.cpp).

Run with the system Python that has torch 1.13:
    /usr/bin/python3 tests/golden/make_linalg.py
Writes small .npy files into tests/golden/data/linalg/.  Seeded and deterministic.
Each case saves its inputs (as the test must pass them: a non-contiguous input is saved in
its storage layout, and the test makes the same view) and torch's results; gradients are
torch.autograd.grad(sum(out * g_out), inputs).
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "linalg")
torch.manual_seed(0)


def save(name, t):
    np.save(os.path.join(OUT, name + ".npy"), t.detach().contiguous().numpy())


def rnd(*shape, dtype=torch.float32):
    return torch.randn(*shape, dtype=dtype)


def linalg_cases():
    # mm of odd sizes; the first operand stored [7, 5] and used transposed.
    a_t, b = rnd(7, 5), rnd(7, 3)
    save("mm_at", a_t), save("mm_b", b), save("mm_out", a_t.t() @ b)
    # stepped slices: a_src[::2, 1::3] is [5, 3], b_src[2:, ::2] is [3, 4]
    a_src, b_src = rnd(9, 10), rnd(5, 7)
    a, b = a_src[::2, 1::3], b_src[2:, ::2]
    save("slice_a", a_src), save("slice_b", b_src), save("slice_out", a @ b)
    # batch broadcasting: [2, 1, 3, 4] @ [5, 4, 6] -> [2, 5, 3, 6]
    a, b = rnd(2, 1, 3, 4), rnd(5, 4, 6)
    save("bcast_a", a), save("bcast_b", b), save("bcast_out", torch.matmul(a, b))
    # 1-D with batched: [4] @ [5, 4, 6] -> [5, 6];  [5, 2, 3] @ [3] -> [5, 2]
    v, b = rnd(4), rnd(5, 4, 6)
    save("vec_batch_v", v), save("vec_batch_b", b), save("vec_batch_out", torch.matmul(v, b))
    a, w = rnd(5, 2, 3), rnd(3)
    save("batch_vec_a", a), save("batch_vec_v", w), save("batch_vec_out", torch.matmul(a, w))
    # float64: bmm, mv, dot, outer, 1-D @ 2-D
    a, b = rnd(3, 4, 5, dtype=torch.float64), rnd(3, 5, 2, dtype=torch.float64)
    save("bmm_a", a), save("bmm_b", b), save("bmm_out", torch.bmm(a, b))
    m, v = rnd(6, 5, dtype=torch.float64), rnd(5, dtype=torch.float64)
    save("mv_m", m), save("mv_v", v), save("mv_out", torch.mv(m, v))
    u = rnd(6, dtype=torch.float64)
    save("dot_out", torch.dot(u, u)), save("dot_u", u)
    save("outer_out", torch.outer(u, v))
    save("vecmat_out", torch.matmul(u, m))


def conv_case(name, fn, x, w, b, **kw):
    x = x.clone().requires_grad_(True)
    w = w.clone().requires_grad_(True)
    out = fn(x, w, b, **kw)
    g = torch.randn_like(out)
    gx, gw = torch.autograd.grad((out * g).sum(), (x, w))
    save(name + "_x", x), save(name + "_w", w), save(name + "_out", out), save(name + "_gout", g)
    save(name + "_gx", gx), save(name + "_gw", gw)
    if b is not None:
        save(name + "_b", b)


def conv_cases():
    conv_case("conv3d", F.conv3d, rnd(2, 4, 5, 6, 7), rnd(6, 2, 3, 2, 3), rnd(6),
              stride=(1, 2, 1), padding=(1, 0, 1), dilation=(1, 1, 2), groups=2)
    d = torch.float64
    conv_case("conv2d", F.conv2d, rnd(2, 3, 9, 8, dtype=d), rnd(4, 3, 3, 3, dtype=d), rnd(4, dtype=d),
              stride=2, padding=1)
    conv_case("conv2d_depthwise", F.conv2d, rnd(1, 3, 7, 7), rnd(6, 1, 3, 3), None, padding=2, dilation=2, groups=3)
    conv_case("conv1d", F.conv1d, rnd(2, 3, 11, dtype=d), rnd(5, 3, 4, dtype=d), rnd(5, dtype=d),
              stride=3, padding=2, dilation=2)
    conv_case("conv1d_unbatched", F.conv1d, rnd(3, 11), rnd(2, 3, 3), None, padding=1)
    conv_case("conv2d_1x1", F.conv2d, rnd(2, 5, 4, 3), rnd(3, 5, 1, 1), rnd(3))
    # a non-contiguous input: stored NHWC [2, 9, 8, 3], used as permute(0, 3, 1, 2)
    x_nhwc, w = rnd(2, 9, 8, 3), rnd(2, 3, 2, 3)
    save("conv2d_perm_xnhwc", x_nhwc), save("conv2d_perm_w", w)
    save("conv2d_perm_out", F.conv2d(x_nhwc.permute(0, 3, 1, 2), w, stride=(1, 2)))


def pool_case(name, fn, x, **kw):
    x = x.clone().requires_grad_(True)
    res = fn(x, **kw)
    out, idx = res if isinstance(res, tuple) else (res, None)
    g = torch.randn_like(out)
    (gx,) = torch.autograd.grad((out * g).sum(), (x,))
    save(name + "_x", x), save(name + "_out", out), save(name + "_gout", g), save(name + "_gx", gx)
    if idx is not None:
        save(name + "_idx", idx)


def pool_cases():
    d = torch.float64
    pool_case("maxpool2d", F.max_pool2d, rnd(2, 3, 7, 8), kernel_size=3, stride=2, padding=1, return_indices=True)
    pool_case("maxpool2d_ceil_dil", F.max_pool2d, rnd(2, 2, 9, 8), kernel_size=(2, 3), stride=2, padding=1,
              dilation=(2, 1), ceil_mode=True, return_indices=True)
    pool_case("maxpool1d_ceil", F.max_pool1d, rnd(2, 3, 10, dtype=d), kernel_size=3, stride=2, padding=1,
              ceil_mode=True, return_indices=True)
    pool_case("maxpool3d", F.max_pool3d, rnd(1, 2, 5, 6, 7), kernel_size=(2, 3, 2), stride=(2, 2, 3),
              padding=(1, 1, 0), ceil_mode=True, return_indices=True)
    pool_case("maxpool2d_unbatched", F.max_pool2d, rnd(3, 7, 8), kernel_size=2, return_indices=True)
    pool_case("avgpool2d_pad", F.avg_pool2d, rnd(2, 3, 7, 8), kernel_size=3, stride=2, padding=1, ceil_mode=True)
    pool_case("avgpool2d_nopad", F.avg_pool2d, rnd(2, 3, 7, 8), kernel_size=3, stride=2, padding=1, ceil_mode=True,
              count_include_pad=False)
    pool_case("avgpool1d_ceil", F.avg_pool1d, rnd(2, 3, 6, dtype=d), kernel_size=2, stride=2, padding=1,
              ceil_mode=True)
    pool_case("avgpool3d", F.avg_pool3d, rnd(1, 2, 5, 6, 7, dtype=d), kernel_size=(3, 2, 3), stride=(2, 1, 2),
              padding=(1, 0, 1), count_include_pad=False)
    pool_case("avgpool1d_unbatched", F.avg_pool1d, rnd(3, 7), kernel_size=3, stride=2)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    linalg_cases()
    conv_cases()
    pool_cases()
