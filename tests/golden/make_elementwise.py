#!/usr/bin/python3
"""Golden values for the elementwise family (tests/core/test_elementwise_golden.cpp).

Run with the interpreter that has torch 1.13:  /usr/bin/python3 tests/golden/make_elementwise.py
Writes tests/golden/data/elementwise/<name>.npy: the inputs (in_*) and torch's results.
Deterministic: seeded, CPU only.
"""
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "elementwise")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(1234)


def save(name, t):
    np.save(os.path.join(OUT, name + ".npy"), t.detach().contiguous().numpy())


# ---- inputs ----
x = torch.randn(3, 5, 7)                       # f32, odd shape
pos = torch.rand(3, 5, 7) * 3 + 0.05           # positive, for log/sqrt
xi = torch.randint(-5, 6, (3, 5, 7))           # int64 with zeros and negatives
half = torch.arange(-3.5, 3.6, 0.5)            # round half to even
a = torch.randn(3, 1, 5)
b = torch.randn(4, 1)
ai = torch.randint(-6, 7, (3, 1, 5))
bi = torch.randint(1, 5, (4, 1)) * (torch.randint(0, 2, (4, 1)) * 2 - 1)  # non-zero
m = torch.randn(5, 3)                          # used as m.t()
n = torch.randn(6, 5)                          # used as n[::2]
for name, t in dict(x=x, pos=pos, xi=xi, half=half, a=a, b=b, ai=ai, bi=bi, m=m, n=n).items():
    save("in_" + name, t)

# ---- unary ----
UNARY = ["abs", "neg", "sign", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt", "reciprocal", "square",
         "sin", "cos", "tanh", "sigmoid", "relu", "floor", "ceil", "round"]
DOMAIN_POS = {"log", "log1p", "sqrt", "rsqrt"}
for op in UNARY:
    f = getattr(torch, op)
    src = pos if op in DOMAIN_POS else x
    save(f"unary_{op}_f32", f(src))
    save(f"unary_{op}_f64", f(src.double()))
    save(f"unary_{op}_i64", f(xi))             # int64 or float32, as torch decides
save("unary_round_half", torch.round(half))
save("unary_exp_f32_t", torch.exp(x.transpose(0, 2)))
save("unary_sin_f32_step", torch.sin(x[:, ::2, 1::3]))

# ---- binary, broadcast [3,1,5] with [4,1] ----
def binary_set(tag, p, q):
    save(f"add_{tag}", torch.add(p, q))
    save(f"add_alpha_{tag}", torch.add(p, q, alpha=2 if not p.is_floating_point() and not q.is_floating_point() else 2.5))
    save(f"sub_{tag}", torch.sub(p, q))
    save(f"mul_{tag}", torch.mul(p, q))
    save(f"div_{tag}", torch.div(p, q))
    save(f"remainder_{tag}", torch.remainder(p, q))
    save(f"maximum_{tag}", torch.maximum(p, q))
    save(f"minimum_{tag}", torch.minimum(p, q))

binary_set("f32", a, b)
binary_set("f64", a.double(), b.double())
binary_set("i64", ai, bi)
binary_set("i64_f32", ai, b)
binary_set("f32_f64", a, b.double())
save("pow_f32", torch.pow(a.abs() + 0.1, b))
save("pow_f64", torch.pow(a.double().abs() + 0.1, b.double()))
save("pow_i64", torch.pow(ai, bi.abs()))
save("pow_i64_neg", torch.pow(ai, bi))  # negative int exponents from a tensor: 0, 1 or -1
save("add_noncontig", torch.add(m.t(), n[::2]))
save("mul_noncontig", torch.mul(m.t(), n[::2]))

# ---- with plain numbers ----
save("scalar_add_f32", x + 2.5)
save("scalar_add_i64_float", xi + 2.5)
save("scalar_mul_i64", xi * 3)
save("scalar_rdiv_i64", 2.0 / torch.where(xi == 0, torch.ones_like(xi), xi))
save("scalar_div_i64", xi / 4)
save("scalar_rsub_f32", torch.rsub(x, 1.5))
save("scalar_pow_f32_3", torch.pow(x, 3))
save("scalar_pow_f32_half", torch.pow(pos, 0.5))
save("scalar_pow_i64_2", torch.pow(xi, 2))
save("scalar_pow_base2_i64", torch.pow(2, xi.abs()))
save("scalar_pow_base_float_i64", torch.pow(1.5, xi))
save("scalar_remainder_f32", torch.remainder(x, -1.5))
save("scalar_remainder_i64_pos", torch.remainder(xi, 3))
save("scalar_remainder_i64_neg", torch.remainder(xi, -4))
save("clamp_f32", torch.clamp(x, -0.5, 0.7))
save("clamp_i64", torch.clamp(xi, -2, 3))
save("clamp_i64_float", torch.clamp(xi, 0.5))
save("clamp_min_f32", torch.clamp_min(x, 0.1))
save("clamp_max_i64", torch.clamp_max(xi, 1))

# ---- comparison, logic, selection ----
save("lt_f32", a < b)
save("ge_i64_f32", ai >= b)
save("eq_i64_scalar", xi == 2)
save("gt_f32_scalar", x > 0.3)
save("ne_i64_float_scalar", xi != 2.5)
save("logical_and_mixed", torch.logical_and(x > 0, xi))
save("logical_or_mixed", torch.logical_or(ai, b > 0))
save("logical_xor_mixed", torch.logical_xor(ai, b))
save("logical_not_f32", torch.logical_not(torch.round(x)))
save("where_f32", torch.where(a > 0, a, b))
save("where_i64_float", torch.where(xi > 0, xi, 2.5))
save("where_scalar_scalar", torch.where(x > 0, 1.0, -1))
mask = torch.randn(5, 1) > 0
save("in_mask", mask)
save("masked_fill_f32", x.masked_fill(mask, 1.5))
save("masked_fill_i64", xi.masked_fill(mask, -7))

q = x + torch.randn(3, 5, 7) * 1e-5
q[0, 0, 0] = float("nan")
save("in_q", q)
save("isclose_default", torch.isclose(x, q))
save("isclose_loose", torch.isclose(x, q, rtol=1e-3, atol=1e-4))

total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
print(f"wrote {len(os.listdir(OUT))} files, {total} bytes to {OUT}")
