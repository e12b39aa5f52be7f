"""Writes the .npy/.npz files that tests/core/test_io.cpp reads (run with /usr/bin/python3).

Deterministic: no random numbers, so rerunning it rewrites identical files.
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "io")


def save(name, array, **kwargs):
    np.save(os.path.join(OUT, name), array, **kwargs)


def main():
    os.makedirs(OUT, exist_ok=True)
    f4 = (np.arange(6, dtype=np.float32) * 0.5 - 1.0).reshape(2, 3)  # -1, -0.5, 0, 0.5, 1, 1.5
    save("f4_2x3.npy", f4)
    save("f8_3.npy", np.array([1.0 / 3.0, -2.5e300, 5e-324], dtype=np.float64))
    save("i8_2x2x2.npy", np.array([[[0, -1], [2**62, -(2**63)]], [[7, 8], [9, 10]]], dtype=np.int64))
    save("b1_5.npy", np.array([True, False, False, True, True]))
    # Fortran order: element (i, j) = 10 * i + j, stored column by column.
    save("f4_fortran_3x4.npy", np.asfortranarray(np.array([[10 * i + j for j in range(4)] for i in range(3)],
                                                          dtype=np.float32)))
    save("f8_fortran_2x3x4.npy", np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4)))
    save("f4_scalar.npy", np.array(3.25, dtype=np.float32))
    save("b1_scalar.npy", np.array(True))
    save("i8_empty_0x3.npy", np.zeros((0, 3), dtype=np.int64))
    save("f4_empty_0.npy", np.zeros((0,), dtype=np.float32))
    # Versions 2.0 and 3.0 of the format (a 4-byte header length).
    for version in [(2, 0), (3, 0)]:
        with open(os.path.join(OUT, "f8_v%d.npy" % version[0]), "wb") as f:
            np.lib.format.write_array(f, np.array([[1.5, -2.0]], dtype=np.float64), version=version)
    # Dtypes we refuse.
    save("i4_2.npy", np.array([1, 2], dtype=np.int32))
    save("f4_big_endian.npy", np.array([1, 2], dtype=">f4"))
    save("f2_2.npy", np.array([1, 2], dtype=np.float16))
    save("u1_2.npy", np.array([1, 2], dtype=np.uint8))
    save("object.npy", np.array([1, "a"], dtype=object), allow_pickle=True)
    # Archives.
    np.savez(os.path.join(OUT, "savez.npz"), a=f4, b=np.arange(4, dtype=np.int64), c=np.array(False),
             d=np.array([[0.25]], dtype=np.float64))
    np.savez_compressed(os.path.join(OUT, "savez_compressed.npz"), x=f4)


if __name__ == "__main__":
    main()
