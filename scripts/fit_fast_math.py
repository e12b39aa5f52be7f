#!/usr/bin/python3
"""Fit the polynomial coefficients of kernels/cpu/fast_math.h (see Note [Fast float math]).

Each fit is a weighted minimax approximation found with Lawson's algorithm (iteratively
reweighted least squares on a dense grid), in float64, then rounded to float32.  The script
then evaluates the float32 polynomial exactly as the header does (numpy float32 arithmetic,
same operation order) and prints the worst relative error in units of 2^-24, so the printed
coefficients can be pasted into the header with their measured quality.

  /usr/bin/python3 scripts/fit_fast_math.py
"""
import numpy as np

LN2 = np.log(2.0)


def lawson(basis, target, weight, iters=400):
    """min over c of max |weight * (basis @ c - target)| (approximately)."""
    w = np.full(len(target), 1.0 / len(target))
    c = None
    for _ in range(iters):
        sw = np.sqrt(w)[:, None]
        c, *_ = np.linalg.lstsq(basis * sw * weight[:, None], target * sw[:, 0] * weight, rcond=None)
        err = np.abs(weight * (basis @ c - target))
        w = w * err
        w /= w.sum()
    return c, np.max(np.abs(weight * (basis @ c - target)))


def horner_f32(coeffs, t):
    acc = np.float32(coeffs[-1]) * np.ones_like(t)
    for c in coeffs[-2::-1]:
        acc = (acc * t + np.float32(c)).astype(np.float32)
    return acc


def fit_exp(deg_q=4):
    # e^r = 1 + r + r^2 * Q(r), r in [-R, R]; R a little over ln2/2 (the rounding of n).
    R = 0.5 * LN2 * 1.02
    r = np.cos(np.linspace(0, np.pi, 20001)) * R
    r = r[np.abs(r) > 1e-6]
    target = (np.expm1(r) - r) / r**2
    basis = np.stack([r**k for k in range(deg_q + 1)], axis=1)
    weight = r**2 / np.exp(r)  # relative error of e^r
    c, err = lawson(basis, target, weight)
    c32 = c.astype(np.float32)
    rf = r.astype(np.float32)
    q = horner_f32(c32, rf)
    p = (np.float32(1) + (rf + (rf * rf) * q)).astype(np.float32)
    rel = np.max(np.abs(p.astype(np.float64) / np.exp(rf.astype(np.float64)) - 1)) * 2**24
    return c32, err * 2**24, rel


def fit_tanh_small(A, deg_p):
    # tanh(a) = a + a^3 * P(a^2), a in [0, A].
    a = np.linspace(1e-4, A, 20001)
    s = a * a
    target = (np.tanh(a) - a) / a**3
    basis = np.stack([s**k for k in range(deg_p + 1)], axis=1)
    weight = a**3 / np.tanh(a)
    c, err = lawson(basis, target, weight)
    c32 = c.astype(np.float32)
    af = a.astype(np.float32)
    sf = (af * af).astype(np.float32)
    p = horner_f32(c32, sf)
    t = (af + (af * sf) * p).astype(np.float32)
    rel = np.max(np.abs(t.astype(np.float64) / np.tanh(af.astype(np.float64)) - 1)) * 2**24
    return c32, err * 2**24, rel


def show(name, c):
    for k, v in enumerate(c):
        print(f"  {name}{k} = {float(v):.9g}f  // 0x{np.float32(v).view(np.uint32):08x}")


if __name__ == "__main__":
    hi = np.float32(np.round(LN2 * 2**16) / 2**16)  # 16 significant bits: n * hi exact for |n| < 2^8
    lo = np.float32(LN2 - float(hi))
    print(f"ln2_hi = {float(hi):.9g}f  ln2_lo = {float(lo):.9g}f  (hi bits 0x{hi.view(np.uint32):08x})")
    for d in (3, 4, 5):
        c, e, rel = fit_exp(d)
        print(f"exp: Q degree {d}: minimax rel err {e:.3f} (2^-24 units), float32 eval {rel:.3f}")
    c, e, rel = fit_exp(4)
    show("e", c)
    for A in (0.55, 0.625):
        for d in (4, 5, 6, 7):
            c, e, rel = fit_tanh_small(A, d)
            print(f"tanh small a<={A}: P degree {d}: minimax {e:.3f}, float32 eval {rel:.3f}")
    c, e, rel = fit_tanh_small(0.55, 4)  # the header's choice: kTanhSmall = 0.55
    show("t", c)
